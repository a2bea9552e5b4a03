// The deliverer's buffering rules, object names and exactly-once redelivery (stream/delivery/deliverer.h).
#include "stream/delivery/deliverer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "stream/consumer/cursors.h"
#include "stream/delivery/compression.h"
#include "stream/delivery/object_naming.h"
#include "tests/stream/delivery/delivery_test_util.h"

namespace freshet::stream::delivery {
namespace {

using Deliveries = DeliveryFixture;

TEST_F(Deliveries, IntervalCutIsDecidedByArrivalTimes) {
  DeliverySpec spec = MustCreate("d", 1, 60);
  PutAt(spec.source_stream, kT0, {"a", "b"});
  PutAt(spec.source_stream, kT0 + 59999, {"c"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  // Nothing is complete before the interval has passed and no later record is seen.
  EXPECT_EQ(*deliverer.Poll(kT0 + 30000, false), 0u);
  EXPECT_EQ(deliverer.next_deadline_ms(), kT0 + 60000);
  PutAt(spec.source_stream, kT0 + 60000, {"d"});
  // A record that arrived at first + interval closes the buffer, whatever the clock says.
  EXPECT_EQ(*deliverer.Poll(kT0 + 30000, false), 1u);
  ASSERT_EQ(Keys().size(), 1u);
  EXPECT_EQ(Object(Keys()[0]), "abc");
  // The second buffer starts at "d" and completes when the clock passes its first arrival + 60 s.
  EXPECT_EQ(*deliverer.Poll(kT0 + 119999, false), 0u);
  EXPECT_EQ(*deliverer.Poll(kT0 + 120000, false), 1u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 2u);
  FirstRecord first{log_->Get(spec.source_stream)->id, 0, 1, kT0};
  EXPECT_EQ(keys[0], ObjectKey(spec, first));
  EXPECT_EQ(keys[0].substr(0, 24), "2024/05/01/12/d-1-2024-0");
  EXPECT_EQ(Object(keys[1]), "d");
}

TEST_F(Deliveries, SizeCutLeavesTheRecordThatWouldExceedForTheNextObject) {
  DeliverySpec spec = MustCreate("d", 1, 900);
  std::string big(300000, 'x');
  PutAt(spec.source_stream, kT0, {big + "1", big + "2", big + "3", big + "4"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(kT0, false), 1u);  // 3 records (900 kB); the 4th would pass 1 MiB
  ASSERT_EQ(Keys().size(), 1u);
  EXPECT_EQ(Object(Keys()[0]), big + "1" + big + "2" + big + "3");
  EXPECT_EQ(*deliverer.Poll(kT0 + 1000, false), 0u);
  EXPECT_EQ(*deliverer.Poll(kT0 + 1000, true), 1u);  // flush: the rest goes now
  auto manifest = store_->Objects(spec);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->size(), 2u);
  EXPECT_EQ((*manifest)[0].seal.records, 3u);
  EXPECT_EQ((*manifest)[1].seal.records, 1u);
  EXPECT_EQ((*manifest)[1].seal.ranges[0].first, 4u);
}

TEST_F(Deliveries, ABufferExactlyFullIsCutWhenTheNextRecordIsThere) {
  DeliverySpec spec = MustCreate("d", 1, 900);
  std::string quarter(256 * 1024, 'q');
  PutAt(spec.source_stream, kT0, {quarter, quarter, quarter, quarter, "next"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(kT0, false), 1u);  // 1 MiB exactly; "next" would pass it
  ASSERT_EQ(Keys().size(), 1u);
  EXPECT_EQ(Object(Keys()[0]).size(), 1024u * 1024u);
}

TEST_F(Deliveries, GzipObjectsHoldTheRecordsConcatenated) {
  DeliverySpec spec = MustCreate("g", 5, 0, Compression::kGzip);
  PutAt(spec.source_stream, kT0, {"line 1\n", "line 2\n"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(kT0, false), 1u);  // interval 0: every poll delivers what is there
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].substr(keys[0].size() - 3), ".gz");
  EXPECT_EQ(*Decompress(Compression::kGzip, Object(keys[0])), "line 1\nline 2\n");
}

TEST_F(Deliveries, DeliveredBufferRecordsAreRemovedAndNumbersNotReused) {
  DeliverySpec spec = MustCreate("d", 5, 0);
  PutAt(spec.source_stream, kT0, {"a", "b"});
  {
    Deliverer deliverer(log_.get(), buckets_.get(), spec);
    EXPECT_EQ(*deliverer.Poll(kT0, false), 1u);
  }
  auto shards = log_->DescribeShards(*log_->Get(spec.source_stream));
  ASSERT_TRUE(shards.ok());
  EXPECT_EQ((*shards)[0].record_count, 0u);
  Open();  // a restart: the next number comes from the trim horizon
  auto put = PutAt(spec.source_stream, kT0 + 1, {"c"});
  ASSERT_EQ(put.size(), 1u);
  EXPECT_EQ(put[0].sequence, 3u);
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(kT0 + 1, false), 1u);
  EXPECT_EQ(Keys().size(), 2u);
}

TEST_F(Deliveries, CrashBetweenObjectAndCommitRewritesTheSameObject) {
  DeliverySpec spec = MustCreate("c", 5, 60, Compression::kGzip);
  PutAt(spec.source_stream, kT0, {"r1\n", "r2\n"});
  std::string key, bytes;
  {
    Deliverer deliverer(log_.get(), buckets_.get(), spec);
    deliverer.SetCrashAfterObjectForTest([] { return true; });
    auto polled = deliverer.Poll(kT0 + 1000, true);  // flush seals, writes the object, then "crashes"
    EXPECT_EQ(polled.status().code(), Status::Code::kAborted);
    auto keys = Keys();
    ASSERT_EQ(keys.size(), 1u);
    key = keys[0];
    bytes = Object(key);
  }
  // More records arrive before the restart; they must not join the sealed object.
  PutAt(spec.source_stream, kT0 + 2000, {"r3\n"});
  Open();
  auto cursor = LoadCursor(*db_, spec.cursor_name(), log_->Get(spec.source_stream)->id, 0);
  ASSERT_TRUE(cursor.ok());
  EXPECT_FALSE(cursor->has_value());  // the commit never happened
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(kT0 + 3000, false), 1u);  // the seal is delivered again
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], key);
  EXPECT_EQ(Object(key), bytes);
  EXPECT_EQ(*Decompress(Compression::kGzip, bytes), "r1\nr2\n");
  cursor = LoadCursor(*db_, spec.cursor_name(), log_->Get(spec.source_stream)->id, 0);
  EXPECT_EQ(cursor->value_or(0), 2u);
  EXPECT_EQ(*deliverer.Poll(kT0 + 3000, true), 1u);
  keys = Keys();
  ASSERT_EQ(keys.size(), 2u);
  std::string all;
  for (const auto& k : keys) all += *Decompress(Compression::kGzip, Object(k));
  EXPECT_EQ(all, "r1\nr2\nr3\n");
  EXPECT_EQ(store_->Objects(spec)->size(), 2u);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() + "/buckets")) {
    EXPECT_EQ(e.path().filename().string().find(".freshet-tmp"), std::string::npos) << e.path();
  }
}

TEST_F(Deliveries, KinesisSourceMergesShardsByArrivalAndReadsParentsFirst) {
  ASSERT_TRUE(log_->Create("obs", 2, 24).ok());
  DeliverySpec spec = MustCreate("k", 5, 60, Compression::kUncompressed, "obs");
  // Partition keys chosen to land on both shards; arrival order interleaves them.
  uint64_t t = kT0;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    std::string data = "r" + std::to_string(i) + "\n";
    PutAt("obs", t++, {data}, "key-" + std::to_string(i));
    expected += data;
  }
  auto merged = log_->MergeShards("obs", 0, 1);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  for (int i = 20; i < 25; ++i) {
    std::string data = "r" + std::to_string(i) + "\n";
    PutAt("obs", t++, {data}, "key-" + std::to_string(i));
    expected += data;
  }
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  EXPECT_EQ(*deliverer.Poll(t, true), 2u);  // the parents' records, then the child's
  std::string all;
  for (const auto& k : Keys()) all += Object(k);
  auto manifest = store_->Objects(spec);
  ASSERT_EQ(manifest->size(), 2u);
  std::string in_order;
  for (const auto& e : *manifest) in_order += Object(e.seal.key);
  EXPECT_EQ(in_order, expected);
  EXPECT_EQ((*manifest)[0].seal.ranges.size(), 2u);
  EXPECT_EQ((*manifest)[1].seal.ranges[0].shard, 2u);
}

}  // namespace
}  // namespace freshet::stream::delivery
