// HttpFront: X-Amz-Target routing, content types (JSON 1.0/1.1 and CBOR), auth answers.
#include "tools/transport/http_front.h"

#include <gtest/gtest.h>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"
#include "tests/tools/protocol/protocol_test_util.h"
#include "tools/http/cbor.h"

namespace freshet::transport {
namespace {

constexpr char kAuth[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/eu-west-1/kinesis/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class HttpFrontTest : public protocol::test::DispatcherTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DispatcherTest::SetUp());
    front_ = std::make_unique<HttpFront>(dispatcher_.get(), std::nullopt);
  }
  http::Request Post(const std::string& op, const std::string& body, const std::string& type) {
    http::Request r;
    r.method = "POST";
    r.path = "/";
    r.raw_target = "/";
    r.headers = {{"x-amz-target", "Kinesis_20131202." + op},
                 {"content-type", type},
                 {"x-amz-date", "20261129T120000Z"},
                 {"authorization", kAuth}};
    r.body = body;
    return r;
  }
  const std::string* Header(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return &v;
    }
    return nullptr;
  }

  std::unique_ptr<HttpFront> front_;
};

TEST_F(HttpFrontTest, JsonRequestsGetJsonRepliesWithTheRegionOfTheSignature) {
  auto r = front_->Handle(Post("CreateStream", R"({"StreamName":"s","ShardCount":1})", "application/x-amz-json-1.1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.1");
  EXPECT_NE(Header(r, "x-amzn-RequestId"), nullptr);
  r = front_->Handle(Post("DescribeStreamSummary", R"({"StreamName":"s"})", "application/x-amz-json-1.1"));
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["StreamDescriptionSummary"]["StreamARN"], "arn:aws:kinesis:eu-west-1:000000000000:stream/s");
  r = front_->Handle(Post("DescribeStreamSummary", R"({"StreamName":"x"})", "application/x-amz-json-1.1"));
  EXPECT_EQ(r.status, 400);
  ASSERT_NE(Header(r, "x-amzn-ErrorType"), nullptr);
  EXPECT_EQ(*Header(r, "x-amzn-ErrorType"), "ResourceNotFoundException");
  r = front_->Handle(Post("ListStreams", "{not json", "application/x-amz-json-1.1"));
  EXPECT_EQ(nlohmann::json::parse(r.body)["__type"], "SerializationException");
}

TEST_F(HttpFrontTest, CborRequestsGetCborRepliesWithBlobsAndTimestamps) {
  ASSERT_EQ(
      front_->Handle(Post("CreateStream", R"({"StreamName":"s","ShardCount":1})", "application/x-amz-json-1.1")).status,
      200);
  // PutRecord as the Java SDK sends it: Data as a CBOR byte string.
  nlohmann::json put = {{"StreamName", "s"}, {"PartitionKey", "k"}, {"Data", "AAEC"}};  // bytes 00 01 02
  auto r = front_->Handle(Post("PutRecord", http::JsonToCbor(put, {"Data"}, {}), "application/x-amz-cbor-1.1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/x-amz-cbor-1.1");
  auto it_reply = front_->Handle(Post(
      "GetShardIterator",
      http::JsonToCbor(
          {{"StreamName", "s"}, {"ShardId", "shardId-000000000000"}, {"ShardIteratorType", "TRIM_HORIZON"}}, {}, {}),
      "application/x-amz-cbor-1.1"));
  auto it = http::CborToJson(it_reply.body);
  ASSERT_TRUE(it.ok());
  auto got = front_->Handle(Post("GetRecords", http::JsonToCbor({{"ShardIterator", (*it)["ShardIterator"]}}, {}, {}),
                                 "application/x-amz-cbor-1.1"));
  ASSERT_EQ(got.status, 200);
  // The reply carries Data as a byte string (major type 2) and the arrival time with tag 1 (0xc1).
  EXPECT_NE(got.body.find(std::string("\x43\x00\x01\x02", 4)), std::string::npos);
  EXPECT_NE(got.body.find('\xc1'), std::string::npos);
  auto decoded = http::CborToJson(got.body);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ((*decoded)["Records"][0]["Data"], "AAEC");
}

TEST_F(HttpFrontTest, CborErrorsEchoingBytesThatAreNotUtf8StillDecode) {
  // Found by the http_front fuzzer: an unknown target is echoed in the error message, and CBOR
  // text must be UTF-8.
  auto request = Post("ListStreams", "", "application/x-amz-cbor-1.1");
  request.headers[0].second = "Kinesis_20131202.\xff\xfeStreams";
  auto r = front_->Handle(request);
  EXPECT_EQ(r.status, 400);
  auto decoded = http::CborToJson(r.body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ((*decoded)["__type"], "UnknownOperationException");
}

TEST_F(HttpFrontTest, AuthenticationAnswersAsAws) {
  auto unsigned_request = Post("ListStreams", "{}", "application/x-amz-json-1.1");
  unsigned_request.headers.pop_back();  // no Authorization
  auto r = front_->Handle(unsigned_request);
  EXPECT_EQ(nlohmann::json::parse(r.body)["__type"], "MissingAuthenticationTokenException");
  // With a credential store, a made-up signature is refused.
  http::CredentialStore store;
  store.secrets["AKIDEXAMPLE"] = "secret";
  HttpFront verifying(dispatcher_.get(), store);
  r = verifying.Handle(Post("ListStreams", "{}", "application/x-amz-json-1.1"));
  EXPECT_EQ(r.status, 400);
  auto type = nlohmann::json::parse(r.body)["__type"].get<std::string>();
  EXPECT_TRUE(type == "InvalidSignatureException") << type;
  // A target on a GET, or no target at all, is not an AWS JSON request.
  http::Request get;
  get.method = "GET";
  get.path = "/nothing";
  EXPECT_EQ(front_->Handle(get).status, 404);
}

// A service that claims requests signed for `service_name`, or unsigned GETs of `path`.
class FakeService : public HttpService {
 public:
  FakeService(std::string name, std::string signed_for, std::string path)
      : name_(std::move(name)), signed_for_(std::move(signed_for)), path_(std::move(path)) {}
  std::string_view name() const override { return name_; }
  bool Claims(const HttpCall& call) const override {
    if (!signed_for_.empty() && call.signed_service() == signed_for_) return true;
    return !call.auth && !call.auth_error && call.request.path == path_;
  }
  http::Response Handle(const HttpCall& call) override {
    last_region = call.context.region;
    last_error = call.auth_error ? call.auth_error->type : "";
    http::Response r;
    r.content_type = "text/plain";
    r.body = name_;
    return r;
  }
  std::string last_region, last_error;

 private:
  std::string name_, signed_for_, path_;
};

TEST_F(HttpFrontTest, RequestsWithoutATargetGoToTheFirstServiceThatClaimsThem) {
  FakeService s3("s3", "s3", ""), routes("routes", "", "/customers");
  front_->AddService(&s3);
  front_->AddService(&routes);
  http::Request get;
  get.method = "GET";
  get.path = "/customers";
  get.raw_target = "/customers";
  auto r = front_->Handle(get);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "routes");  // unsigned: the route, though a bucket could have that name
  EXPECT_NE(Header(r, "x-amzn-RequestId"), nullptr);

  get.headers = {{"x-amz-date", "20261129T120000Z"},
                 {"authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/eu-west-2/s3/aws4_request, "
                  "SignedHeaders=host;x-amz-date, "
                  "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}};
  r = front_->Handle(get);
  EXPECT_EQ(r.body, "s3");  // signed for s3: the bucket
  EXPECT_EQ(s3.last_region, "eu-west-2");
  EXPECT_EQ(s3.last_error, "");

  get.path = "/other";
  get.headers.clear();
  r = front_->Handle(get);
  EXPECT_EQ(r.status, 404);  // nobody claims it
  EXPECT_NE(r.body.find("UnknownOperationException"), std::string::npos);
}

TEST_F(HttpFrontTest, AServiceSeesAWrongSignatureWhenSignaturesAreVerified) {
  http::CredentialStore store;
  store.secrets["AKIDEXAMPLE"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  HttpFront verifying(dispatcher_.get(), store);
  FakeService s3("s3", "s3", "");
  verifying.AddService(&s3);
  http::Request get;
  get.method = "GET";
  get.path = "/bucket";
  get.raw_target = "/bucket";
  get.headers = {{"host", "127.0.0.1"},
                 {"x-amz-date", "20261129T120000Z"},
                 {"authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
                  "SignedHeaders=host;x-amz-date, "
                  "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}};
  auto r = verifying.Handle(get);
  EXPECT_EQ(r.body, "s3");
  EXPECT_FALSE(s3.last_error.empty());  // expired or wrong: either way not verified
}

}  // namespace
}  // namespace freshet::transport
