// The shards of a stream as the Kinesis handlers see them: index, hash key range, lineage,
// sequence number range and open/closed state, taken from the engine's StreamDescription.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "stream/shard_router.h"
#include "stream/stream_description.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::kinesis {

struct ShardView {
  uint32_t index = 0;
  stream::HashRange range;
  std::optional<uint32_t> parent, adjacent_parent;
  uint64_t starting_sequence = 1;
  std::optional<uint64_t> ending_sequence;  // set once the shard is closed (split or merged)
  uint64_t created_ms = 0;
  std::optional<uint64_t> closed_ms;
  bool open() const { return !ending_sequence.has_value(); }
};

std::vector<ShardView> ShardsOf(const stream::StreamDescription& stream);
uint32_t OpenShardCount(const stream::StreamDescription& stream);
// The shard with this index, or nullptr.
const ShardView* FindShard(const std::vector<ShardView>& shards, uint32_t index);
// AWS's Shard shape: ShardId, ParentShardId?, AdjacentParentShardId?, HashKeyRange, SequenceNumberRange.
Json ShardJson(const ShardView& shard);

}  // namespace freshet::protocol::kinesis
