// Resharding: SplitShard, MergeShards, UpdateShardCount on the log, reading to the end of a
// closed shard, routing to the open shards, and both surviving a reopen.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/stream_reader.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

constexpr HashKey kHalf = HashKey{1} << 127;
constexpr HashKey kMax = ~HashKey{0};

class ReshardTest : public StreamFixture {
 protected:
  // Every record of the shard, read from its start.
  std::vector<Record> All(const StreamDescription& d, uint32_t shard) {
    auto page = ReadShardPage(*db_, d, shard, 1, 1000000);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->records : std::vector<Record>{};
  }
  // The open shards tile the hash key space and every child's parents overlap it.
  static void ExpectConsistent(const StreamDescription& d) {
    ASSERT_EQ(d.shard_count, d.shards.size());
    HashKey next = 0;
    std::vector<uint32_t> open = d.OpenShards();
    for (size_t i = 0; i < open.size(); ++i) {
      const HashRange& r = d.shards[open[i]].range;
      EXPECT_EQ(r.start, next) << "open shard " << open[i];
      if (i + 1 < open.size())
        next = r.end + 1;
      else
        EXPECT_EQ(r.end, kMax);
    }
    for (const auto& s : d.shards) {
      for (std::optional<uint32_t> p : {s.parent, s.adjacent_parent}) {
        if (!p) continue;
        ASSERT_LT(*p, s.index);
        const HashRange& pr = d.shards[*p].range;
        EXPECT_TRUE(pr.start <= s.range.end && s.range.start <= pr.end)
            << "shard " << s.index << " does not overlap its parent " << *p;
        EXPECT_FALSE(d.shards[*p].open()) << "parent " << *p << " of " << s.index << " is open";
      }
    }
  }
};

TEST_F(ReshardTest, SplitClosesTheParentAtItsLastRecordAndRoutesToTheChildren) {
  auto d = MustCreate("s", 1);
  MustPut(d, Records(100, "a-"));
  auto split = log_->SplitShard("s", 0, kHalf);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ExpectConsistent(*split);
  ASSERT_EQ(split->shard_count, 3u);
  EXPECT_EQ(split->shards[0].ending_sequence, 100u);
  EXPECT_TRUE(split->shards[0].closed_ms.has_value());
  EXPECT_EQ(split->shards[1].range.start, 0u);
  EXPECT_EQ(split->shards[1].range.end, kHalf - 1);
  EXPECT_EQ(split->shards[2].range.start, kHalf);
  EXPECT_EQ(split->shards[1].parent, 0u);
  EXPECT_EQ(split->shards[2].parent, 0u);
  EXPECT_FALSE(split->shards[1].adjacent_parent.has_value());

  // A put holding the old description still goes to the children, by hash key.
  auto results = MustPut(d, Records(100, "b-"));
  for (size_t i = 0; i < results.size(); ++i) {
    HashKey h = Md5HashKey("b-" + std::to_string(i));
    EXPECT_EQ(results[i].shard, h < kHalf ? 1u : 2u);
  }
  EXPECT_EQ(All(*split, 0).size(), 100u);
  EXPECT_EQ(All(*split, 1).size() + All(*split, 2).size(), 100u);
  EXPECT_EQ(All(*split, 1).front().sequence, 1u);

  // The end of the closed shard is reported with its children; an open one has no end.
  auto page = ReadShardPage(*db_, *split, 0, 1, 60);
  EXPECT_EQ(page->records.size(), 60u);
  EXPECT_FALSE(page->shard_end);
  page = ReadShardPage(*db_, *split, 0, page->next_sequence, 60);
  EXPECT_EQ(page->records.size(), 40u);
  EXPECT_TRUE(page->shard_end);
  EXPECT_EQ(page->child_shards, (std::vector<uint32_t>{1, 2}));
  page = ReadShardPage(*db_, *split, 0, 101, 60);
  EXPECT_TRUE(page->records.empty());
  EXPECT_TRUE(page->shard_end);
  EXPECT_FALSE(ReadShardPage(*db_, *split, 1, 1, 1000)->shard_end);
  // LATEST on a closed shard is its end: an empty read, at the end.
  uint64_t latest = *ResolvePosition(*db_, *split, 0, Position{Position::Kind::kLatest});
  EXPECT_EQ(latest, 101u);

  // DescribeShards carries the lineage.
  auto shards = log_->DescribeShards(*split);
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[0].ending_sequence, 100u);
  EXPECT_EQ((*shards)[0].record_count, 100u);
  EXPECT_EQ((*shards)[2].parent, 0u);
}

TEST_F(ReshardTest, SplitAndMergeFollowKinesisRules) {
  MustCreate("s", 2);
  const HashRange r0 = ShardHashRange(0, 2);
  EXPECT_TRUE(log_->SplitShard("s", 0, r0.start).status().IsInvalidArgument());  // not inside
  EXPECT_TRUE(log_->SplitShard("s", 0, r0.end + 1).status().IsInvalidArgument());
  EXPECT_TRUE(log_->SplitShard("s", 7, 5).status().IsNotFound());
  EXPECT_TRUE(log_->SplitShard("nope", 0, 5).status().IsNotFound());
  ASSERT_TRUE(log_->SplitShard("s", 0, r0.end).ok());  // the last key of the range is allowed
  auto closed = log_->SplitShard("s", 0, 5);
  EXPECT_TRUE(closed.status().IsInvalidArgument());
  EXPECT_NE(closed.status().message().find("already been merged or split"), std::string::npos);
  // Open now: 1 (2's neighbour: [half, max]), 2 [0, end-1], 3 [end, end].
  EXPECT_TRUE(log_->MergeShards("s", 2, 1).status().IsInvalidArgument());  // not adjacent
  EXPECT_TRUE(log_->MergeShards("s", 0, 2).status().IsInvalidArgument());  // 0 is closed
  EXPECT_TRUE(log_->MergeShards("s", 3, 3).status().IsInvalidArgument());
  auto merged = log_->MergeShards("s", 3, 1);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  ExpectConsistent(*merged);
  const ShardDescription& child = merged->shards.back();
  EXPECT_EQ(child.parent, 3u);
  EXPECT_EQ(child.adjacent_parent, 1u);
  EXPECT_EQ(child.range.start, r0.end);
  EXPECT_EQ(child.range.end, kMax);
  EXPECT_EQ(merged->open_shard_count(), 2u);
}

TEST_F(ReshardTest, UpdateShardCountGivesEvenRangesWithCorrectLineage) {
  auto d = MustCreate("s", 3);
  MustPut(d, Records(300));
  for (uint32_t target : {6u, 4u, 5u, 3u, 2u, 4u, 8u}) {
    auto r = log_->UpdateShardCount("s", target);
    ASSERT_TRUE(r.ok()) << target << ": " << r.status().ToString();
    ExpectConsistent(*r);
    std::vector<uint32_t> open = r->OpenShards();
    ASSERT_EQ(open.size(), target);
    for (uint32_t i = 0; i < target; ++i) {
      EXPECT_EQ(r->shards[open[i]].range.start, ShardHashRange(i, target).start) << target;
      EXPECT_EQ(r->shards[open[i]].range.end, ShardHashRange(i, target).end) << target;
    }
    MustPut(d, Records(50, "t" + std::to_string(target)));
  }
  EXPECT_TRUE(log_->UpdateShardCount("s", 17).status().IsInvalidArgument());  // more than double 8
  EXPECT_TRUE(log_->UpdateShardCount("s", 3).status().IsInvalidArgument());   // less than half
  // Every record is in exactly one shard, and a closed shard ends at its last record.
  auto now = *log_->Get("s");
  size_t total = 0;
  for (const auto& s : now.shards) {
    auto records = All(now, s.index);
    total += records.size();
    if (!s.open()) {
      EXPECT_EQ(*s.ending_sequence, records.empty() ? s.starting_sequence - 1 : records.back().sequence);
    }
  }
  EXPECT_EQ(total, 300u + 7 * 50);
}

TEST_F(ReshardTest, OpenShardLimit) {
  MustCreate("big", kMaxShards);
  auto r = log_->SplitShard("big", 0, 1);
  EXPECT_EQ(r.status().code(), Status::Code::kLimitExceeded) << r.status().ToString();
}

TEST_F(ReshardTest, ReshardingSurvivesReopenWithTheSameDescriptionAndRouting) {
  auto d = MustCreate("s", 2);
  MustPut(d, Records(50));
  ASSERT_TRUE(log_->SplitShard("s", 1, kHalf + 12345).ok());
  MustPut(d, Records(50, "x-"));
  auto merged = log_->MergeShards("s", 0, 2);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  MustPut(d, Records(50, "y-"));
  const std::string before = merged->ToJson();
  std::map<uint32_t, size_t> counts;
  for (const auto& s : merged->shards) counts[s.index] = All(*merged, s.index).size();

  Open();  // a new Db and StreamLog: nothing cached
  auto again = log_->Get("s");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), before);
  ExpectConsistent(*again);
  for (const auto& s : again->shards) EXPECT_EQ(All(*again, s.index).size(), counts[s.index]) << s.index;
  // Puts after the reopen go to open shards only, continuing their sequence numbers.
  auto results = MustPut(d, Records(50, "z-"));
  for (const auto& r : results) {
    EXPECT_TRUE(again->shards[r.shard].open()) << r.shard;
    EXPECT_GT(r.sequence, 0u);
  }
  for (const auto& s : again->shards) {
    auto records = All(*again, s.index);
    for (size_t i = 1; i < records.size(); ++i) EXPECT_EQ(records[i].sequence, records[i - 1].sequence + 1);
  }
}

TEST_F(ReshardTest, ReshardingSurvivesACrashBeforeAnyFlush) {
  // As a crash would leave it: nothing is flushed at close, everything is in the write-ahead log.
  log_.reset();
  db_.reset();
  storage::OpenOptions no_flush;
  no_flush.flush_on_close = false;
  auto db = storage::Db::Open(dir_.path(), no_flush);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(db.value());
  log_ = std::make_unique<StreamLog>(db_.get());
  auto d = MustCreate("s", 1);
  MustPut(d, Records(40));
  ASSERT_TRUE(log_->SplitShard("s", 0, kHalf).ok());
  MustPut(d, Records(40, "b-"));
  ASSERT_TRUE(log_->MergeShards("s", 1, 2).ok());
  MustPut(d, Records(50, "c-"));
  log_.reset();
  db_.reset();
  Open();
  auto again = *log_->Get("s");
  ExpectConsistent(again);
  ASSERT_EQ(again.shard_count, 4u);
  EXPECT_EQ(again.shards[0].ending_sequence, 40u);
  EXPECT_EQ(*again.shards[1].ending_sequence + *again.shards[2].ending_sequence, 40u);
  EXPECT_EQ(All(again, 3).size(), 50u);
  for (uint32_t s = 0; s < 3; ++s) {
    auto records = All(again, s);
    EXPECT_EQ(records.empty() ? 0 : records.back().sequence, *again.shards[s].ending_sequence);
  }
}

TEST_F(ReshardTest, PutsRacingASplitNeverLandInTheClosedParent) {
  auto d = MustCreate("s", 1);
  std::atomic<bool> stop{false};
  std::atomic<int> puts{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        if (log_->Put(d, Records(20, std::to_string(t) + "-" + std::to_string(i) + "-")).ok()) puts += 20;
      }
    });
  }
  while (puts < 200) std::this_thread::yield();
  auto split = log_->SplitShard("s", 0, kHalf);
  while (puts < 600) std::this_thread::yield();
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_TRUE(split.ok());
  auto parent = All(*split, 0);
  ASSERT_FALSE(parent.empty());
  EXPECT_EQ(parent.back().sequence, *split->shards[0].ending_sequence);
  size_t total = parent.size() + All(*split, 1).size() + All(*split, 2).size();
  EXPECT_EQ(total, static_cast<size_t>(puts.load()));
}

TEST_F(ReshardTest, RetentionAndDeleteWorkOverClosedShards) {
  auto d = MustCreate("s", 1);
  MustPut(d, Records(30));
  ASSERT_TRUE(log_->SplitShard("s", 0, kHalf).ok());
  MustPut(d, Records(30, "b-"));
  auto now = *log_->Get("s");
  EXPECT_EQ(*log_->TrimExpired(now, NowMs() + now.retention_ms() + 1000), 60u);
  auto page = ReadShardPage(*db_, now, 0, *ResolvePosition(*db_, now, 0, Position{}), 100);
  EXPECT_TRUE(page->records.empty());
  EXPECT_TRUE(page->shard_end);
  ASSERT_TRUE(log_->Delete("s").ok());
  auto it = db_->NewIterator(storage::Cf::kLog, "", "");
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  // Recreated under the same name: a new stream, one shard, nothing cached from the old one.
  auto fresh = MustCreate("s", 1);
  auto results = MustPut(fresh, Records(3));
  EXPECT_EQ(results[0].shard, 0u);
  EXPECT_EQ(results[0].sequence, 1u);
}

TEST_F(ReshardTest, DescriptionsWrittenBeforeReshardingReadAsUniformOpenShards) {
  auto d = StreamDescription::FromJson(R"({"name":"old","id":3,"shard_count":4,"retention_hours":24,"created_ms":1})");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->shards.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(d->shards[i].open());
    EXPECT_FALSE(d->shards[i].parent.has_value());
    EXPECT_EQ(d->shards[i].range.start, ShardHashRange(i, 4).start);
  }
  EXPECT_EQ(d->ToJson().find("shards\":"), std::string::npos);  // still written the old way
  // Open ranges that do not tile the key space are refused.
  auto bad = StreamDescription::FromJson(
      R"({"name":"x","id":3,"shard_count":1,"retention_hours":24,"created_ms":1,)"
      R"("shards":[{"start":"1","end":"340282366920938463463374607431768211455","starting_sequence":1}]})");
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace freshet::stream
