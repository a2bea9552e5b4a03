// Lambda_20150331 event-source mapping operations through the dispatcher, and the dispatcher's
// staging of a function worker's item operations (exactly once).
#include <gtest/gtest.h>

#include "storage/codec.h"
#include "storage/staged_writes.h"
#include "tests/tools/protocol/protocol_test_util.h"

namespace freshet::protocol {
namespace {

class LambdaMappingsTest : public test::DispatcherTest {
 protected:
  void SetUp() override {
    DispatcherTest::SetUp();
    storage::Batch b;
    b.Put(storage::Cf::kMeta, codec::MetaKey(codec::kMetaFunction, "f"), R"({"name":"f"})");
    ASSERT_TRUE(db_->Write(&b).ok());
    Ok("CreateStream", {{"StreamName", "in"}, {"ShardCount", 2}});
    Ok("CreateStream", {{"StreamName", "dlq"}, {"ShardCount", 1}});
  }
  Reply L(const std::string& op, const Json& request) {
    return dispatcher_->Dispatch(Target(Service::kLambda, op), request, RequestContext{});
  }
  Reply D(const std::string& op, const Json& request, const std::string& access_key = "") {
    RequestContext context;
    context.access_key = access_key;
    return dispatcher_->Dispatch(Target(Service::kDynamoDb, op), request, context);
  }
  static constexpr const char* kArn = "arn:aws:kinesis:us-east-1:000000000000:stream/";
};

TEST_F(LambdaMappingsTest, CreateGetListUpdateDeleteWithLambdasShapes) {
  Reply created = L("CreateEventSourceMapping",
                    {{"FunctionName", "arn:aws:lambda:us-east-1:000000000000:function:f"},
                     {"EventSourceArn", std::string(kArn) + "in"},
                     {"StartingPosition", "TRIM_HORIZON"},
                     {"BisectBatchOnFunctionError", true},
                     {"FunctionResponseTypes", {"ReportBatchItemFailures"}},
                     {"DestinationConfig", {{"OnFailure", {{"Destination", std::string(kArn) + "dlq"}}}}}});
  ASSERT_EQ(created.http_status, 200) << created.body.dump();
  std::string uuid = created.body["UUID"];
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(created.body["State"], "Creating");
  EXPECT_EQ(created.body["BatchSize"], 100);
  EXPECT_EQ(created.body["MaximumRetryAttempts"], -1);
  EXPECT_EQ(created.body["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_EQ(created.body["FunctionResponseTypes"], Json::array({"ReportBatchItemFailures"}));
  EXPECT_EQ(created.body["DestinationConfig"]["OnFailure"]["Destination"], std::string(kArn) + "dlq");
  EXPECT_EQ(created.body["FreshetExactlyOnce"], true);

  Reply got = L("GetEventSourceMapping", {{"UUID", uuid}});
  ASSERT_EQ(got.http_status, 200);
  EXPECT_EQ(got.body["State"], "Enabled");
  EXPECT_EQ(got.body["StartingPosition"], "TRIM_HORIZON");
  EXPECT_EQ(got.body["BisectBatchOnFunctionError"], true);

  EXPECT_EQ(L("ListEventSourceMappings", {{"FunctionName", "f"}}).body["EventSourceMappings"].size(), 1u);
  EXPECT_EQ(L("ListEventSourceMappings", {{"FunctionName", "g"}}).body["EventSourceMappings"].size(), 0u);
  EXPECT_EQ(
      L("ListEventSourceMappings", {{"EventSourceArn", std::string(kArn) + "in"}}).body["EventSourceMappings"].size(),
      1u);

  Reply updated = L("UpdateEventSourceMapping", {{"UUID", uuid}, {"BatchSize", 500}, {"Enabled", false}});
  ASSERT_EQ(updated.http_status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["BatchSize"], 500);
  EXPECT_EQ(L("GetEventSourceMapping", {{"UUID", uuid}}).body["State"], "Disabled");
  EXPECT_EQ(ErrorType(L("UpdateEventSourceMapping", {{"UUID", uuid}, {"BatchSize", 10001}})),
            "InvalidParameterValueException");

  EXPECT_EQ(L("DeleteEventSourceMapping", {{"UUID", uuid}}).body["State"], "Deleting");
  Reply gone = L("GetEventSourceMapping", {{"UUID", uuid}});
  EXPECT_EQ(ErrorType(gone), "ResourceNotFoundException");
  EXPECT_EQ(gone.http_status, 404);
}

TEST_F(LambdaMappingsTest, ErrorsAreLambdas) {
  EXPECT_EQ(ErrorType(L("CreateEventSourceMapping", {{"FunctionName", "missing"},
                                                     {"EventSourceArn", std::string(kArn) + "in"},
                                                     {"StartingPosition", "LATEST"}})),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorType(L("CreateEventSourceMapping", {{"FunctionName", "f"},
                                                     {"EventSourceArn", "arn:aws:sqs:us-east-1:000000000000:q"},
                                                     {"StartingPosition", "LATEST"}})),
            "InvalidParameterValueException");
  EXPECT_EQ(
      ErrorType(L("CreateEventSourceMapping", {{"FunctionName", "f"}, {"EventSourceArn", std::string(kArn) + "in"}})),
      "InvalidParameterValueException")
      << "StartingPosition is required for Kinesis";
  EXPECT_EQ(ErrorType(L("CreateEventSourceMapping",
                        {{"FunctionName", "f"},
                         {"EventSourceArn", std::string(kArn) + "in"},
                         {"StartingPosition", "LATEST"},
                         {"DestinationConfig", {{"OnFailure", {{"Destination", std::string(kArn) + "nope"}}}}}})),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorType(L("GetEventSourceMapping", {{"UUID", "00000000-0000-4000-8000-000000000000"}})),
            "ResourceNotFoundException");
}

TEST_F(LambdaMappingsTest, ATagOrAMemberTurnsExactlyOnceOff) {
  Reply tagged = L("CreateEventSourceMapping", {{"FunctionName", "f"},
                                                {"EventSourceArn", std::string(kArn) + "in"},
                                                {"StartingPosition", "LATEST"},
                                                {"Tags", {{"freshet:exactly-once", "false"}}}});
  ASSERT_EQ(tagged.http_status, 200) << tagged.body.dump();
  EXPECT_EQ(tagged.body["FreshetExactlyOnce"], false);
  Reply member = L("CreateEventSourceMapping", {{"FunctionName", "f"},
                                                {"EventSourceArn", std::string(kArn) + "in"},
                                                {"StartingPosition", "LATEST"},
                                                {"FreshetExactlyOnce", false}});
  EXPECT_EQ(member.body["FreshetExactlyOnce"], false);
}

TEST_F(LambdaMappingsTest, AWorkersItemOperationsGoThroughItsInvocationsStagedWrites) {
  Reply table = D("CreateTable", Json::parse(R"({"TableName":"tab","BillingMode":"PAY_PER_REQUEST",
      "KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],
      "AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}]})"));
  ASSERT_EQ(table.http_status, 200) << table.body.dump();
  auto staged = std::make_shared<storage::StagedWrites>(db_.get());
  storage::StagingRegistry::Global().Bind("AKIDWORKER", staged);
  Json key = {{"k", {{"S", "a"}}}};
  ASSERT_EQ(D("PutItem", {{"TableName", "tab"}, {"Item", {{"k", {{"S", "a"}}}, {"n", {{"N", "1"}}}}}}, "AKIDWORKER")
                .http_status,
            200);
  // The worker sees its write, a condition included; everyone else does not.
  EXPECT_TRUE(D("GetItem", {{"TableName", "tab"}, {"Key", key}}, "AKIDWORKER").body.contains("Item"));
  EXPECT_EQ(
      ErrorType(D("PutItem", {{"TableName", "tab"}, {"Item", key}, {"ConditionExpression", "attribute_not_exists(k)"}},
                  "AKIDWORKER")),
      "ConditionalCheckFailedException");
  EXPECT_FALSE(D("GetItem", {{"TableName", "tab"}, {"Key", key}}).body.contains("Item"));
  EXPECT_FALSE(D("GetItem", {{"TableName", "tab"}, {"Key", key}}, "AKIDOTHER").body.contains("Item"));
  EXPECT_EQ(D("Scan", {{"TableName", "tab"}}, "AKIDWORKER").body["Count"], 1);
  storage::StagingRegistry::Global().Unbind("AKIDWORKER");
  // The commit: staged writes in one write with whatever else (here nothing).
  storage::Batch commit;
  ASSERT_TRUE(staged->AppendTo(&commit).ok());
  ASSERT_TRUE(db_->Write(&commit).ok());
  EXPECT_TRUE(D("GetItem", {{"TableName", "tab"}, {"Key", key}}).body.contains("Item"));
}

}  // namespace
}  // namespace freshet::protocol
