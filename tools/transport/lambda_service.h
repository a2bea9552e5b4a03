// LambdaService: Lambda's REST API (paths under /2015-03-31/) mapped onto the registry's
// Lambda_20150331 operations, as the aws CLI and the SDKs call it.
//
//   POST   /2015-03-31/functions                          CreateFunction (201)
//   GET    /2015-03-31/functions/                         ListFunctions (?Marker, ?MaxItems)
//   GET    /2015-03-31/functions/{name}                   GetFunction
//   DELETE /2015-03-31/functions/{name}                   DeleteFunction (204)
//   GET    /2015-03-31/functions/{name}/configuration     GetFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/configuration     UpdateFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/code              UpdateFunctionCode
//   POST   /2015-03-31/functions/{name}/invocations       Invoke (X-Amz-Invocation-Type, X-Amz-Log-Type;
//          the body is the event, the reply's body the function's raw answer, with
//          X-Amz-Function-Error, X-Amz-Log-Result, X-Amz-Executed-Version)
//   POST   /2015-03-31/event-source-mappings/             CreateEventSourceMapping (202)
//   GET    /2015-03-31/event-source-mappings/             ListEventSourceMappings
//   GET|PUT|DELETE /2015-03-31/event-source-mappings/{UUID}  Get/Update/DeleteEventSourceMapping
//
// Errors are Lambda's REST shape: {"Type": "User"|"Service", "message": ...} with the exception
// name in x-amzn-ErrorType and its own HTTP status.
//
// Security: CreateFunction, UpdateFunctionCode and UpdateFunctionConfiguration run code on this
// machine, so over HTTP they need a signature verified against `serve --credentials`
// (HttpCall::verified); otherwise they answer AccessDeniedException (403).
//
// Thread-safety: Handle is called concurrently; the dispatcher is thread-safe.
#pragma once

#include "tools/protocol/dispatcher.h"
#include "tools/transport/http_service.h"

namespace freshet::transport {

class LambdaService : public HttpService {
 public:
  // Not owned; must outlive this.
  explicit LambdaService(const protocol::Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  std::string_view name() const override { return "lambda"; }
  bool Claims(const HttpCall& call) const override;
  http::Response Handle(const HttpCall& call) override;

 private:
  const protocol::Dispatcher* const dispatcher_;
};

// Lambda's REST error reply for `error`.
http::Response LambdaErrorResponse(const protocol::AwsError& error);

}  // namespace freshet::transport
