// Resharding as changes to a StreamDescription, with Kinesis's rules and errors.
//
// Each function checks the request against the description and, if it is allowed, closes the
// parent shards (closed_ms = now_ms; ending_sequence = 0, which the caller replaces by the
// parent's real last sequence number inside the writer queue, see StreamLog) and appends the
// children with their ranges and parents. They write nothing: StreamLog commits the result.
//
// Errors: NotFound (no such shard), InvalidArgument (a closed shard, a hash key outside the
// shard, shards that are not adjacent, a target outside [half, double] of the open count),
// LimitExceeded (more than kMaxShards open shards).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "storage/status.h"
#include "stream/stream_description.h"

namespace freshet::stream {

// Closes `shard` and adds two children: [start, new_starting_hash_key - 1] and
// [new_starting_hash_key, end]. REQUIRES of the caller's input: start < key <= end.
Status ApplySplit(StreamDescription* d, uint32_t shard, HashKey new_starting_hash_key, uint64_t now_ms);
// Closes `shard` and `adjacent_shard` (their ranges must touch) and adds one child covering
// both, with parent `shard` and adjacent parent `adjacent_shard`.
Status ApplyMerge(StreamDescription* d, uint32_t shard, uint32_t adjacent_shard, uint64_t now_ms);
// Uniform scaling: afterwards exactly `target_open_shards` shards are open, with the even
// ranges of ShardHashRange(i, target). Done as Kinesis does, by splits and merges: every new
// shard's parents are shards whose ranges it came from (intermediate shards of the same
// operation are created closed and hold no records).
Status ApplyUpdateShardCount(StreamDescription* d, uint32_t target_open_shards, uint64_t now_ms);

}  // namespace freshet::stream
