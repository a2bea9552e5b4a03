// StreamDescription: what the meta column family records about one stream, its shards included.
//
// A stream has a list of shards, indexed 0..shard_count-1 in creation order (shardId-%012d).
// Each shard covers a range of the 128-bit hash key space; the OPEN shards' ranges partition
// the space, and routing uses only them. Resharding (stream/reshard_plan.h) closes shards and
// appends new ones whose parents are the closed shards their ranges came from. Sequence
// numbers are per shard and start at 1 in every shard.
//
// Stored as JSON. A description written before resharding existed (no "shards" member) means
// shard_count open shards with even ranges and no parents; a stream that was never resharded
// is still written that way.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"
#include "stream/shard_router.h"

namespace freshet::stream {

inline constexpr uint32_t kMaxShards = 1024;  // open shards per stream
inline constexpr uint32_t kDefaultRetentionHours = 24;
inline constexpr uint32_t kMaxRetentionHours = 24 * 365;

struct ShardDescription {
  uint32_t index = 0;
  HashRange range;
  std::optional<uint32_t> parent;           // the shard split, or the first shard merged
  std::optional<uint32_t> adjacent_parent;  // the second shard merged
  uint64_t starting_sequence = 1;
  // Set when the shard is closed: the last sequence number it assigned (its last record's,
  // or starting_sequence - 1 if it never held one). No record is ever added after it.
  std::optional<uint64_t> ending_sequence;
  std::optional<uint64_t> closed_ms;

  bool open() const { return !ending_sequence.has_value(); }
  bool HasParent(uint32_t shard) const { return parent == shard || adjacent_parent == shard; }
};

struct StreamDescription {
  std::string name;
  uint32_t id = 0;
  // Shards ever created, open and closed (== shards.size()); shard indexes are below it.
  uint32_t shard_count = 1;
  std::vector<ShardDescription> shards;  // by index
  uint32_t retention_hours = kDefaultRetentionHours;
  uint64_t created_ms = 0;

  // A new stream's shards: `count` open shards with even ranges (ShardHashRange).
  void SetUniformShards(uint32_t count);
  uint32_t open_shard_count() const;
  // Open shard indexes in hash range order.
  std::vector<uint32_t> OpenShards() const;
  // Shards whose parent or adjacent parent is `shard`, in index order.
  std::vector<uint32_t> ChildShards(uint32_t shard) const;
  // The open shard whose range holds `hash_key`. REQUIRES: the open ranges cover the space
  // (every description FromJson accepts and every reshard keeps them so).
  uint32_t OpenShardForHashKey(HashKey hash_key) const;
  // Whether the stream was ever resharded (some shard closed or with a parent).
  bool resharded() const;

  uint64_t retention_ms() const { return uint64_t{retention_hours} * 3600 * 1000; }
  std::string ToJson() const;
  // Corruption if `json` is not a description freshet wrote (including shards whose open
  // ranges do not partition the hash key space).
  static Result<StreamDescription> FromJson(std::string_view json);
};

// Stream names: 1..128 characters of [A-Za-z0-9_.-] (as Kinesis). InvalidArgument otherwise.
Status ValidateStreamName(std::string_view name);

// Streams freshet keeps for itself (StreamLog::CreateInternal) are named with this prefix, which
// ValidateStreamName refuses, so no user stream can take or reach such a name.
inline constexpr std::string_view kInternalStreamPrefix = "~";
inline bool IsInternalStreamName(std::string_view name) { return name.substr(0, 1) == kInternalStreamPrefix; }

}  // namespace freshet::stream
