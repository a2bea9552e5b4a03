// Retention: expired records are really removed, the trim horizon moves, and sequence numbers
// are never reused even when retention empties a shard.
#include <random>
#include <thread>

#include "storage/codec.h"
#include "stream/stream_reader.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

using RetentionTest = StreamFixture;

size_t RawLogKeys(storage::Db* db) {
  auto it = db->NewIterator(storage::Cf::kLog, "", "");
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

TEST_F(RetentionTest, TrimRemovesOnlyExpiredRecords) {
  auto d = MustCreate("s", 1, 1);
  MustPut(d, Records(30, "old-"));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  uint64_t between = NowMs();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  MustPut(d, Records(20, "new-"));

  // Nothing has expired yet.
  EXPECT_EQ(*log_->TrimExpired(d, NowMs()), 0u);
  // An hour after `between`, the first 30 have expired and the last 20 have not.
  auto removed = log_->TrimExpired(d, between + d.retention_ms());
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 30u);
  EXPECT_EQ(RawLogKeys(db_.get()), 20u);
  EXPECT_EQ(*TrimHorizon(*db_, d.id, 0), 31u);
  auto recs = ReadShard(*db_, d, 0, *ResolvePosition(*db_, d, 0, Position{}), 100);
  ASSERT_EQ(recs->size(), 20u);
  EXPECT_EQ(recs->front().sequence, 31u);
  EXPECT_EQ(recs->front().partition_key, "new-0");
  auto shards = log_->DescribeShards(d);
  EXPECT_EQ((*shards)[0].first_sequence.value_or(0), 31u);
  EXPECT_EQ((*shards)[0].trim_horizon, 31u);
}

TEST_F(RetentionTest, EmptiedShardNeverReusesSequenceNumbers) {
  auto d = MustCreate("s", 1, 1);
  MustPut(d, Records(40));
  ASSERT_EQ(*log_->TrimExpired(d, NowMs() + d.retention_ms() + 1000), 40u);
  EXPECT_EQ(RawLogKeys(db_.get()), 0u);
  // After reopening, the next number comes from the trim horizon, not from an empty shard.
  Open();
  auto res = MustPut(d, Records(1));
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].sequence, 41u);
}

TEST_F(RetentionTest, TrimmedDataIsPhysicallyGone) {
  auto d = MustCreate("s", 1, 1);
  std::vector<PutRecord> records;
  std::mt19937 rng(1);
  for (int i = 0; i < 400; ++i) {
    std::string data(4000, '\0');
    for (char& c : data) c = static_cast<char>(rng());  // incompressible
    records.push_back({"k" + std::to_string(i), data, {}});
  }
  for (size_t i = 0; i < records.size(); i += 100) {
    MustPut(d, std::vector<PutRecord>(records.begin() + i, records.begin() + i + 100));
  }
  ASSERT_TRUE(db_->Flush().ok());
  std::string lo = codec::LogKey::StreamPrefix(d.id), hi = codec::LogKey::StreamPrefix(d.id + 1);
  uint64_t before = db_->ApproximateSize(storage::Cf::kLog, lo, hi);
  EXPECT_GT(before, 100000u);
  ASSERT_EQ(*log_->TrimExpired(d, NowMs() + d.retention_ms() + 1000), 400u);
  uint64_t after = db_->ApproximateSize(storage::Cf::kLog, lo, hi);
  EXPECT_LT(after, before / 10) << "expired records are hidden but still stored";
}

}  // namespace
}  // namespace freshet::stream
