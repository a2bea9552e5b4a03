#include "tools/protocol/dispatcher.h"

#include <set>

#include "storage/staged_writes.h"
#include "stream/stream_log.h"

namespace freshet::protocol {

Reply ErrorReply(const AwsError& error) { return Reply{error.http_status, ErrorBody(error), {}}; }

namespace {

// The operations whose reads and writes a function invocation stages (item operations: table
// management and stream puts go straight to the database, at least once).
bool Staged(const Operation& op) {
  static const std::set<std::string_view> kItemOps = {
      "PutItem", "UpdateItem", "DeleteItem",         "GetItem",         "BatchWriteItem", "BatchGetItem",
      "Query",   "Scan",       "TransactWriteItems", "TransactGetItems"};
  return op.service == Service::kDynamoDb && kItemOps.count(op.name) > 0;
}

}  // namespace

Reply Dispatcher::Dispatch(std::string_view target, const Json& request, RequestContext context) const {
  const Operation* op = Registry::Get().Find(target);
  if (!op) {
    return ErrorReply(AwsError::Client("UnknownOperationException", target.empty()
                                                                        ? "Missing X-Amz-Target: no operation named"
                                                                        : "Unknown operation " + std::string(target)));
  }
  if (!request.is_object()) {
    return ErrorReply(AwsError::Client("SerializationException", "the request body must be a JSON object"));
  }
  auto backend = op->writes ? engine_->Writer() : engine_->Reader();
  if (!backend.ok()) return ErrorReply(ErrorForStatus(op->service, backend.status()));
  if (context.now_ms == 0) context.now_ms = stream::NowMs();
  // A function worker's request during an invocation from an event-source mapping reads and writes
  // through the invocation's staged writes, committed with the mapping's checkpoint.
  std::shared_ptr<storage::StagedWrites> staged;
  if (!context.access_key.empty() && Staged(*op)) {
    staged = storage::StagingRegistry::Global().Find(context.access_key);
    if (staged && staged->db() != backend->db) staged.reset();
  }
  storage::StagingScope staging(staged.get());
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
