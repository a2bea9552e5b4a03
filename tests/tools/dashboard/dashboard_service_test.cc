// DashboardService through HttpFront: which requests it claims (unsigned GET/HEAD of /, its assets
// and endpoints; never a signed request), what the panels answer over a real Db, and its errors.
#include "tools/dashboard/dashboard_service.h"

#include <gtest/gtest.h>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"
#include "tests/tools/protocol/protocol_test_util.h"
#include "tools/transport/http_front.h"

namespace freshet::dashboard {
namespace {

constexpr char kS3Auth[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class DashboardServiceTest : public protocol::test::DispatcherTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DispatcherTest::SetUp());
    front_ = std::make_unique<transport::HttpFront>(dispatcher_.get(), std::nullopt);
    service_ = std::make_unique<DashboardService>(dispatcher_.get(), db_.get());
    front_->AddService(service_.get());
  }

  http::Response Get(const std::string& path, std::vector<std::pair<std::string, std::string>> query = {},
                     const char* auth = nullptr, const std::string& method = "GET") {
    http::Request r;
    r.method = method;
    r.path = path;
    r.raw_target = path;
    r.query = std::move(query);
    if (auth != nullptr) r.headers = {{"authorization", auth}, {"x-amz-date", "20261129T120000Z"}};
    return front_->Handle(r);
  }

  Json Call(const std::string& target, const Json& body) {
    return dispatcher_->Dispatch(target, body, protocol::RequestContext{}).body;
  }

  std::unique_ptr<transport::HttpFront> front_;
  std::unique_ptr<DashboardService> service_;
};

TEST_F(DashboardServiceTest, ServesThePageAndAssetsToUnsignedGets) {
  auto page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"/dashboard/app.js\">"), std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos);  // nothing from elsewhere
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  EXPECT_EQ(Get("/dashboard/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/dashboard/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/dashboard/nothing.js").status, 404);
  auto head = Get("/", {}, nullptr, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(DashboardServiceTest, LeavesSignedAndWritingRequestsToOthers) {
  // A signed GET / is S3's ListBuckets, not the dashboard: with no S3 service here, 404 from the front.
  auto signed_get = Get("/", {}, kS3Auth);
  EXPECT_EQ(signed_get.status, 404);
  EXPECT_EQ(signed_get.body.find("<html"), std::string::npos);
  EXPECT_EQ(Get("/dashboard/api/streams", {}, kS3Auth).status, 404);
  EXPECT_EQ(Get("/", {}, nullptr, "POST").status, 404);
  EXPECT_EQ(Get("/dashboard/api/streams", {}, nullptr, "DELETE").status, 404);
  EXPECT_EQ(Get("/other").status, 404);
}

TEST_F(DashboardServiceTest, PanelsReadTheRegistry) {
  Call("Kinesis_20131202.CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}});
  Call("Kinesis_20131202.PutRecord", {{"StreamName", "s"}, {"PartitionKey", "a"}, {"Data", "eA=="}});
  Call("Kinesis_20131202.PutRecord", {{"StreamName", "s"}, {"PartitionKey", "b"}, {"Data", "eA=="}});
  auto created = Call("DynamoDB_20120810.CreateTable",
                      {{"TableName", "items"},
                       {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                       {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                       {"BillingMode", "PAY_PER_REQUEST"}});
  ASSERT_FALSE(created.contains("__type")) << created.dump();
  Call("DynamoDB_20120810.PutItem", {{"TableName", "items"}, {"Item", {{"k", {{"S", "x"}}}}}});

  auto streams = Json::parse(Get("/dashboard/api/streams").body);
  ASSERT_EQ(streams["streams"].size(), 1u);
  EXPECT_EQ(streams["streams"][0]["name"], "s");
  EXPECT_EQ(streams["streams"][0]["records"], 2);
  EXPECT_EQ(streams["streams"][0]["shards"], 2);
  EXPECT_TRUE(streams["streams"][0]["oldest_arrival_ms"].is_number());
  auto tables = Json::parse(Get("/dashboard/api/tables").body);
  ASSERT_EQ(tables["tables"].size(), 1u);
  EXPECT_EQ(tables["tables"][0]["items"], 1);
  EXPECT_EQ(tables["tables"][0]["partition_key"], "k");
  EXPECT_EQ(Json::parse(Get("/dashboard/api/consumers").body)["consumers"], Json::array());
  EXPECT_EQ(Json::parse(Get("/dashboard/api/functions").body)["items"], Json::array());
  EXPECT_EQ(Json::parse(Get("/dashboard/api/deliveries").body)["items"], Json::array());
  auto delivery = Call("Firehose_20150804.CreateDeliveryStream",
                       {{"DeliveryStreamName", "archive"},
                        {"DeliveryStreamType", "KinesisStreamAsSource"},
                        {"KinesisStreamSourceConfiguration",
                         {{"KinesisStreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/s"},
                          {"RoleARN", "arn:aws:iam::000000000000:role/r"}}},
                        {"ExtendedS3DestinationConfiguration",
                         {{"BucketARN", "arn:aws:s3:::bucket-a"},
                          {"RoleARN", "arn:aws:iam::000000000000:role/r"},
                          {"CompressionFormat", "GZIP"}}}});
  ASSERT_FALSE(delivery.contains("__type")) << delivery.dump();
  auto deliveries = Json::parse(Get("/dashboard/api/deliveries").body);
  ASSERT_EQ(deliveries["items"].size(), 1u) << deliveries.dump();
  EXPECT_EQ(deliveries["items"][0]["name"], "archive");
  EXPECT_EQ(deliveries["items"][0]["source"], "s");
  EXPECT_EQ(deliveries["items"][0]["bucket"], "bucket-a");
  EXPECT_EQ(deliveries["items"][0]["compression"], "GZIP");

  // A feature plugs in its own panel.
  service_->SetPanel("functions", [] { return Result<Json>(Json{{"items", {{{"name", "f"}}}}}); });
  EXPECT_EQ(Json::parse(Get("/dashboard/api/functions").body)["items"][0]["name"], "f");

  auto sql = Json::parse(Get("/dashboard/api/sql", {{"q", "SELECT k, 1 AS one FROM items"}}).body);
  EXPECT_EQ(sql["row_count"], 1);
  EXPECT_NE(sql["svg"].get<std::string>().find("<svg"), std::string::npos);
}

TEST_F(DashboardServiceTest, Errors) {
  auto bad = Get("/dashboard/api/weather", {{"station", "X"}, {"from", "2016-13-01"}, {"to", "2016-01-31"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Json::parse(bad.body)["error"].get<std::string>().find("from"), std::string::npos);
  auto missing = Get("/dashboard/api/weather", {{"station", "X"}, {"from", "2016-01-01"}, {"to", "2016-01-31"}});
  EXPECT_EQ(missing.status, 404);  // no weather table
  auto write = Get("/dashboard/api/sql", {{"q", "CREATE TABLE z (a)"}});
  EXPECT_EQ(write.status, 400) << write.body;
  EXPECT_EQ(Get("/dashboard/api/unknown").status, 404);
}

}  // namespace
}  // namespace freshet::dashboard
