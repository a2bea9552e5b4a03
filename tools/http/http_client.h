// The HTTP client of the CLI's `--endpoint URL` mode: sends AWS protocol requests to another
// `freshet serve --http` or any AWS-compatible endpoint, signed with SigV4 (libcurl's
// CURLOPT_AWS_SIGV4) when credentials are given, over one kept-alive connection.
//
// Credentials and region come from the standard AWS places (FindAwsCredentials, FindAwsRegion),
// as the aws CLI and the SDKs read them.
//
// Thread-safety: a Client is used by one thread at a time (it owns one curl easy handle);
// FindAwsCredentials and FindAwsRegion read the environment and files and are thread-safe as long
// as nobody changes the environment meanwhile.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/status.h"
#include "tools/http/http_types.h"

namespace freshet::http {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) when both are set; else the
// profile AWS_PROFILE (or "default") in AWS_SHARED_CREDENTIALS_FILE (or ~/.aws/credentials), then
// in AWS_CONFIG_FILE (or ~/.aws/config); nullopt when none has both keys (an unreadable or
// malformed file counts as none).
std::optional<AwsCredentials> FindAwsCredentials();

// AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in AWS_CONFIG_FILE (or
// ~/.aws/config), else "us-east-1".
std::string FindAwsRegion();

class Client {
 public:
  // `endpoint_url` is "http://host:port" or "https://host[:port]", without a path (a trailing "/"
  // is dropped; signatures cover only the path Send is given). With
  // `creds`, every request is signed for `region` and the service Send names. Errors:
  // InvalidArgument for a URL that is not http(s); Internal if libcurl cannot start.
  static Result<std::unique_ptr<Client>> Create(std::string endpoint_url, std::optional<AwsCredentials> creds,
                                                std::string region);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request and returns the response whatever its status (an AWS error is a Response
  // with status >= 400 and the error body). `path_and_query` starts with "/"; for a signed request
  // its query must already be in canonical form (names sorted, AWS-encoded: libcurl 7.88 signs the
  // query as given). `headers` are sent as given (Content-Type among them); the response's header
  // names are lower-cased. `service` is the SigV4 service name ("kinesis"), unused without
  // credentials. Errors: IOError naming the URL when the connection or transfer fails.
  Result<Response> Send(const std::string& method, const std::string& path_and_query,
                        const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                        const std::string& service);

  const std::string& endpoint() const { return endpoint_; }

  // Bounds each later request: `connect_ms` to connect, `total_ms` for the whole request (0: no
  // bound but the stall limit, a peer silent for a minute). Defaults: 10 s, none.
  void SetTimeouts(long connect_ms, long total_ms) {
    connect_timeout_ms_ = connect_ms;
    total_timeout_ms_ = total_ms;
  }

 private:
  Client(std::string endpoint, std::optional<AwsCredentials> creds, std::string region, void* curl);

  std::string endpoint_;
  std::optional<AwsCredentials> creds_;
  std::string region_;
  void* curl_;  // CURL*, kept across requests so the connection is reused
  long connect_timeout_ms_ = 10000;
  long total_timeout_ms_ = 0;
};

}  // namespace freshet::http
