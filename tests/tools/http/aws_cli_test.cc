// End to end with the real aws CLI: a Server whose handler verifies SigV4 (tools/http/sigv4.h)
// serves `aws --endpoint-url http://127.0.0.1:PORT kinesis ...` run with credentials in the
// environment and a throwaway HOME. Proves the server hands the handler a request whose
// signature, as botocore made it, verifies; and that a wrong secret is refused with AWS's error.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "tools/http/http_server.h"
#include "tools/http/sigv4.h"

namespace freshet::http {
namespace {

constexpr char kKey[] = "AKIDAWSCLI";
constexpr char kSecret[] = "aws/cli+secret";

struct Seen {
  std::string target;  // X-Amz-Target, or the path of an S3 PUT
  std::string body;
  std::string verdict;  // "valid" or the AuthError type
};

class AwsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("freshet-awscli-" + std::to_string(getpid()));
    std::filesystem::create_directories(home_);
    store_.secrets[kKey] = kSecret;
    ServerOptions options;
    options.port = 0;
    auto server = Server::Start(options, [this](const Request& request) {
      Response response;
      response.content_type = "application/x-amz-json-1.1";
      auto error = VerifySignature(request, store_, std::chrono::system_clock::now());
      const std::string* target = request.Header("x-amz-target");
      if (request.method == "PUT" && !error) {  // an S3 PutObject
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({request.path, request.body, "valid"});
        response.headers.emplace_back("ETag", "\"5d41402abc4b2a76b9719d911017c592\"");
        response.content_type.clear();
        return response;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({target ? *target : "", request.body, error ? error->type : "valid"});
      }
      if (error) {
        response.status = error->http_status;
        response.body = nlohmann::json{{"__type", error->type}, {"message", error->message}}.dump();
      } else if (target && *target == "Kinesis_20131202.PutRecord") {
        response.body =
            R"({"ShardId":"shardId-000000000000","SequenceNumber":"49590338271490256608559692538361571095921575989136588898"})";
      } else {
        response.body = R"({"StreamNames":["weather"],"HasMoreStreams":false})";
      }
      return response;
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  // Runs the aws CLI with `secret`; returns its exit status and fills *output (stdout + stderr).
  int RunAws(const std::string& args, const std::string& secret, std::string* output) {
    std::string command = "env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=" + home_.string() +
                          " AWS_ACCESS_KEY_ID=" + kKey + " AWS_SECRET_ACCESS_KEY='" + secret +
                          "' AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1"
                          " AWS_PAGER= aws --endpoint-url http://127.0.0.1:" +
                          std::to_string(server_->port()) + " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  std::filesystem::path home_;
  CredentialStore store_;
  std::mutex mu_;
  std::vector<Seen> seen_;
  std::unique_ptr<Server> server_;
};

TEST_F(AwsCliTest, AwsCliSignaturesVerify) {
  ASSERT_EQ(std::system("command -v aws >/dev/null 2>&1"), 0) << "the aws CLI is not installed (tools/install-deps.sh)";
  std::string output;
  ASSERT_EQ(RunAws("kinesis list-streams --output json", kSecret, &output), 0) << output;
  EXPECT_NE(output.find("weather"), std::string::npos) << output;
  output.clear();
  ASSERT_EQ(RunAws("kinesis put-record --stream-name weather --partition-key k --data aGVsbG8= --output json", kSecret,
                   &output),
            0)
      << output;
  EXPECT_NE(output.find("shardId-000000000000"), std::string::npos) << output;
  auto requests = seen();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "Kinesis_20131202.ListStreams");
  EXPECT_EQ(requests[0].verdict, "valid");
  EXPECT_EQ(requests[1].target, "Kinesis_20131202.PutRecord");
  EXPECT_EQ(requests[1].verdict, "valid");
  EXPECT_NE(requests[1].body.find("\"PartitionKey\""), std::string::npos) << requests[1].body;
}

TEST_F(AwsCliTest, AwsCliS3UploadsVerify) {
  // S3 signs its path once-encoded and sends Expect: 100-continue, Content-MD5 and
  // x-amz-content-sha256: the other half of the canonical-request rules.
  ASSERT_EQ(std::system("command -v aws >/dev/null 2>&1"), 0) << "the aws CLI is not installed (tools/install-deps.sh)";
  std::ofstream(home_ / "f.txt") << "file contents\n";
  std::string output;
  EXPECT_EQ(RunAws("s3 cp " + (home_ / "f.txt").string() + " 's3://bucket/dir/a key(1).txt'", kSecret, &output), 0)
      << output;
  output.clear();
  EXPECT_EQ(RunAws("s3 cp - s3://bucket/from-stdin < " + (home_ / "f.txt").string(), kSecret, &output), 0) << output;
  auto requests = seen();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/bucket/dir/a key(1).txt");
  EXPECT_EQ(requests[0].body, "file contents\n");
  EXPECT_EQ(requests[1].target, "/bucket/from-stdin");
  EXPECT_EQ(requests[1].body, "file contents\n");
}

TEST_F(AwsCliTest, WrongSecretIsRefused) {
  ASSERT_EQ(std::system("command -v aws >/dev/null 2>&1"), 0) << "the aws CLI is not installed (tools/install-deps.sh)";
  std::string output;
  EXPECT_NE(RunAws("kinesis list-streams --output json", "not-the-secret", &output), 0) << output;
  EXPECT_NE(output.find("InvalidSignatureException"), std::string::npos) << output;
  auto requests = seen();
  ASSERT_EQ(requests.size(), 1u);  // AWS_MAX_ATTEMPTS=1, and a 400 is not retried anyway
  EXPECT_EQ(requests[0].verdict, "InvalidSignatureException");
}

}  // namespace
}  // namespace freshet::http
