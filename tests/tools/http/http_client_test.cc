// Client (tools/http/http_client.h) against the project's own Server with VerifySignature: libcurl's
// SigV4 and freshet's verifier must agree. Also connection errors and FindAwsCredentials/Region.
#include "tools/http/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tools/http/http_server.h"
#include "tools/http/sigv4.h"

namespace freshet::http {
namespace {

const AwsCredentials kCreds{"AKIDCLIENT", "client/secret+key", ""};

// A server that verifies every request's signature and answers the verdict.
class VerifyingServer {
 public:
  VerifyingServer() {
    store_.secrets[kCreds.access_key_id] = kCreds.secret_access_key;
    ServerOptions options;
    options.port = 0;
    auto server = Server::Start(options, [this](const Request& request) {
      Response response;
      response.content_type = "application/x-amz-json-1.1";
      auto error = VerifySignature(request, store_, std::chrono::system_clock::now());
      std::lock_guard<std::mutex> lock(mu_);
      last_ = request;
      if (error) {
        response.status = error->http_status;
        response.body = nlohmann::json{{"__type", error->type}, {"message", error->message}}.dump();
      } else {
        response.body = nlohmann::json{{"ok", true}, {"body", request.body}, {"path", request.path}}.dump();
      }
      return response;
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  Request last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  CredentialStore store_;
  std::mutex mu_;
  Request last_;
  std::unique_ptr<Server> server_;
};

nlohmann::json Json(const Result<Response>& response) {
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  if (!response.ok()) return nullptr;
  return nlohmann::json::parse(response->body, nullptr, false);
}

TEST(HttpClientTest, SignedRequestsVerifyOnTheServer) {
  VerifyingServer server;
  auto client = Client::Create(server.url() + "/", kCreds, "us-east-1");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::vector<std::pair<std::string, std::string>> json_headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                                                   {"X-Amz-Target", "Kinesis_20131202.ListStreams"}};
  // Several requests on the one kept-alive connection, with bodies of several sizes.
  for (std::string body : {std::string("{}"), std::string(R"({"StreamName":"s","Limit":5})"), std::string(300000, 'x'),
                           std::string(3 << 20, 'y')}) {
    auto response = (*client)->Send("POST", "/", json_headers, body, "kinesis");
    auto json = Json(response);
    EXPECT_EQ(response->status, 200) << response->body.substr(0, 2000);
    EXPECT_EQ(json.value("body", ""), body);
    EXPECT_EQ(response->content_type, "application/x-amz-json-1.1");
  }
  // No Content-Type at all.
  auto bare = (*client)->Send("POST", "/", {}, "{}", "kinesis");
  EXPECT_EQ(bare->status, 200) << bare->body;
  // Other methods, paths (encoded ones are signed by SignRequest, not libcurl) and queries.
  auto get =
      (*client)->Send("GET", "/2015-03-31/functions/f%3A1/configuration?Qualifier=%24LATEST&a=1", {}, "", "lambda");
  EXPECT_EQ(get->status, 200) << get->body;
  EXPECT_EQ(Json(get).value("path", ""), "/2015-03-31/functions/f:1/configuration");
  auto unsorted = (*client)->Send("GET", "/path?b=2&a=x%20y&a=0", {}, "", "lambda");
  EXPECT_EQ(unsorted->status, 200) << unsorted->body;
  auto put = (*client)->Send("PUT", "/bucket/key.txt", {{"Content-Type", "text/plain"}}, "object", "s3");
  EXPECT_EQ(put->status, 200) << put->body;
  auto put_encoded = (*client)->Send("PUT", "/bucket/a%20key%2Fwith(parens)", {}, "object", "s3");
  EXPECT_EQ(put_encoded->status, 200) << put_encoded->body;
  EXPECT_EQ(Json(put_encoded).value("path", ""), "/bucket/a key/with(parens)");
  auto del = (*client)->Send("DELETE", "/bucket/key.txt", {}, "", "s3");
  EXPECT_EQ(del->status, 200) << del->body;
  auto head = (*client)->Send("HEAD", "/bucket/key.txt", {}, "", "s3");
  EXPECT_EQ(head->status, 200);
  Request seen = server.last();
  ASSERT_NE(seen.Header("authorization"), nullptr);
  EXPECT_NE(seen.Header("authorization")->find("Credential=AKIDCLIENT/"), std::string::npos);
  EXPECT_NE(seen.Header("authorization")->find("/us-east-1/s3/aws4_request"), std::string::npos);
}

TEST(HttpClientTest, SessionTokenIsSentAndSigned) {
  VerifyingServer server;
  AwsCredentials creds = kCreds;
  creds.session_token = "the-session-token";
  auto client = Client::Create(server.url(), creds, "eu-west-1");
  ASSERT_TRUE(client.ok());
  auto response = (*client)->Send("POST", "/", {{"Content-Type", "application/x-amz-json-1.1"}}, "{}", "kinesis");
  EXPECT_EQ(response->status, 200) << response->body;
  Request seen = server.last();
  ASSERT_NE(seen.Header("x-amz-security-token"), nullptr);
  EXPECT_EQ(*seen.Header("x-amz-security-token"), "the-session-token");
  EXPECT_NE(seen.Header("authorization")->find("x-amz-security-token"), std::string::npos);
}

TEST(HttpClientTest, WrongSecretAndNoCredentialsAreRejected) {
  VerifyingServer server;
  auto wrong = Client::Create(server.url(), AwsCredentials{kCreds.access_key_id, "wrong", ""}, "us-east-1");
  ASSERT_TRUE(wrong.ok());
  auto response = (*wrong)->Send("POST", "/", {{"Content-Type", "application/x-amz-json-1.1"}}, "{}", "kinesis");
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(Json(response).value("__type", ""), "InvalidSignatureException");
  auto unsigned_client = Client::Create(server.url(), std::nullopt, "us-east-1");
  ASSERT_TRUE(unsigned_client.ok());
  response = (*unsigned_client)->Send("POST", "/", {{"Content-Type", "application/x-amz-json-1.1"}}, "{}", "kinesis");
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(Json(response).value("__type", ""), "MissingAuthenticationTokenException");
  EXPECT_EQ(server.last().Header("authorization"), nullptr);
  EXPECT_EQ(server.last().Header("content-type") ? *server.last().Header("content-type") : "",
            "application/x-amz-json-1.1");
}

TEST(HttpClientTest, ConnectionErrorsNameTheUrl) {
  // A port nobody listens on: bind one, note it, close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto client = Client::Create(url, kCreds, "us-east-1");
  ASSERT_TRUE(client.ok());
  auto response = (*client)->Send("POST", "/", {}, "{}", "kinesis");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Status::Code::kIOError);
  EXPECT_NE(response.status().message().find(url + "/"), std::string::npos) << response.status().ToString();

  EXPECT_TRUE(Client::Create("127.0.0.1:4566", kCreds, "us-east-1").status().IsInvalidArgument());
}

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  void Set(const char* name, const std::string& value) {
    Save(name);
    ::setenv(name, value.c_str(), 1);
  }
  void Unset(const char* name) {
    Save(name);
    ::unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  void Save(const char* name) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(HttpClientTest, FindsCredentialsAndRegionWhereTheAwsCliDoes) {
  auto home = std::filesystem::temp_directory_path() / ("freshet-awsenv-" + std::to_string(getpid()));
  std::filesystem::create_directories(home / ".aws");
  ScopedEnv env;
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                           "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
    env.Unset(name);
  }
  env.Set("HOME", home.string());
  EXPECT_FALSE(FindAwsCredentials().has_value());
  EXPECT_EQ(FindAwsRegion(), "us-east-1");

  std::ofstream(home / ".aws" / "credentials")
      << "[default]\naws_access_key_id = AKIDFILE\n"
         "aws_secret_access_key = filesecret\n"
         "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n"
         "aws_session_token = devtoken\n";
  std::ofstream(home / ".aws" / "config") << "[default]\nregion = eu-central-1\n[profile dev]\nregion = ap-south-1\n"
                                             "s3 =\n  max_concurrent_requests = 4\n";
  auto creds = FindAwsCredentials();
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->access_key_id, "AKIDFILE");
  EXPECT_EQ(creds->secret_access_key, "filesecret");
  EXPECT_EQ(FindAwsRegion(), "eu-central-1");

  env.Set("AWS_PROFILE", "dev");
  creds = FindAwsCredentials();
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->access_key_id, "AKIDDEV");
  EXPECT_EQ(creds->session_token, "devtoken");
  EXPECT_EQ(FindAwsRegion(), "ap-south-1");

  env.Set("AWS_DEFAULT_REGION", "us-west-2");
  EXPECT_EQ(FindAwsRegion(), "us-west-2");
  env.Set("AWS_REGION", "sa-east-1");
  EXPECT_EQ(FindAwsRegion(), "sa-east-1");

  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.Set("AWS_SECRET_ACCESS_KEY", "envsecret");
  env.Set("AWS_SESSION_TOKEN", "envtoken");
  creds = FindAwsCredentials();
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
  EXPECT_EQ(creds->session_token, "envtoken");

  env.Unset("AWS_ACCESS_KEY_ID");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", (home / "elsewhere").string());
  std::ofstream(home / "elsewhere") << "[dev]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = s\n";
  creds = FindAwsCredentials();
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->access_key_id, "AKIDELSEWHERE");
  std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace freshet::http
