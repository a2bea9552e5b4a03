// Dispatcher: runs one AWS request through the registry on an Engine.
//
// Every transport ends here: the in-process endpoint of a CLI command, the owner's socket, and
// the HTTP server. A request is a target ("Kinesis_20131202.PutRecords") and a JSON body; the
// reply is an HTTP status and a JSON body (the response, or AWS's error shape: see aws_error.h).
// Unknown targets answer UnknownOperationException; malformed bodies SerializationException;
// an exception escaping a handler becomes InternalFailure (500), never a crash.
//
// Thread-safety: Dispatch may be called from many threads at once.
#pragma once

#include <string_view>

#include "tools/protocol/registry.h"

namespace freshet::protocol {

struct Reply {
  int http_status = 200;
  Json body;  // the response, or {"__type", "message"} when http_status != 200
  // Set instead of `body` when the handler wrote its response as text and the caller accepts
  // text (RequestContext::raw_ok): the transports send it as it is.
  std::string raw_body;
  bool ok() const { return http_status == 200; }
  // The response as text, whichever form it is in.
  std::string Text() const {
    return raw_body.empty() ? body.dump(-1, ' ', false, Json::error_handler_t::replace) : raw_body;
  }
};

class Dispatcher {
 public:
  // `engine` is not owned and must outlive the dispatcher.
  Dispatcher(Engine* engine, Settings settings) : engine_(engine), settings_(settings) {}

  Reply Dispatch(std::string_view target, const Json& request, RequestContext context) const;

  const Settings& settings() const { return settings_; }

 private:
  Engine* const engine_;
  const Settings settings_;
};

// The reply for an error.
Reply ErrorReply(const AwsError& error);

}  // namespace freshet::protocol
