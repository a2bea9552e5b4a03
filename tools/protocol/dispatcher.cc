#include "tools/protocol/dispatcher.h"

#include "stream/stream_log.h"

namespace freshet::protocol {

Reply ErrorReply(const AwsError& error) { return Reply{error.http_status, ErrorBody(error), {}}; }

Reply Dispatcher::Dispatch(std::string_view target, const Json& request, RequestContext context) const {
  const Operation* op = Registry::Get().Find(target);
  if (!op) {
    return ErrorReply(AwsError::Client("UnknownOperationException",
                                       target.empty() ? "Missing X-Amz-Target: no operation named"
                                                      : "Unknown operation " + std::string(target)));
  }
  if (!request.is_object()) {
    return ErrorReply(AwsError::Client("SerializationException", "the request body must be a JSON object"));
  }
  auto backend = op->writes ? engine_->Writer() : engine_->Reader();
  if (!backend.ok()) return ErrorReply(ErrorForStatus(op->service, backend.status()));
  if (context.now_ms == 0) context.now_ms = stream::NowMs();
  try {
    Outcome outcome = op->handler(Call{*backend, request, context, settings_});
    if (outcome.ok()) {
      if (Json* body = outcome.body()) return Reply{200, std::move(*body), {}};
      if (context.raw_ok) return Reply{200, Json(), std::move(outcome.raw()->text)};
      return Reply{200, Json::parse(outcome.raw()->text), {}};
    }
    return ErrorReply(outcome.error(op->service));
  } catch (const Json::exception& e) {
    // A member of the wrong JSON type that a handler did not check itself.
    return ErrorReply(AwsError::Client("SerializationException", std::string("malformed request: ") + e.what()));
  } catch (const std::exception& e) {
    return ErrorReply(AwsError::Internal(std::string("internal error in ") + std::string(op->name) + ": " + e.what()));
  }
}

}  // namespace freshet::protocol
