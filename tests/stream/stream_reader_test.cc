#include "stream/stream_reader.h"

#include <thread>

#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

using StreamReaderTest = StreamFixture;

TEST(PositionTest, Parses) {
  EXPECT_EQ(Position::Parse("trim-horizon")->kind, Position::Kind::kTrimHorizon);
  EXPECT_EQ(Position::Parse("latest")->kind, Position::Kind::kLatest);
  EXPECT_EQ(Position::Parse("at:42")->sequence, 42u);
  EXPECT_EQ(Position::Parse("after:7")->kind, Position::Kind::kAfterSequence);
  EXPECT_EQ(Position::Parse("timestamp:2024-05-01T12:00:00Z")->timestamp_ms, 1714564800000u);
  EXPECT_EQ(Position::Parse("timestamp:2024-05-01T14:00:00.250+02:00")->timestamp_ms, 1714564800250u);
  EXPECT_EQ(Position::Parse("timestamp:2024-05-01")->timestamp_ms, 1714521600000u);
  EXPECT_EQ(Position::Parse("timestamp:1714564800000")->timestamp_ms, 1714564800000u);
  for (const char* bad :
       {"", "at:", "at:x", "after:-1", "timestamp:2024-13-01", "timestamp:yesterday", "foo:1", "TRIM"}) {
    auto p = Position::Parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_TRUE(p.status().IsInvalidArgument());
  }
}

TEST_F(StreamReaderTest, PositionsResolveAsKinesisIterators) {
  auto d = MustCreate("s", 1);
  MustPut(d, Records(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  uint64_t between = NowMs();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  MustPut(d, Records(5, "late-"));

  auto at = [&](const char* text) { return *ResolvePosition(*db_, d, 0, *Position::Parse(text)); };
  EXPECT_EQ(at("trim-horizon"), 1u);
  EXPECT_EQ(at("latest"), 16u);
  EXPECT_EQ(at("at:4"), 4u);
  EXPECT_EQ(at("after:4"), 5u);
  Position ts;
  ts.kind = Position::Kind::kAtTimestamp;
  ts.timestamp_ms = between;
  EXPECT_EQ(*ResolvePosition(*db_, d, 0, ts), 11u);
  ts.timestamp_ms = NowMs() + 1000000;
  EXPECT_EQ(*ResolvePosition(*db_, d, 0, ts), 16u);

  auto recs = ReadShard(*db_, d, 0, at("after:4"), 3);
  ASSERT_EQ(recs->size(), 3u);
  EXPECT_EQ((*recs)[0].sequence, 5u);
  EXPECT_EQ((*recs)[0].partition_key, "key-4");
  EXPECT_EQ((*recs)[0].data, "data-4");
  EXPECT_EQ((*recs)[2].sequence, 7u);
  EXPECT_EQ(ReadShard(*db_, d, 0, at("latest"), 10)->size(), 0u);
  // max_bytes stops after the record that reaches it.
  EXPECT_EQ(ReadShard(*db_, d, 0, 1, 100, 7)->size(), 2u);
}

TEST_F(StreamReaderTest, ReadOnlyInstanceSeesWritesBesideTheWriter) {
  auto d = MustCreate("s", 2);
  MustPut(d, Records(50));
  storage::OpenOptions ro;
  ro.mode = storage::OpenOptions::Mode::kReadOnly;
  auto reader = storage::Db::Open(dir_.path(), ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  size_t seen = 0;
  for (uint32_t s = 0; s < 2; ++s) seen += ReadShard(**reader, d, s, 0, 1000)->size();
  EXPECT_EQ(seen, 50u);
  MustPut(d, Records(10, "more-"));
  ASSERT_TRUE((*reader)->CatchUp().ok());
  seen = 0;
  for (uint32_t s = 0; s < 2; ++s) seen += ReadShard(**reader, d, s, 0, 1000)->size();
  EXPECT_EQ(seen, 60u);
}

// Puts `batches` batches of `per_batch` records into one shard, batch b arriving at b * 1000 ms
// (AppendRecords takes the arrival time the put path would take from the clock).
void PutTimed(storage::Db* db, StreamLog* log, const StreamDescription& d, int batches, int per_batch,
              uint64_t first_ms = 1000) {
  for (int b = 0; b < batches; ++b) {
    std::vector<PutRecord> records;
    for (int i = 0; i < per_batch; ++i) records.push_back({"k" + std::to_string(i), "d", {}});
    storage::Batch batch;
    ASSERT_TRUE(db->Write(&batch, [&](storage::Batch* x) {
                    return log->AppendRecords(d, records, first_ms + uint64_t(b) * 1000, x, nullptr);
                  }).ok());
  }
}

TEST_F(StreamReaderTest, AtTimestampIsABinarySearchAndEndsAtTheTip) {
  auto d = MustCreate("s", 1);
  PutTimed(db_.get(), log_.get(), d, 100, 100);  // 10,000 records, batch b at (b + 1) * 1000 ms
  ASSERT_TRUE(db_->Flush().ok());
  auto at = [&](uint64_t ms) {
    Position p;
    p.kind = Position::Kind::kAtTimestamp;
    p.timestamp_ms = ms;
    return *ResolvePosition(*db_, d, 0, p);
  };
  storage::StartKeyReadCount();
  EXPECT_EQ(at(5500), 501u);  // the first record of batch 5 (arrived at 6000)
  EXPECT_LT(storage::KeysReadSinceStart(), 200u) << "AT_TIMESTAMP reads the shard linearly";
  EXPECT_EQ(at(0), 1u);
  EXPECT_EQ(at(1000), 1u);
  EXPECT_EQ(at(100000), 9901u);
  // No record at or after the timestamp: the tip, where a read is empty (and returns at once).
  EXPECT_EQ(at(100001), 10001u);
  EXPECT_TRUE(ReadShard(*db_, d, 0, at(100001), 10)->empty());
  // On an empty shard, too.
  auto empty = MustCreate("empty", 1);
  Position p;
  p.kind = Position::Kind::kAtTimestamp;
  p.timestamp_ms = 1;
  EXPECT_EQ(*ResolvePosition(*db_, empty, 0, p), 1u);
}

TEST_F(StreamReaderTest, ArrivalTimesNeverDecreaseWithinAShard) {
  auto d = MustCreate("s", 1);
  PutTimed(db_.get(), log_.get(), d, 1, 1, 5000);
  PutTimed(db_.get(), log_.get(), d, 1, 1, 3000);  // a clock that went back
  auto records = ReadShard(*db_, d, 0, 1, 10);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].arrival_ms, 5000u);
  EXPECT_EQ((*records)[1].arrival_ms, 5000u);
}

}  // namespace
}  // namespace freshet::stream
