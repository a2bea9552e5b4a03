// RemoteObjectSink: a delivery's objects written to an external S3-compatible endpoint (another
// `freshet serve`, MinIO, AWS S3) with path-style PUTs, `ENDPOINT/bucket/key`, signed with SigV4
// (http::Client: libcurl, loaded with dlopen, signing with CURLOPT_AWS_SIGV4 "aws:amz:REGION:s3").
//
// Credentials and region are read when an object is written, never stored: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN sent as
// x-amz-security-token; AWS_REGION, else AWS_DEFAULT_REGION), then the AWS CLI's profile files,
// as http::FindAwsCredentials / FindAwsRegion read them (region default us-east-1). Changing the
// environment of the delivering process (restarting `serve`) is how they are changed.
//
// Each PUT carries the body's Content-MD5 and x-amz-content-sha256 (the store checks them), is
// bounded in time (RemoteSinkOptions), and counts as written only when answered 2xx. Connection
// failures, 5xx (503 SlowDown among them), 408, 429 and S3's RequestTimeout are retried with
// doubling backoff; other answers fail at once with a one-line Status naming the endpoint, bucket,
// key, HTTP status and S3's error code and message. PUT is idempotent, so a retry — or a
// redelivery after a crash — writes the same bytes under the same key.
//
// Thread-safety: one thread at a time per sink (it owns one kept-alive connection).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stream/delivery/object_sink.h"
#include "tools/http/http_client.h"

namespace freshet::delivery {

struct RemoteSinkOptions {
  int attempts = 4;      // the first try and up to 3 retries
  int backoff_ms = 250;  // before the first retry; doubled before each next one
  long connect_timeout_ms = 10000;
  long request_timeout_ms = 300000;  // a whole PUT: 128 MiB (the largest buffer) at 0.5 MB/s
};

class RemoteObjectSink : public stream::delivery::ObjectSink {
 public:
  // `endpoint` as NormalizeS3Endpoint returns it.
  explicit RemoteObjectSink(std::string endpoint, RemoteSinkOptions options = {});

  // See the file comment. Errors: FailedPrecondition when no credentials are found, or for a
  // 401/403 and other 4xx answers; NotFound for 404 (NoSuchBucket: the delivery waits for the
  // bucket); InvalidArgument for 400; IOError when the endpoint cannot be reached or keeps
  // answering 5xx.
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                   std::string_view content_type) override;

  // DELETE of `bucket`/`key` (an object a redelivery leaves empty): OK also when it does not exist,
  // as S3 answers; errors as PutObject's.
  Status DeleteObject(std::string_view bucket, std::string_view key) override;

  const std::string& endpoint() const { return endpoint_; }

 private:
  // Sends `method` on /bucket/key with retries (see the file comment).
  Status Send(const char* method, std::string_view bucket, std::string_view key,
              const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
              const http::AwsCredentials& creds);
  // The client signing with `creds` for `region`, made again when either changed.
  Result<http::Client*> ClientFor(const http::AwsCredentials& creds, const std::string& region);

  const std::string endpoint_;
  const RemoteSinkOptions options_;
  std::unique_ptr<http::Client> client_;
  http::AwsCredentials client_creds_;
  std::string client_region_;
};

// The factory DeliveryRunner takes: a RemoteObjectSink per endpoint.
stream::delivery::RemoteSinkFactory RemoteSinks(RemoteSinkOptions options = {});

// The pieces of a PUT, exposed for tests.
namespace s3put {

// "/bucket/key" with the key URI-encoded as S3 expects ('/' kept): the canonical form, so libcurl's
// SigV4 signs the path as sent.
std::string ObjectPath(std::string_view bucket, std::string_view key);
// Content-Type, Content-MD5 (base64 of the MD5) and x-amz-content-sha256 (hex SHA-256) of `bytes`.
std::vector<std::pair<std::string, std::string>> PutHeaders(std::string_view bytes, std::string_view content_type);

struct S3Error {
  std::string code;     // "SignatureDoesNotMatch"; "" when the body is not S3's error XML
  std::string message;  // on one line, XML entities decoded; up to a double space, at most 300 bytes
};
// S3's <Error><Code>..</Code><Message>..</Message></Error>.
S3Error ParseError(std::string_view body);
// Whether an answer with this status and S3 error code may succeed when sent again.
bool Retryable(int http_status, std::string_view code);
// The Status of a non-2xx answer to `PUT endpoint/bucket/key` (see RemoteObjectSink::PutObject).
Status ErrorForResponse(std::string_view endpoint, std::string_view bucket, std::string_view key, int http_status,
                        std::string_view body);

}  // namespace s3put
}  // namespace freshet::delivery
