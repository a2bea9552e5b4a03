// SigV4 verification (tools/http/sigv4.h): AWS's published examples, requests signed by botocore
// (an independent implementation, the one the aws CLI and boto3 use), tampering, and AWS's errors.
#include "tools/http/sigv4.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/http/base64.h"
#include "tools/http/http_request_parts.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::http {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(int year, int month, int day, int hour, int minute, int second) {
  tm t{};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = second;
  return system_clock::from_time_t(timegm(&t));
}

Request Make(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
             std::string body = "") {
  for (auto& [name, value] : headers) {
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return MakeRequest(std::move(method), std::move(target), std::move(headers), std::move(body), "127.0.0.1");
}

std::string ErrorType(const std::optional<AuthError>& error) { return error ? error->type : "none"; }

// AWS's SigV4 test suite, get-vanilla.
TEST(SigV4Test, AwsTestSuiteGetVanilla) {
  CredentialStore store{{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}};
  Request request = Make("GET", "/",
                         {{"Host", "example.amazonaws.com"},
                          {"X-Amz-Date", "20150830T123600Z"},
                          {"Authorization",
                           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                           "SignedHeaders=host;x-amz-date, "
                           "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}});
  auto now = At(2015, 8, 30, 12, 36, 0);
  EXPECT_EQ(ErrorType(VerifySignature(request, store, now)), "none");
  auto info = ParseAuthorization(request);
  ASSERT_TRUE(std::holds_alternative<AuthInfo>(info));
  EXPECT_EQ(std::get<AuthInfo>(info).access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(std::get<AuthInfo>(info).date, "20150830");
  EXPECT_EQ(std::get<AuthInfo>(info).region, "us-east-1");
  EXPECT_EQ(std::get<AuthInfo>(info).service, "service");

  request.headers[0].second = "other.amazonaws.com";
  EXPECT_EQ(ErrorType(VerifySignature(request, store, now)), "InvalidSignatureException");
}

// The S3 documentation's "GET Object" example (Range header, x-amz-content-sha256 of the empty body).
TEST(SigV4Test, AwsS3GetObjectExample) {
  CredentialStore store{{{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}};
  Request request = Make("GET", "/test.txt",
                         {{"Host", "examplebucket.s3.amazonaws.com"},
                          {"Range", "bytes=0-9"},
                          {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                          {"x-amz-date", "20130524T000000Z"},
                          {"Authorization",
                           "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                           "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                           "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}});
  EXPECT_EQ(ErrorType(VerifySignature(request, store, At(2013, 5, 24, 0, 5, 0))), "none");
}

struct Signed {
  std::string name;
  Request request;
};

// Runs botocore_sign.py: requests signed just now by botocore.
std::vector<Signed> BotocoreRequests() {
  std::string script = std::string(FRESHET_DEFAULT_SOURCE_DIR) + "/tests/tools/http/botocore_sign.py";
  FILE* pipe = popen(("python3 " + script).c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t n;
  while (pipe != nullptr && (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  int status = pipe != nullptr ? pclose(pipe) : -1;
  EXPECT_EQ(status, 0) << "python3 " << script << " failed";
  std::vector<Signed> out;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    auto line = nlohmann::json::parse(output.substr(start, end - start));
    start = end == std::string::npos ? output.size() : end + 1;
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : line["headers"]) headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
    auto body = Base64Decode(line["body_base64"].get<std::string>());
    out.push_back(
        {line["name"].get<std::string>(), Make(line["method"].get<std::string>(), line["target"].get<std::string>(),
                                               std::move(headers), body.value_or(""))});
  }
  return out;
}

const CredentialStore kBotoStore{{{"AKIDTEST", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}};

TEST(SigV4Test, BotocoreSignedRequestsVerify) {
  auto requests = BotocoreRequests();
  ASSERT_EQ(requests.size(), 10u);
  for (const auto& [name, request] : requests) {
    EXPECT_EQ(ErrorType(VerifySignature(request, kBotoStore, system_clock::now())), "none") << name;
  }
}

TEST(SigV4Test, TamperedBotocoreRequestsAreRejected) {
  for (auto [name, request] : BotocoreRequests()) {
    // Another path: every kind of request signs its path.
    Request moved = request;
    moved.raw_target.insert(std::min(moved.raw_target.find('?'), moved.raw_target.size()), "x");
    EXPECT_EQ(ErrorType(VerifySignature(moved, kBotoStore, system_clock::now())), "InvalidSignatureException") << name;
    if (!request.body.empty()) {
      Request changed = request;
      changed.body += "!";
      std::string expected =
          request.Header("x-amz-content-sha256") != nullptr ? "XAmzContentSHA256Mismatch" : "InvalidSignatureException";
      EXPECT_EQ(ErrorType(VerifySignature(changed, kBotoStore, system_clock::now())), expected) << name;
    }
    CredentialStore wrong{{{"AKIDTEST", "not the secret"}}};
    EXPECT_EQ(ErrorType(VerifySignature(request, wrong, system_clock::now())), "InvalidSignatureException") << name;
    CredentialStore other{{{"AKIDOTHER", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}};
    auto unknown = VerifySignature(request, other, system_clock::now());
    EXPECT_EQ(ErrorType(unknown), "UnrecognizedClientException") << name;
    if (unknown) {
      EXPECT_EQ(unknown->message, "The security token included in the request is invalid.");
      EXPECT_EQ(unknown->http_status, 400);
    }
  }
}

TEST(SigV4Test, RequestTimeMoreThanFifteenMinutesOffIsRejected) {
  CredentialStore store{{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}};
  Request request = Make("GET", "/",
                         {{"Host", "example.amazonaws.com"},
                          {"X-Amz-Date", "20150830T123600Z"},
                          {"Authorization",
                           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                           "SignedHeaders=host;x-amz-date, "
                           "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}});
  EXPECT_EQ(ErrorType(VerifySignature(request, store, At(2015, 8, 30, 12, 51, 0))), "none");  // exactly 15 min
  auto late = VerifySignature(request, store, At(2015, 8, 30, 13, 1, 0));
  ASSERT_TRUE(late);
  EXPECT_EQ(late->type, "InvalidSignatureException");
  EXPECT_EQ(late->message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T130100Z - 15 min.)");
  auto early = VerifySignature(request, store, At(2015, 8, 30, 12, 6, 0));
  ASSERT_TRUE(early);
  EXPECT_EQ(early->type, "InvalidSignatureException");
  EXPECT_EQ(early->message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T122100Z (20150830T120600Z + "
            "15 min.)");
}

TEST(SigV4Test, MissingAndMalformedAuthorization) {
  auto none = ParseAuthorization(Make("POST", "/", {{"Host", "h"}}));
  ASSERT_TRUE(std::holds_alternative<AuthError>(none));
  EXPECT_EQ(std::get<AuthError>(none).type, "MissingAuthenticationTokenException");
  EXPECT_EQ(std::get<AuthError>(none).message, "Missing Authentication Token");
  EXPECT_EQ(std::get<AuthError>(none).http_status, 400);

  const char* kMalformed[] = {
      "AWS AKID:signature",  // SigV2
      "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host",
      "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=ab",
      "AWS4-HMAC-SHA256 Credential=AKID/2015083/us-east-1/svc/aws4_request, SignedHeaders=host, Signature=ab",
      "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/svc/aws5_request, SignedHeaders=host, Signature=ab",
      "AWS4-HMAC-SHA512 Credential=AKID/20150830/us-east-1/svc/aws4_request, SignedHeaders=host, Signature=ab",
      "",
  };
  for (const char* header : kMalformed) {
    auto parsed =
        ParseAuthorization(Make("POST", "/", {{"X-Amz-Date", "20150830T123600Z"}, {"Authorization", header}}));
    ASSERT_TRUE(std::holds_alternative<AuthError>(parsed)) << header;
    EXPECT_EQ(std::get<AuthError>(parsed).type, "IncompleteSignatureException") << header;
    EXPECT_EQ(std::get<AuthError>(parsed).http_status, 400);
  }
  // Well-formed but without any date header.
  auto no_date = ParseAuthorization(
      Make("POST", "/",
           {{"Authorization",
             "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/svc/aws4_request, SignedHeaders=host, "
             "Signature=ab"}}));
  ASSERT_TRUE(std::holds_alternative<AuthError>(no_date));
  EXPECT_NE(std::get<AuthError>(no_date).message.find("'X-Amz-Date' or a 'Date' header"), std::string::npos);
  // Dates outside what the clock can hold (found by the fuzzer: the conversion overflowed).
  for (auto date : std::vector<std::pair<std::string, std::string>>{{"X-Amz-Date", "00010101T000000Z"},
                                                                    {"X-Amz-Date", "99991231T235959Z"},
                                                                    {"Date", "Mon, 01 Jan -30000 00:00:00 GMT"},
                                                                    {"Date", "Mon, 01 Jan 0001 00:00:00 GMT"}}) {
    auto parsed = ParseAuthorization(Make("POST", "/",
                                          {date,
                                           {"Authorization",
                                            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/svc/aws4_request, "
                                            "SignedHeaders=host, Signature=ab"}}));
    ASSERT_TRUE(std::holds_alternative<AuthError>(parsed)) << date.second;
    EXPECT_EQ(std::get<AuthError>(parsed).type, "IncompleteSignatureException") << date.second;
  }
  // A presigned query missing its signature.
  auto presigned =
      ParseAuthorization(Make("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z", {}));
  ASSERT_TRUE(std::holds_alternative<AuthError>(presigned));
  EXPECT_EQ(std::get<AuthError>(presigned).type, "AuthorizationQueryParametersError");
}

TEST(SigV4Test, CanonicalForms) {
  EXPECT_EQ(sigv4::CanonicalUri("/documents and settings/", false), "/documents%20and%20settings/");
  EXPECT_EQ(sigv4::CanonicalUri("/a%20b/./c/../d//e", false), "/a%2520b/d/e");
  EXPECT_EQ(sigv4::CanonicalUri("", false), "/");
  EXPECT_EQ(sigv4::CanonicalUri("/bucket/a%2fb%7E c(1)", true), "/bucket/a%2Fb~%20c%281%29");
  EXPECT_EQ(sigv4::CanonicalQuery("b=2&a=1&a=0&c=x+y&flag&d=%7e", "X-Amz-Signature"), "a=0&a=1&b=2&c=x%2By&d=~&flag=");
  EXPECT_EQ(sigv4::CanonicalQuery("X-Amz-Signature=abc&z=1", "X-Amz-Signature"), "z=1");
  EXPECT_EQ(sigv4::CanonicalHeaderValue("  a   b \t c  "), "a b c");
  EXPECT_EQ(sigv4::Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4Test, LoadCredentialsFile) {
  auto dir = std::filesystem::temp_directory_path() / ("freshet-sigv4-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "credentials").string();
  std::ofstream(path) << "# comment\n[default]\naws_access_key_id = AKID1\naws_secret_access_key=secret/1+x\n\n"
                         "[other]\n; another comment\nAWS_ACCESS_KEY_ID = AKID2\naws_secret_access_key = s2\n"
                         "region = eu-west-1\n[empty]\n";
  auto store = LoadCredentialsFile(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->secrets.size(), 2u);
  EXPECT_EQ(store->secrets["AKID1"], "secret/1+x");
  EXPECT_EQ(store->secrets["AKID2"], "s2");

  std::ofstream(path) << "[default]\naws_access_key_id = AKID1\n";
  auto half = LoadCredentialsFile(path);
  EXPECT_TRUE(half.status().IsInvalidArgument()) << half.status().ToString();
  std::ofstream(path) << "[default]\nthis line is wrong\n";
  auto garbage = LoadCredentialsFile(path);
  EXPECT_TRUE(garbage.status().IsInvalidArgument());
  EXPECT_NE(garbage.status().message().find(path + ":2"), std::string::npos) << garbage.status().ToString();
  auto missing = LoadCredentialsFile((dir / "absent").string());
  EXPECT_EQ(missing.status().code(), Status::Code::kIOError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace freshet::http
