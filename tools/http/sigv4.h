// AWS Signature Version 4 verification for the HTTP server (docs/http.md, "Authentication").
//
// ParseAuthorization answers what a request's SigV4 credentials name (the default mode, where any
// well-formed signature is accepted as the emulators do); VerifySignature also checks the
// signature against known secrets (`freshet serve --credentials FILE`). Both accept the
// Authorization header ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...") and
// query-string presigning (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature). Failures are AuthErrors named and worded as AWS answers
// them, ready to be rendered as {"__type": type, "message": message} with http_status.
//
// Thread-safety: pure functions; a CredentialStore may be shared read-only across threads.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "storage/status.h"
#include "tools/http/http_types.h"

namespace freshet::http {

struct AuthError {
  std::string type;  // AWS's __type, e.g. "InvalidSignatureException"
  std::string message;
  int http_status = 400;
};

struct CredentialStore {
  std::map<std::string, std::string> secrets;  // access key id -> secret access key
};

// Reads the ~/.aws/credentials INI format: every profile's aws_access_key_id and
// aws_secret_access_key. Errors: IOError when the file cannot be read; InvalidArgument (naming
// file and line) for a profile with only one of the two keys, a line that is neither a section,
// a key = value pair nor a comment, or a file with no credentials at all.
Result<CredentialStore> LoadCredentialsFile(const std::string& path);

struct AuthInfo {
  std::string access_key_id;
  std::string date;  // YYYYMMDD, from the credential scope
  std::string region;
  std::string service;
};

// Checks the request carries a well-formed SigV4 Authorization header (or presigned query) and
// returns what it names. Errors: no Authorization header and no X-Amz-Algorithm parameter ->
// MissingAuthenticationTokenException (400, "Missing Authentication Token"); a malformed header,
// an algorithm other than AWS4-HMAC-SHA256, a bad credential scope or no X-Amz-Date / Date ->
// IncompleteSignatureException (400); a malformed presigned query -> AuthorizationQueryParametersError (400).
std::variant<AuthInfo, AuthError> ParseAuthorization(const Request& request);

// Verifies the signature against `store`; nullopt when it is valid. Besides ParseAuthorization's
// errors: unknown access key -> UnrecognizedClientException (400, "The security token included in
// the request is invalid."); request time more than 15 minutes from `now` ->
// InvalidSignatureException ("Signature expired: ..." / "Signature not yet current: ..."); a
// presigned URL past X-Amz-Expires -> AccessDenied (403, "Request has expired"); a hex
// x-amz-content-sha256 that is not the body's hash -> XAmzContentSHA256Mismatch (400); a signature
// that does not match -> InvalidSignatureException (400, AWS's message with the canonical request
// and string to sign the server computed). The payload hash signed is x-amz-content-sha256 when
// present (UNSIGNED-PAYLOAD and STREAMING-* accepted as given; aws-chunked chunk signatures are
// not checked here), else UNSIGNED-PAYLOAD for S3 presigned URLs, else SHA-256 of the body. A
// streamed body (Request::read_body) is not compared with its hash here (whoever reads it must),
// and without x-amz-content-sha256 it is refused (InvalidRequest 400: the hash signed is unknown).
std::optional<AuthError> VerifySignature(const Request& request, const CredentialStore& store,
                                         std::chrono::system_clock::time_point now);

// Client side (sigv4_sign.cc): signs a request as the AWS SDKs do and returns the headers to add
// to it: X-Amz-Date, X-Amz-Content-SHA256 (S3 only, the body's hash) and Authorization. Signed:
// host (`host` is the Host header value, "127.0.0.1:4566"), every header in `headers` (any case),
// and the added date/hash headers. `raw_target` is the path and query exactly as they will be
// sent; the canonical forms follow the same rules VerifySignature checks.
std::vector<std::pair<std::string, std::string>> SignRequest(
    std::string_view method, std::string_view raw_target, std::string_view host,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    std::string_view access_key_id, std::string_view secret_access_key, std::string_view region,
    std::string_view service, std::chrono::system_clock::time_point now);

}  // namespace freshet::http
