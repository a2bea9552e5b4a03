// HttpEndpoint: the registry's operations sent to an AWS-protocol HTTP endpoint (`--endpoint URL`):
// another `freshet serve --http`, or any Kinesis-compatible service. Each call is one POST to "/"
// with AWS's X-Amz-Target and JSON content type (1.1 for Kinesis and freshet's own operations,
// 1.0 for DynamoDB), signed with SigV4 for the target's service using the standard AWS
// credentials and region (http_client.h); without credentials it signs with dummy ones, which
// freshet accepts unless it verifies signatures.
//
// Thread-safety: one thread at a time (one keep-alive connection).
#pragma once

#include <memory>
#include <string>

#include "tools/http/http_client.h"
#include "tools/transport/endpoint.h"

namespace freshet::transport {

class HttpEndpoint : public Endpoint {
 public:
  // Errors: InvalidArgument for a URL that is not http:// or https://.
  static Result<std::unique_ptr<HttpEndpoint>> Create(const std::string& url);
  Reply Call(std::string_view target, const Json& request) override;

 private:
  HttpEndpoint(std::string url, std::unique_ptr<http::Client> client)
      : url_(std::move(url)), client_(std::move(client)) {}
  const std::string url_;
  std::unique_ptr<http::Client> client_;
};

}  // namespace freshet::transport
