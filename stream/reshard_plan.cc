#include "stream/reshard_plan.h"

#include <algorithm>

namespace freshet::stream {

namespace {

Status CheckShard(const StreamDescription& d, uint32_t shard) {
  if (shard >= d.shard_count) {
    return Status::NotFound("Could not find shard " + ShardId(shard) + " in stream " + d.name + ".");
  }
  if (!d.shards[shard].open()) {
    return Status::InvalidArgument("Shard " + ShardId(shard) + " in stream " + d.name +
                                   " has already been merged or split, and thus is not eligible for merging "
                                   "or splitting.");
  }
  return Status::OK();
}

uint32_t AddShard(StreamDescription* d, HashRange range, uint32_t parent, std::optional<uint32_t> adjacent) {
  ShardDescription s;
  s.index = d->shard_count;
  s.range = range;
  s.parent = parent;
  s.adjacent_parent = adjacent;
  d->shards.push_back(s);
  ++d->shard_count;
  return s.index;
}

void Close(StreamDescription* d, uint32_t shard, uint64_t now_ms) {
  d->shards[shard].ending_sequence = 0;
  d->shards[shard].closed_ms = now_ms;
}

// Split and merge without the open-shard limit (UpdateShardCount checks its final count).
void Split(StreamDescription* d, uint32_t shard, HashKey key, uint64_t now_ms) {
  HashRange r = d->shards[shard].range;
  Close(d, shard, now_ms);
  AddShard(d, {r.start, key - 1}, shard, std::nullopt);
  AddShard(d, {key, r.end}, shard, std::nullopt);
}

uint32_t Merge(StreamDescription* d, uint32_t shard, uint32_t adjacent, uint64_t now_ms) {
  HashRange a = d->shards[shard].range, b = d->shards[adjacent].range;
  Close(d, shard, now_ms);
  Close(d, adjacent, now_ms);
  return AddShard(d, {std::min(a.start, b.start), std::max(a.end, b.end)}, shard, adjacent);
}

}  // namespace

Status ApplySplit(StreamDescription* d, uint32_t shard, HashKey key, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(CheckShard(*d, shard));
  const HashRange& r = d->shards[shard].range;
  if (key <= r.start || key > r.end) {
    return Status::InvalidArgument("NewStartingHashKey " + FormatHashKey(key) + " used in SplitShard() on shard " +
                                   ShardId(shard) + " in stream " + d->name +
                                   " is not both greater than the shard's StartingHashKey " + FormatHashKey(r.start) +
                                   " and at most its EndingHashKey " + FormatHashKey(r.end) + ".");
  }
  if (d->open_shard_count() + 1 > kMaxShards) {
    return Status::LimitExceeded("splitting " + ShardId(shard) + " would give stream " + d->name + " " +
                                 std::to_string(kMaxShards + 1) + " open shards; the limit is " +
                                 std::to_string(kMaxShards));
  }
  Split(d, shard, key, now_ms);
  return Status::OK();
}

Status ApplyMerge(StreamDescription* d, uint32_t shard, uint32_t adjacent, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(CheckShard(*d, shard));
  FRESHET_RETURN_IF_ERROR(CheckShard(*d, adjacent));
  const HashRange& a = d->shards[shard].range;
  const HashRange& b = d->shards[adjacent].range;
  bool touching =
      shard != adjacent && ((a.end < b.start && a.end + 1 == b.start) || (b.end < a.start && b.end + 1 == a.start));
  if (!touching) {
    return Status::InvalidArgument("Shards " + ShardId(shard) + " and " + ShardId(adjacent) + " in stream " + d->name +
                                   " are not an adjacent pair of shards eligible for merging");
  }
  Merge(d, shard, adjacent, now_ms);
  return Status::OK();
}

Status ApplyUpdateShardCount(StreamDescription* d, uint32_t target, uint64_t now_ms) {
  const uint32_t open = d->open_shard_count();
  if (target < 1 || target > kMaxShards) {
    return Status::LimitExceeded("target shard count " + std::to_string(target) + " for stream " + d->name +
                                 " is outside 1 to " + std::to_string(kMaxShards));
  }
  if (uint64_t{target} * 2 < open || target > uint64_t{open} * 2) {
    return Status::InvalidArgument("UpdateShardCount of stream " + d->name + " from " + std::to_string(open) + " to " +
                                   std::to_string(target) +
                                   " open shards: the target must be at least half and at most double the "
                                   "current count (" +
                                   std::to_string((open + 1) / 2) + " to " + std::to_string(open * 2) + ")");
  }
  // 1. Split wherever a target boundary falls inside an open shard.
  for (uint32_t k = 1; k < target; ++k) {
    HashKey boundary = ShardHashRange(k, target).start;
    uint32_t holder = d->OpenShardForHashKey(boundary);
    if (d->shards[holder].range.start != boundary) Split(d, holder, boundary, now_ms);
  }
  // 2. Merge, left to right, the open shards inside each target range.
  for (uint32_t k = 0; k < target; ++k) {
    HashRange want = ShardHashRange(k, target);
    uint32_t cur = d->OpenShardForHashKey(want.start);
    while (d->shards[cur].range.end < want.end) {
      uint32_t next = d->OpenShardForHashKey(d->shards[cur].range.end + 1);
      cur = Merge(d, cur, next, now_ms);
    }
  }
  return Status::OK();
}

}  // namespace freshet::stream
