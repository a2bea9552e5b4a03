// RemoteObjectSink (tools/delivery/remote_object_sink.h): the pieces of a PUT, and PUTs to a fake
// S3 on 127.0.0.1 (the project's http::Server) that verifies SigV4 against a known secret and
// answers as scripted: retries of transient answers, no retry of refusals, the errors' wording.
#include "tools/delivery/remote_object_sink.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <mutex>

#include "tests/test_util.h"
#include "tools/http/http_server.h"
#include "tools/http/sigv4.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::delivery {
namespace {

constexpr const char* kKey = "AKIDSINK";
constexpr const char* kSecret = "sink/secret+key";

// The environment FindAwsCredentials reads, set for one test and restored after it.
class ScopedAwsEnv {
 public:
  ScopedAwsEnv(const char* key, const char* secret, const char* token = nullptr) {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                             "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"}) {
      const char* old = getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      unsetenv(name);
    }
    // No profile files: only the environment counts.
    setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_.path() + "/none").c_str(), 1);
    setenv("AWS_CONFIG_FILE", (dir_.path() + "/none").c_str(), 1);
    if (key) setenv("AWS_ACCESS_KEY_ID", key, 1);
    if (secret) setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    if (token) setenv("AWS_SESSION_TOKEN", token, 1);
    setenv("AWS_REGION", "eu-central-1", 1);
  }
  ~ScopedAwsEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  test::TempDir dir_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A fake S3: verifies each request's signature, then answers the next scripted (status, body), or
// 200 when the script is used up. Records what it saw.
class FakeS3 {
 public:
  FakeS3() {
    store_.secrets[kKey] = kSecret;
    http::ServerOptions options;
    options.port = 0;
    auto server = http::Server::Start(options, [this](const http::Request& request) {
      http::Response response;
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(request);
      if (auto error = http::VerifySignature(request, store_, std::chrono::system_clock::now())) {
        response.status = 403;  // as S3 answers a bad signature
        response.content_type = "application/xml";
        response.body = "<?xml version=\"1.0\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>" + error->message +
                        "</Message></Error>";
        return response;
      }
      if (!script_.empty()) {
        std::tie(response.status, response.body) = script_.front();
        script_.pop_front();
        if (!response.body.empty()) response.content_type = "application/xml";
      }
      return response;
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void Script(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.emplace_back(status, std::move(body));
  }
  std::vector<http::Request> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  http::CredentialStore store_;
  std::mutex mu_;
  std::deque<std::pair<int, std::string>> script_;
  std::vector<http::Request> seen_;
  std::unique_ptr<http::Server> server_;
};

std::string S3ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message +
         "</Message><RequestId>r</RequestId></Error>";
}

RemoteSinkOptions Fast() {
  RemoteSinkOptions options;
  options.backoff_ms = 1;
  options.request_timeout_ms = 20000;
  return options;
}

TEST(S3PutTest, PathIsCanonicallyEncoded) {
  EXPECT_EQ(s3put::ObjectPath("bkt", "2024/05/01/12/d-1-2024-05-01-12-34-56-ab.gz"),
            "/bkt/2024/05/01/12/d-1-2024-05-01-12-34-56-ab.gz");
  EXPECT_EQ(s3put::ObjectPath("bkt", "a b/c+d/\xC3\xA9=?#"), "/bkt/a%20b/c%2Bd/%C3%A9%3D%3F%23");
}

TEST(S3PutTest, HeadersCarryTheBodysDigests) {
  auto headers = s3put::PutHeaders("hello", "application/octet-stream");
  std::map<std::string, std::string> h(headers.begin(), headers.end());
  EXPECT_EQ(h["Content-Type"], "application/octet-stream");
  EXPECT_EQ(h["Content-MD5"], "XUFAKrxLKna5cZ2REBfFkg==");
  EXPECT_EQ(h["x-amz-content-sha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

TEST(S3PutTest, ErrorsAreParsedIntoOneLine) {
  auto e = s3put::ParseError(S3ErrorXml("SlowDown", "Please reduce\nyour request rate &amp; retry &lt;soon&gt;."));
  EXPECT_EQ(e.code, "SlowDown");
  EXPECT_EQ(e.message, "Please reduce your request rate & retry <soon>.");
  EXPECT_EQ(s3put::ParseError("<html>bad gateway</html>").code, "");
  // Details after a double space (freshet's S3 puts the canonical request there) are left out.
  EXPECT_EQ(
      s3put::ParseError(S3ErrorXml("SignatureDoesNotMatch", "Does not match.  The Canonical String 'PUT /'")).message,
      "Does not match.");
  EXPECT_EQ(s3put::ParseError(S3ErrorXml("X", std::string(400, 'm'))).message, std::string(300, 'm') + "...");

  Status denied = s3put::ErrorForResponse("http://127.0.0.1:9", "bkt", "a/b.gz", 403,
                                          S3ErrorXml("SignatureDoesNotMatch", "The signature does not match."));
  EXPECT_EQ(denied.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(denied.message(),
            "PUT http://127.0.0.1:9/bkt/a/b.gz: HTTP 403 SignatureDoesNotMatch: The signature does not match.");
  EXPECT_TRUE(s3put::ErrorForResponse("http://h", "bkt", "k", 404, S3ErrorXml("NoSuchBucket", "x")).IsNotFound());
  EXPECT_TRUE(
      s3put::ErrorForResponse("http://h", "bkt", "k", 400, S3ErrorXml("InvalidDigest", "x")).IsInvalidArgument());
  Status gateway = s3put::ErrorForResponse("http://h", "bkt", "k", 502, "<html>\nbad gateway\n</html>");
  EXPECT_EQ(gateway.code(), Status::Code::kIOError);
  EXPECT_EQ(gateway.message(), "PUT http://h/bkt/k: HTTP 502: <html> bad gateway </html>");

  EXPECT_TRUE(s3put::Retryable(503, "SlowDown"));
  EXPECT_TRUE(s3put::Retryable(500, ""));
  EXPECT_TRUE(s3put::Retryable(400, "RequestTimeout"));
  EXPECT_TRUE(s3put::Retryable(429, ""));
  EXPECT_FALSE(s3put::Retryable(403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(s3put::Retryable(404, "NoSuchBucket"));
}

TEST(RemoteObjectSinkTest, SignedPutArrivesWithItsBytesAndDigests) {
  ScopedAwsEnv env(kKey, kSecret, "session-token");
  FakeS3 s3;
  RemoteObjectSink sink(s3.url(), Fast());
  std::string bytes(300000, 'x');
  bytes += "\n\x01\x02";
  Status put = sink.PutObject("bkt", "2024/05/01/12/a b+c.gz", bytes, "application/octet-stream");
  ASSERT_TRUE(put.ok()) << put.ToString();
  auto seen = s3.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].path, "/bkt/2024/05/01/12/a b+c.gz");
  EXPECT_EQ(seen[0].body, bytes);
  ASSERT_NE(seen[0].Header("content-md5"), nullptr);
  ASSERT_NE(seen[0].Header("x-amz-content-sha256"), nullptr);
  EXPECT_EQ(*seen[0].Header("x-amz-content-sha256"), http::sigv4::Sha256Hex(bytes));
  ASSERT_NE(seen[0].Header("x-amz-security-token"), nullptr);
  EXPECT_EQ(*seen[0].Header("x-amz-security-token"), "session-token");
  EXPECT_EQ(*seen[0].Header("content-type"), "application/octet-stream");
  // Signed for the environment's region and S3.
  EXPECT_NE(seen[0].Header("authorization")->find("/eu-central-1/s3/aws4_request"), std::string::npos);
}

TEST(RemoteObjectSinkTest, TransientAnswersAreRetriedThenSucceed) {
  ScopedAwsEnv env(kKey, kSecret);
  FakeS3 s3;
  s3.Script(503, S3ErrorXml("SlowDown", "Please reduce your request rate."));
  s3.Script(500, S3ErrorXml("InternalError", "We encountered an internal error."));
  RemoteObjectSink sink(s3.url(), Fast());
  Status put = sink.PutObject("bkt", "k", "data", "application/octet-stream");
  EXPECT_TRUE(put.ok()) << put.ToString();
  auto seen = s3.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& r : seen) EXPECT_EQ(r.body, "data");  // the same PUT each time
}

TEST(RemoteObjectSinkTest, PersistentFailureGivesUpAfterTheAttempts) {
  ScopedAwsEnv env(kKey, kSecret);
  FakeS3 s3;
  for (int i = 0; i < 4; ++i) s3.Script(503, S3ErrorXml("SlowDown", "Please reduce your request rate."));
  RemoteObjectSink sink(s3.url(), Fast());
  Status put = sink.PutObject("bkt", "k", "data", "application/octet-stream");
  EXPECT_EQ(put.code(), Status::Code::kIOError);
  EXPECT_EQ(put.message(), "gave up after 4 attempts: PUT " + s3.url() +
                               "/bkt/k: HTTP 503 SlowDown: Please reduce your request rate.");
  EXPECT_EQ(s3.seen().size(), 4u);
}

TEST(RemoteObjectSinkTest, RefusalsAreNotRetried) {
  FakeS3 s3;
  {
    ScopedAwsEnv env(kKey, "the wrong secret");
    RemoteObjectSink sink(s3.url(), Fast());
    Status put = sink.PutObject("bkt", "a/k.gz", "data", "application/octet-stream");
    EXPECT_EQ(put.code(), Status::Code::kFailedPrecondition);
    EXPECT_NE(put.message().find("PUT " + s3.url() + "/bkt/a/k.gz: HTTP 403 SignatureDoesNotMatch"), std::string::npos)
        << put.message();
    EXPECT_EQ(s3.seen().size(), 1u);
    // The credentials are read at each put: fixed in the environment, the same sink succeeds.
    setenv("AWS_SECRET_ACCESS_KEY", kSecret, 1);
    EXPECT_TRUE(sink.PutObject("bkt", "a/k.gz", "data", "application/octet-stream").ok());
  }
  ScopedAwsEnv env(kKey, kSecret);
  s3.Script(404, S3ErrorXml("NoSuchBucket", "The specified bucket does not exist"));
  RemoteObjectSink sink(s3.url(), Fast());
  Status missing = sink.PutObject("nobucket", "k", "data", "application/octet-stream");
  EXPECT_TRUE(missing.IsNotFound()) << missing.ToString();
  EXPECT_EQ(s3.seen().size(), 3u);
}

TEST(RemoteObjectSinkTest, NoCredentialsIsAClearError) {
  ScopedAwsEnv env(nullptr, nullptr);
  RemoteObjectSink sink("http://127.0.0.1:9", Fast());
  Status put = sink.PutObject("bkt", "k", "data", "application/octet-stream");
  EXPECT_EQ(put.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(put.message().find("no AWS credentials"), std::string::npos) << put.message();
  EXPECT_NE(put.message().find("http://127.0.0.1:9"), std::string::npos) << put.message();
}

TEST(RemoteObjectSinkTest, UnreachableEndpointIsRetriedAndNamed) {
  ScopedAwsEnv env(kKey, kSecret);
  // A port nobody listens on: bind one, note it, close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  RemoteObjectSink sink(url, Fast());
  Status put = sink.PutObject("bkt", "k", "data", "application/octet-stream");
  EXPECT_EQ(put.code(), Status::Code::kIOError);
  EXPECT_NE(put.message().find("gave up after 4 attempts: PUT " + url + "/bkt/k"), std::string::npos) << put.message();
}

}  // namespace
}  // namespace freshet::delivery
