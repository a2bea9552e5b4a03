// The Kinesis stream operations through the dispatcher, with AWS's shapes and errors.
#include "tests/tools/protocol/protocol_test_util.h"

namespace freshet::protocol::test {
namespace {

TEST_F(DispatcherTest, CreateAndDescribeAnswerAwsShapes) {
  EXPECT_EQ(Ok("CreateStream", {{"StreamName", "weather"}, {"ShardCount", 4}}), Json::object());
  Json d = Ok("DescribeStream", {{"StreamName", "weather"}})["StreamDescription"];
  EXPECT_EQ(d["StreamName"], "weather");
  EXPECT_EQ(d["StreamARN"], "arn:aws:kinesis:us-east-1:000000000000:stream/weather");
  EXPECT_EQ(d["StreamStatus"], "ACTIVE");
  EXPECT_EQ(d["RetentionPeriodHours"], 24);
  EXPECT_EQ(d["HasMoreShards"], false);
  EXPECT_TRUE(d["StreamCreationTimestamp"].is_number_float());
  ASSERT_EQ(d["Shards"].size(), 4u);
  EXPECT_EQ(d["Shards"][0]["ShardId"], "shardId-000000000000");
  EXPECT_EQ(d["Shards"][0]["HashKeyRange"]["StartingHashKey"], "0");
  EXPECT_EQ(d["Shards"][3]["HashKeyRange"]["EndingHashKey"], "340282366920938463463374607431768211455");
  EXPECT_EQ(d["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"], "21267647932558653966460912964485513217");
  EXPECT_FALSE(d["Shards"][0]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  // Paging through shards.
  Json page = Ok("DescribeStream", {{"StreamName", "weather"}, {"Limit", 3}})["StreamDescription"];
  EXPECT_EQ(page["Shards"].size(), 3u);
  EXPECT_EQ(page["HasMoreShards"], true);
  page = Ok("DescribeStream", {{"StreamName", "weather"}, {"ExclusiveStartShardId", "shardId-000000000002"}});
  EXPECT_EQ(page["StreamDescription"]["Shards"].size(), 1u);
  // By ARN too.
  Json summary = Ok("DescribeStreamSummary", {{"StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/weather"}});
  EXPECT_EQ(summary["StreamDescriptionSummary"]["OpenShardCount"], 4);
  EXPECT_EQ(summary["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"], "PROVISIONED");
}

TEST_F(DispatcherTest, CreateErrorsAreAwss) {
  Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  Reply again = K("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  EXPECT_EQ(again.http_status, 400);
  EXPECT_EQ(ErrorType(again), "ResourceInUseException");
  EXPECT_EQ(Message(again), "Stream s under account 000000000000 already exists.");
  EXPECT_EQ(ErrorType(K("CreateStream", {{"StreamName", "bad name!"}, {"ShardCount", 1}})), "ValidationException");
  EXPECT_EQ(ErrorType(K("CreateStream", {{"StreamName", "t"}})), "InvalidArgumentException");
  EXPECT_EQ(ErrorType(K("CreateStream", {{"StreamName", "t"}, {"ShardCount", 0}})), "ValidationException");
  EXPECT_EQ(ErrorType(K("CreateStream", {{"ShardCount", 1}})), "ValidationException");
  Reply missing = K("DescribeStream", {{"StreamName", "nope"}});
  EXPECT_EQ(ErrorType(missing), "ResourceNotFoundException");
  EXPECT_EQ(Message(missing), "Stream nope under account 000000000000 not found.");
  Reply unknown = dispatcher_->Dispatch("Kinesis_20131202.Frobnicate", Json::object(), RequestContext{});
  EXPECT_EQ(ErrorType(unknown), "UnknownOperationException");
  Reply not_object = dispatcher_->Dispatch("Kinesis_20131202.ListStreams", Json::array(), RequestContext{});
  EXPECT_EQ(ErrorType(not_object), "SerializationException");
}

TEST_F(DispatcherTest, AccountShardLimitAnswersLimitExceeded) {
  Settings settings;
  settings.account_shard_limit = 5;
  Open(settings);
  Ok("CreateStream", {{"StreamName", "a"}, {"ShardCount", 4}});
  Reply over = K("CreateStream", {{"StreamName", "b"}, {"ShardCount", 2}});
  EXPECT_EQ(ErrorType(over), "LimitExceededException");
  EXPECT_NE(Message(over).find("Current shard count for the account: 4. Limit: 5."), std::string::npos)
      << Message(over);
  Ok("CreateStream", {{"StreamName", "b"}, {"ShardCount", 1}});
  Json limits = Ok("DescribeLimits", Json::object());
  EXPECT_EQ(limits["ShardLimit"], 5);
  EXPECT_EQ(limits["OpenShardCount"], 5);
  // On-demand streams need no ShardCount; they start with Settings::on_demand_default_shards (4).
  EXPECT_EQ(ErrorType(K("CreateStream", {{"StreamName", "c"}, {"StreamModeDetails", {{"StreamMode", "ON_DEMAND"}}}})),
            "LimitExceededException");
  Ok("DeleteStream", {{"StreamName", "a"}});
  Ok("CreateStream", {{"StreamName", "c"}, {"StreamModeDetails", {{"StreamMode", "ON_DEMAND"}}}});
  Json after = Ok("DescribeLimits", Json::object());
  EXPECT_EQ(after["OnDemandStreamCount"], 1);
  EXPECT_EQ(after["OpenShardCount"], 5);
}

TEST_F(DispatcherTest, ListStreamsPagesWithNextToken) {
  for (const char* name : {"c", "a", "b"}) Ok("CreateStream", {{"StreamName", name}, {"ShardCount", 1}});
  Json first = Ok("ListStreams", {{"Limit", 2}});
  EXPECT_EQ(first["StreamNames"], Json::array({"a", "b"}));
  EXPECT_EQ(first["HasMoreStreams"], true);
  EXPECT_EQ(first["StreamSummaries"][0]["StreamARN"], "arn:aws:kinesis:us-east-1:000000000000:stream/a");
  Json rest = Ok("ListStreams", {{"NextToken", first["NextToken"]}});
  EXPECT_EQ(rest["StreamNames"], Json::array({"c"}));
  EXPECT_EQ(rest["HasMoreStreams"], false);
  EXPECT_EQ(ErrorType(K("ListStreams", {{"NextToken", "garbage"}})), "InvalidArgumentException");
}

TEST_F(DispatcherTest, ListShardsPagesAndFilters) {
  Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 5}});
  std::vector<std::string> ids;
  Json request = {{"StreamName", "s"}, {"MaxResults", 2}};
  for (int pages = 0; pages < 10; ++pages) {
    Json r = Ok("ListShards", request);
    for (const Json& s : r["Shards"]) ids.push_back(s["ShardId"]);
    if (!r.contains("NextToken")) break;
    request = {{"NextToken", r["NextToken"]}, {"MaxResults", 2}};
  }
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[4], "shardId-000000000004");
  Json after = Ok("ListShards", {{"StreamName", "s"}, {"ExclusiveStartShardId", "shardId-000000000003"}});
  EXPECT_EQ(after["Shards"].size(), 1u);
  Json filtered =
      Ok("ListShards",
         {{"StreamName", "s"}, {"ShardFilter", {{"Type", "AFTER_SHARD_ID"}, {"ShardId", "shardId-000000000001"}}}});
  EXPECT_EQ(filtered["Shards"].size(), 3u);
  EXPECT_EQ(Ok("ListShards", {{"StreamName", "s"}, {"ShardFilter", {{"Type", "AT_LATEST"}}}})["Shards"].size(), 5u);
  Reply both = K("ListShards", {{"StreamName", "s"}, {"NextToken", "x"}});
  EXPECT_EQ(ErrorType(both), "InvalidArgumentException");
  // Tokens expire after 5 minutes, as AWS's do.
  Json r = Ok("ListShards", {{"StreamName", "s"}, {"MaxResults", 1}});
  Reply late = K("ListShards", {{"NextToken", r["NextToken"]}}, NowPlus(301000));
  EXPECT_EQ(ErrorType(late), "ExpiredNextTokenException");
}

TEST_F(DispatcherTest, RetentionAndTags) {
  Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  Ok("IncreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 48}});
  EXPECT_EQ(Ok("DescribeStreamSummary", {{"StreamName", "s"}})["StreamDescriptionSummary"]["RetentionPeriodHours"], 48);
  Reply shorter = K("IncreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 24}});
  EXPECT_EQ(ErrorType(shorter), "InvalidArgumentException");
  EXPECT_NE(Message(shorter).find("Use DecreaseRetentionPeriod API"), std::string::npos);
  EXPECT_EQ(ErrorType(K("IncreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 9000}})),
            "InvalidArgumentException");
  Ok("DecreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 2}});

  Ok("AddTagsToStream", {{"StreamName", "s"}, {"Tags", {{"team", "data"}, {"env", "dev"}}}});
  Json tags = Ok("ListTagsForStream", {{"StreamName", "s"}});
  EXPECT_EQ(tags["Tags"], Json::parse(R"([{"Key":"env","Value":"dev"},{"Key":"team","Value":"data"}])"));
  EXPECT_EQ(tags["HasMoreTags"], false);
  Json page = Ok("ListTagsForStream", {{"StreamName", "s"}, {"Limit", 1}});
  EXPECT_EQ(page["HasMoreTags"], true);
  Ok("RemoveTagsFromStream", {{"StreamName", "s"}, {"TagKeys", {"env"}}});
  EXPECT_EQ(Ok("ListTagsForStream", {{"StreamName", "s"}})["Tags"].size(), 1u);
  Json eleven = Json::object();
  for (int i = 0; i < 11; ++i) eleven["k" + std::to_string(i)] = "v";
  EXPECT_EQ(ErrorType(K("AddTagsToStream", {{"StreamName", "s"}, {"Tags", eleven}})), "InvalidArgumentException");
  // A deleted and re-created stream does not inherit tags.
  Ok("DeleteStream", {{"StreamName", "s"}});
  Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  EXPECT_EQ(Ok("ListTagsForStream", {{"StreamName", "s"}})["Tags"].size(), 0u);
}

}  // namespace
}  // namespace freshet::protocol::test
