// PutRecord(s), GetShardIterator and GetRecords through the dispatcher: base64 data, epoch-second
// timestamps, sequence numbers, iterators and AWS's errors.
#include "query/item_json.h"
#include "tests/tools/protocol/protocol_test_util.h"
#include "tools/protocol/kinesis_codec.h"

namespace freshet::protocol::test {
namespace {

class KinesisRecordsTest : public DispatcherTest {
 protected:
  void SetUp() override {
    DispatcherTest::SetUp();
    Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}});
  }
  std::string Iterator(const std::string& shard, const Json& extra = Json::object()) {
    Json request = {{"StreamName", "s"}, {"ShardId", shard}, {"ShardIteratorType", "TRIM_HORIZON"}};
    request.update(extra);
    return Ok("GetShardIterator", request)["ShardIterator"];
  }
};

TEST_F(KinesisRecordsTest, PutRecordThenGetRecordsRoundTripsBytes) {
  const std::string bytes("\x00\x01\xfe{\"x\":1}", 10);
  Json put =
      Ok("PutRecord",
         {{"StreamName", "s"}, {"PartitionKey", "a"}, {"Data", query::EncodeBase64(bytes)}, {"ExplicitHashKey", "0"}});
  EXPECT_EQ(put["ShardId"], "shardId-000000000000");
  EXPECT_EQ(put["SequenceNumber"], kinesis::SequenceNumberText(0, 1));
  EXPECT_EQ(put["EncryptionType"], "NONE");
  const double before = static_cast<double>(stream::NowMs()) / 1000.0;
  Json got = Ok("GetRecords", {{"ShardIterator", Iterator("shardId-000000000000")}});
  ASSERT_EQ(got["Records"].size(), 1u);
  Json r = got["Records"][0];
  std::string back;
  ASSERT_TRUE(query::DecodeBase64(r["Data"].get<std::string>(), &back));
  EXPECT_EQ(back, bytes);
  EXPECT_EQ(r["PartitionKey"], "a");
  EXPECT_EQ(r["SequenceNumber"], put["SequenceNumber"]);
  EXPECT_TRUE(r["ApproximateArrivalTimestamp"].is_number_float());
  EXPECT_NEAR(r["ApproximateArrivalTimestamp"].get<double>(), before, 5.0) << "seconds, not milliseconds";
  EXPECT_EQ(got["MillisBehindLatest"], 0);
  // The next iterator continues after the record: nothing more yet.
  Json next = Ok("GetRecords", {{"ShardIterator", got["NextShardIterator"]}});
  EXPECT_EQ(next["Records"].size(), 0u);
  EXPECT_TRUE(next["NextShardIterator"].is_string());
}

TEST_F(KinesisRecordsTest, PutRecordsAnswersPerRecordInOrder) {
  Json records = Json::array();
  for (int i = 0; i < 20; ++i) {
    records.push_back(
        {{"PartitionKey", "k" + std::to_string(i)}, {"Data", query::EncodeBase64("r" + std::to_string(i))}});
  }
  Json put = Ok("PutRecords", {{"StreamName", "s"}, {"Records", records}});
  EXPECT_EQ(put["FailedRecordCount"], 0);
  ASSERT_EQ(put["Records"].size(), 20u);
  size_t total = 0;
  for (const char* shard : {"shardId-000000000000", "shardId-000000000001"}) {
    Json got = Ok("GetRecords", {{"ShardIterator", Iterator(shard)}, {"Limit", 100}});
    total += got["Records"].size();
    for (const Json& r : got["Records"]) {
      // Each record is where PutRecords said it went.
      int i = std::stoi(r["PartitionKey"].get<std::string>().substr(1));
      EXPECT_EQ(put["Records"][i]["ShardId"], shard);
      EXPECT_EQ(put["Records"][i]["SequenceNumber"], r["SequenceNumber"]);
    }
  }
  EXPECT_EQ(total, 20u);
}

TEST_F(KinesisRecordsTest, ValidationAsAws) {
  EXPECT_EQ(ErrorType(K("PutRecord", {{"StreamName", "s"}, {"PartitionKey", "a"}, {"Data", "not base64!"}})),
            "SerializationException");
  EXPECT_EQ(ErrorType(K("PutRecord", {{"StreamName", "s"}, {"PartitionKey", std::string(257, 'k')}, {"Data", ""}})),
            "ValidationException");
  EXPECT_EQ(ErrorType(K("PutRecord", {{"StreamName", "s"}, {"PartitionKey", ""}, {"Data", ""}})),
            "ValidationException");
  Reply big_hash = K("PutRecord", {{"StreamName", "s"},
                                   {"PartitionKey", "a"},
                                   {"Data", ""},
                                   {"ExplicitHashKey", "340282366920938463463374607431768211456"}});
  EXPECT_EQ(ErrorType(big_hash), "InvalidArgumentException");
  EXPECT_NE(Message(big_hash).find("[0, 2^128-1]"), std::string::npos);
  Json many = Json::array();
  for (int i = 0; i < 501; ++i) many.push_back({{"PartitionKey", "k"}, {"Data", ""}});
  Reply too_many = K("PutRecords", {{"StreamName", "s"}, {"Records", many}});
  EXPECT_EQ(ErrorType(too_many), "ValidationException");
  EXPECT_EQ(ErrorType(K("PutRecords", {{"StreamName", "s"}, {"Records", Json::array()}})), "ValidationException");
  EXPECT_EQ(ErrorType(K("PutRecord", {{"StreamName", "nope"}, {"PartitionKey", "a"}, {"Data", ""}})),
            "ResourceNotFoundException");
  // Nothing of a refused request was written.
  EXPECT_EQ(Ok("GetRecords", {{"ShardIterator", Iterator("shardId-000000000000")}})["Records"].size(), 0u);
}

TEST_F(KinesisRecordsTest, IteratorTypesAndTheirErrors) {
  for (int i = 0; i < 3; ++i) {
    Ok("PutRecord",
       {{"StreamName", "s"}, {"PartitionKey", "a"}, {"Data", query::EncodeBase64("x")}, {"ExplicitHashKey", "1"}});
  }
  const std::string second = kinesis::SequenceNumberText(0, 2);
  auto read = [&](const Json& extra) {
    return Ok("GetRecords", {{"ShardIterator", Iterator("shardId-000000000000", extra)}})["Records"];
  };
  EXPECT_EQ(read({{"ShardIteratorType", "AT_SEQUENCE_NUMBER"}, {"StartingSequenceNumber", second}}).size(), 2u);
  EXPECT_EQ(read({{"ShardIteratorType", "AFTER_SEQUENCE_NUMBER"}, {"StartingSequenceNumber", second}}).size(), 1u);
  EXPECT_EQ(read({{"ShardIteratorType", "LATEST"}}).size(), 0u);
  EXPECT_EQ(read({{"ShardIteratorType", "AT_TIMESTAMP"}, {"Timestamp", 0}}).size(), 3u);
  // A timestamp after every record: an empty page at once, not a wait.
  EXPECT_EQ(read({{"ShardIteratorType", "AT_TIMESTAMP"}, {"Timestamp", 4102444800.0}}).size(), 0u);

  Reply wrong_shard = K("GetShardIterator", {{"StreamName", "s"},
                                             {"ShardId", "shardId-000000000001"},
                                             {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                             {"StartingSequenceNumber", second}});
  EXPECT_EQ(ErrorType(wrong_shard), "InvalidArgumentException");
  EXPECT_EQ(Message(wrong_shard),
            "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard "
            "with shardId-000000000001");
  EXPECT_EQ(ErrorType(K("GetShardIterator",
                        {{"StreamName", "s"}, {"ShardId", "shardId-000000000009"}, {"ShardIteratorType", "LATEST"}})),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorType(K("GetShardIterator",
                        {{"StreamName", "s"}, {"ShardId", "shardId-000000000000"}, {"ShardIteratorType", "SIDEWAYS"}})),
            "ValidationException");
  EXPECT_EQ(
      ErrorType(K("GetShardIterator",
                  {{"StreamName", "s"}, {"ShardId", "shardId-000000000000"}, {"ShardIteratorType", "AT_TIMESTAMP"}})),
      "InvalidArgumentException");
}

TEST_F(KinesisRecordsTest, IteratorsExpireAndDieWithTheirStream) {
  const std::string it = Iterator("shardId-000000000000");
  Reply late = K("GetRecords", {{"ShardIterator", it}}, NowPlus(5 * 60 * 1000 + 1000));
  EXPECT_EQ(ErrorType(late), "ExpiredIteratorException");
  EXPECT_EQ(ErrorType(K("GetRecords", {{"ShardIterator", "garbage"}})), "InvalidArgumentException");
  EXPECT_EQ(ErrorType(K("GetRecords", {{"ShardIterator", it}, {"Limit", 10001}})), "ValidationException");
  Ok("DeleteStream", {{"StreamName", "s"}});
  Ok("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}});
  EXPECT_EQ(ErrorType(K("GetRecords", {{"ShardIterator", it}})), "ResourceNotFoundException");
}

TEST_F(KinesisRecordsTest, LimitPagesAndMillisBehindLatest) {
  Json records = Json::array();
  for (int i = 0; i < 10; ++i) records.push_back({{"PartitionKey", "a"}, {"Data", ""}, {"ExplicitHashKey", "5"}});
  Ok("PutRecords", {{"StreamName", "s"}, {"Records", records}});
  std::string it = Iterator("shardId-000000000000");
  std::vector<size_t> pages;
  Json got;
  for (int n = 0; n < 10; ++n) {
    got = Ok("GetRecords", {{"ShardIterator", it}, {"Limit", 4}});
    pages.push_back(got["Records"].size());
    it = got["NextShardIterator"];
    if (got["Records"].size() < 4) break;
  }
  EXPECT_EQ(pages, (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(got["MillisBehindLatest"], 0) << "caught up";
}

}  // namespace
}  // namespace freshet::protocol::test
