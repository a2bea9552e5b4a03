// FunctionRouteService: freshet's HTTP routes to functions (the API Gateway part).
//
// Claims UNSIGNED requests whose method and path match a stored route (`freshet function route`,
// tools/lambda/function_routes.h). Signed requests are AWS clients' (an S3 request is signed for
// "s3"), so they never reach a route; for an unsigned request a matching route wins over any other
// service (docs/http.md, "Routing"). The function is invoked with API Gateway's REST proxy event
// (resource, path, httpMethod, headers, multiValueHeaders, queryStringParameters,
// multiValueQueryStringParameters, pathParameters, body, isBase64Encoded, requestContext) and its
// answer {statusCode, headers, multiValueHeaders, body, isBase64Encoded} becomes the response; a
// function error or a malformed answer is 502 {"message": "Internal server error"}, as API
// Gateway answers.
//
// Thread-safety: Claims and Handle are called concurrently; routes are read from the store at
// each request (a change takes effect at once).
#pragma once

#include "tools/transport/http_service.h"

namespace freshet::storage {
class Db;
}
namespace freshet::lambda {
class FunctionRuntime;
}

namespace freshet::transport {

class FunctionRouteService : public HttpService {
 public:
  // Not owned; must outlive this.
  FunctionRouteService(storage::Db* db, lambda::FunctionRuntime* functions) : db_(db), functions_(functions) {}

  std::string_view name() const override { return "function-routes"; }
  bool Claims(const HttpCall& call) const override;
  http::Response Handle(const HttpCall& call) override;

 private:
  storage::Db* const db_;
  lambda::FunctionRuntime* const functions_;
};

}  // namespace freshet::transport
