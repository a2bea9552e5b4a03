// HttpService: what HttpFront hands the requests that are not AWS JSON requests (no X-Amz-Target).
//
// AWS's other protocols share the port: Lambda's REST API (/2015-03-31/...), the Lambda Runtime API
// its workers call (/2018-06-01/runtime/...), S3's path-style REST API, IAM and STS's query
// protocol (form-encoded POST / with Action=...), plus freshet's own HTTP routes to functions (the
// API Gateway part) and the dashboard. Each is an HttpService registered with HttpFront before the
// server starts; for every such request HttpFront asks them in registration order whether they
// claim it (the first that does answers), else answers 404 UnknownOperationException.
//
// How requests are told apart (docs/http.md, "Routing"): by what the request itself says, never
// by guessing from a name the user chose: the path prefix of a versioned AWS REST API, the service
// of the SigV4 credential scope (an S3 request is signed for "s3", IAM for "iam"), a form body
// with Action=. Unsigned requests are a browser's or curl's: function routes and the dashboard.
//
// Authentication is checked once, by HttpFront, before any service sees the request: an
// HttpCall says whether the request was signed, for which service and region, and whether the
// signature was verified against `serve --credentials` (HttpCall::verified). A malformed or
// wrong signature is in HttpCall::auth_error: the service decides how to answer it (in its own
// error shape) or whether it needs authentication at all.
//
// Thread-safety: Claims and Handle are called concurrently from the HTTP server's workers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/http/http_types.h"
#include "tools/http/sigv4.h"
#include "tools/protocol/registry.h"

namespace freshet::transport {

struct HttpCall {
  const http::Request& request;
  std::string request_id;  // x-amzn-RequestId / x-amz-request-id for the reply
  // The SigV4 scope (access key, region, service) when the request is signed; nullopt unsigned.
  std::optional<http::AuthInfo> auth;
  // Set when a signature is present but malformed, or fails verification against --credentials.
  std::optional<http::AuthError> auth_error;
  // The signature was verified against `serve --credentials` (false without --credentials).
  bool verified = false;
  // Whether the server verifies signatures at all (serve --credentials).
  bool verifying = false;
  protocol::RequestContext context;  // region from the signature's scope, account, now

  // The SigV4 service the request was signed for ("s3", "iam", "lambda"), or "" when unsigned.
  std::string_view signed_service() const { return auth ? std::string_view(auth->service) : std::string_view(); }
};

class HttpService {
 public:
  virtual ~HttpService() = default;
  // For logs and errors: "lambda", "s3".
  virtual std::string_view name() const = 0;
  // Whether this service answers the request. Must be cheap and must not change state.
  virtual bool Claims(const HttpCall& call) const = 0;
  virtual http::Response Handle(const HttpCall& call) = 0;
  // Whether the claimed request's body is read by Handle as it arrives (Request::read_body) rather
  // than whole before (http::ServerOptions::stream_body). `call` holds the headers only.
  virtual bool StreamsBody(const HttpCall& call) const {
    (void)call;
    return false;
  }
};

}  // namespace freshet::transport
