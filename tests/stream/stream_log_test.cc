#include "stream/stream_log.h"

#include <map>
#include <thread>

#include "stream/stream_reader.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

using StreamLogTest = StreamFixture;

TEST_F(StreamLogTest, CreateListDescribeDelete) {
  MustCreate("weather", 4);
  MustCreate("sensors", 1, 48);
  EXPECT_EQ(log_->Create("weather", 1, 24).status().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(log_->Create("bad name", 1, 24).status().IsInvalidArgument());
  EXPECT_TRUE(log_->Create("x", 0, 24).status().IsInvalidArgument());
  EXPECT_TRUE(log_->Create("x", 1025, 24).status().IsInvalidArgument());
  EXPECT_TRUE(log_->Create("x", 1, 0).status().IsInvalidArgument());

  auto list = log_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "sensors");
  EXPECT_EQ((*list)[0].retention_hours, 48u);
  EXPECT_EQ((*list)[1].shard_count, 4u);

  auto d = *log_->Get("weather");
  MustPut(d, Records(100));
  auto shards = log_->DescribeShards(d);
  ASSERT_TRUE(shards.ok());
  uint64_t total = 0;
  for (auto& s : *shards) {
    total += s.record_count;
    if (s.record_count) {
      EXPECT_EQ(*s.first_sequence, 1u);
      EXPECT_EQ(*s.last_sequence, s.record_count);
    }
  }
  EXPECT_EQ(total, 100u);

  ASSERT_TRUE(log_->Delete("weather").ok());
  EXPECT_TRUE(log_->Get("weather").status().IsNotFound());
  auto it = db_->NewIterator(storage::Cf::kLog, "", "");
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid()) << "records of a deleted stream remain";
  // A new stream of the same name gets a new id and starts empty.
  auto again = MustCreate("weather", 2);
  EXPECT_NE(again.id, d.id);
  EXPECT_EQ(ReadShard(*db_, again, 0, 0, 10)->size(), 0u);
}

TEST_F(StreamLogTest, SequenceNumbersIncreasePerShardAndSurviveReopen) {
  auto d = MustCreate("s", 3);
  std::map<uint32_t, uint64_t> last;
  for (int round = 0; round < 3; ++round) {
    auto results = MustPut(d, Records(200, "r" + std::to_string(round) + "-"));
    ASSERT_EQ(results.size(), 200u);
    for (auto& r : results) {
      EXPECT_GT(r.sequence, last[r.shard]);
      last[r.shard] = r.sequence;
    }
    Open();  // the next number is derived from the log on open
  }
  for (auto& [shard, seq] : last) {
    auto tip = ShardTip(*db_, d.id, shard);
    ASSERT_TRUE(tip.ok());
    EXPECT_EQ(*tip, seq + 1);
  }
}

TEST_F(StreamLogTest, ExplicitHashKeyRoutesTheRecord) {
  auto d = MustCreate("s", 4);
  PutRecord r{"any", "x", "340282366920938463463374607431768211455"};
  auto res = MustPut(d, {r});
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].shard, 3u);
  r.explicit_hash_key = "0";
  EXPECT_EQ(MustPut(d, {r})[0].shard, 0u);
  auto read = ReadShard(*db_, d, 0, 0, 10);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].explicit_hash_key.value_or(""), "0");
}

TEST_F(StreamLogTest, LimitsAreEnforcedAndNothingIsWritten) {
  auto d = MustCreate("s", 1);
  std::vector<std::pair<std::vector<PutRecord>, std::string>> bad = {
      {{{"k", std::string(kMaxDataBytes + 1, 'x'), {}}}, "1 MiB"},
      {{{std::string(257, 'k'), "x", {}}}, "partition key"},
      {{{"", "x", {}}}, "partition key"},
      {{{"k", "x", "340282366920938463463374607431768211456"}}, "hash key"},
      {Records(501), "500 records"},
  };
  std::vector<PutRecord> big;
  for (int i = 0; i < 6; ++i) big.push_back({"k", std::string(kMaxDataBytes, 'x'), {}});
  bad.push_back({big, "5 MiB"});
  // A bad record late in a batch rejects the whole batch.
  auto mixed = Records(10);
  mixed.push_back({"", "x", {}});
  bad.push_back({mixed, "record 11"});
  for (auto& [records, expect] : bad) {
    auto r = log_->Put(d, records);
    ASSERT_FALSE(r.ok()) << expect;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find(expect), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(ReadShard(*db_, d, 0, 0, 1000)->size(), 0u);
  // The limits themselves are allowed: 256 multi-byte characters, exactly 1 MiB.
  std::string key;
  for (int i = 0; i < 256; ++i) key += "\xc3\xa9";  // é
  EXPECT_TRUE(log_->Put(d, {{key, std::string(kMaxDataBytes, 'x'), {}}}).ok());
}

TEST_F(StreamLogTest, ConcurrentPutsShareSyncsAndStayOrdered) {
  auto d = MustCreate("s", 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto r = log_->Put(d, Records(20, "t" + std::to_string(t) + "-" + std::to_string(i) + "-"));
        ASSERT_TRUE(r.ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  uint64_t total = 0;
  for (uint32_t s = 0; s < 2; ++s) {
    auto recs = ReadShard(*db_, d, s, 0, 100000);
    ASSERT_TRUE(recs.ok());
    for (size_t i = 0; i < recs->size(); ++i) EXPECT_EQ((*recs)[i].sequence, i + 1) << "gap or reorder";
    total += recs->size();
  }
  EXPECT_EQ(total, 4u * 50 * 20);
}

TEST_F(StreamLogTest, DescribeShardsDoesNotReadTheRecords) {
  auto d = MustCreate("s", 1);
  for (int i = 0; i < 20; ++i) MustPut(d, Records(500, "b" + std::to_string(i) + "-"));
  ASSERT_TRUE(db_->Flush().ok());
  storage::StartKeyReadCount();
  auto shards = log_->DescribeShards(d);
  EXPECT_LT(storage::KeysReadSinceStart(), 20u) << "describe reads every record";
  ASSERT_TRUE(shards.ok());
  EXPECT_EQ((*shards)[0].record_count, 10000u);
  EXPECT_EQ((*shards)[0].first_sequence, 1u);
  EXPECT_EQ((*shards)[0].last_sequence, 10000u);
}

}  // namespace
}  // namespace freshet::stream
