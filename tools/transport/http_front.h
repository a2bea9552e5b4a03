// HttpFront: the registry served over HTTP (`freshet serve --http`), as AWS's JSON protocols are.
//
// A request is POST with `X-Amz-Target: <Prefix>.<Operation>` and a body of
// application/x-amz-json-1.0 (DynamoDB), application/x-amz-json-1.1 (Kinesis, freshet's own) or
// application/x-amz-cbor-1.1 (Kinesis from the Java SDK and the KPL); the reply uses the same
// content type. Errors are AWS's: {"__type", "message"} with the HTTP status, and the
// x-amzn-ErrorType header. Every reply carries an x-amzn-RequestId.
//
// Authentication: a request must carry a well-formed SigV4 Authorization (else
// MissingAuthenticationTokenException / IncompleteSignatureException, as AWS answers). By default
// any well-formed signature is accepted, as AWS's emulators do; with a CredentialStore
// (`serve --credentials FILE`) the signature is verified, and a bad signature, an unknown key or a
// request time more than 15 minutes off is refused with AWS's errors. The region of the
// signature's scope is the region of the request (ARNs name it).
//
// Requests without X-Amz-Target go to the HttpServices added with AddService (http_service.h):
// Lambda's REST API, S3, IAM/STS, function routes, the dashboard.
//
// Thread-safety: AddService before the server starts; then Handle is called concurrently from the
// HTTP server's workers.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tools/http/http_types.h"
#include "tools/http/sigv4.h"
#include "tools/protocol/dispatcher.h"
#include "tools/transport/http_service.h"

namespace freshet::transport {

class HttpFront {
 public:
  // `dispatcher` is not owned and must outlive this. Without `credentials`, signatures are
  // checked for form only.
  HttpFront(const protocol::Dispatcher* dispatcher, std::optional<http::CredentialStore> credentials)
      : dispatcher_(dispatcher), credentials_(std::move(credentials)) {}

  http::Response Handle(const http::Request& request);

  // For http::ServerOptions::stream_body: whether the service that claims this request (headers
  // only, signature parsed but not verified) reads its body as it arrives. Thread-safe.
  bool StreamsBody(const http::Request& head) const;

  // Adds a service for requests without X-Amz-Target; asked in the order added. Not owned: must
  // outlive this. Call before serving.
  void AddService(HttpService* service) { services_.push_back(service); }

  // Secrets of keys not in --credentials that are still valid (function workers' own keys, which
  // sign the calls handlers make back to freshet): nullopt for an unknown key. Call before serving.
  using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key)>;
  void SetExtraSecrets(SecretLookup lookup) { extra_secrets_ = std::move(lookup); }
  // True for a function worker's key that this process did not issue (a worker left running by a
  // killed process): such requests are refused, so a handler cut off by a crash never writes
  // outside the invocation that is redone. Call before serving.
  using KeyCheck = std::function<bool(std::string_view access_key)>;
  void SetForeignWorkerKeyCheck(KeyCheck check) { foreign_worker_key_ = std::move(check); }

 private:
  const protocol::Dispatcher* const dispatcher_;
  const std::optional<http::CredentialStore> credentials_;
  std::vector<HttpService*> services_;
  SecretLookup extra_secrets_;
  KeyCheck foreign_worker_key_;
  std::atomic<uint64_t> request_count_{0};

  http::Response HandleService(const http::Request& request, const std::string& request_id);
  // The call a service sees, with the signature parsed (and verified when `verify`).
  HttpCall MakeCall(const http::Request& request, const std::string& request_id, bool verify) const;
  // VerifySignature against --credentials, or the extra secret of the signing key.
  std::optional<http::AuthError> Verify(const http::Request& request, const http::AuthInfo& info) const;
};

}  // namespace freshet::transport
