// Reading a shard from a position, as Kinesis shard iterators do.
//
// A position is resolved to the first sequence number to read; reading returns records in
// sequence order from there, at most `limit` (and about `max_bytes`) at a time.
//
// Thread-safety: functions are safe to call concurrently on one Db.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "stream/stream_description.h"

namespace freshet::stream {

struct Position {
  enum class Kind { kTrimHorizon, kLatest, kAtSequence, kAfterSequence, kAtTimestamp };
  Kind kind = Kind::kTrimHorizon;
  uint64_t sequence = 0;      // kAtSequence, kAfterSequence
  uint64_t timestamp_ms = 0;  // kAtTimestamp

  // "trim-horizon", "latest", "at:SEQ", "after:SEQ", "timestamp:ISO8601" (e.g.
  // 2024-05-01T12:00:00Z, or with a +hh:mm offset, or epoch milliseconds).
  static Result<Position> Parse(std::string_view text);
};

struct Record {
  uint32_t shard = 0;
  uint64_t sequence = 0;
  uint64_t arrival_ms = 0;
  std::string partition_key;
  std::optional<std::string> explicit_hash_key;  // decimal text
  std::string data;
};

// The first sequence number at or after `position` in the shard (which may not exist yet:
// for kLatest it is the next sequence number to be assigned; for a closed shard, its ending
// sequence number + 1). kAtTimestamp binary-searches the shard (arrival times are
// non-decreasing within a shard) and gives the tip when no record arrived at or after it.
Result<uint64_t> ResolvePosition(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                 const Position& position);

// Records of the shard with sequence >= from_sequence, in order, at most `limit` of them and
// stopping after the one that reaches `max_bytes` of data. Corruption if a stored record is
// malformed.
Result<std::vector<Record>> ReadShard(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                      uint64_t from_sequence, size_t limit, size_t max_bytes = 16 << 20);

struct ReadResult {
  std::vector<Record> records;
  // Where the next read starts: after the last record returned, or from_sequence if none.
  uint64_t next_sequence = 0;
  // The shard is closed and these records reach its end (no record of it is left after
  // next_sequence): a reader moves on to child_shards (GetRecords: ChildShards, and no
  // NextShardIterator).
  bool shard_end = false;
  std::vector<uint32_t> child_shards;  // set when shard_end
};

// ReadShard that also says whether the end of a closed shard is reached. `stream` must have
// been read (StreamLog::Get) before the call: a shard it shows closed has all its records.
// InvalidArgument if `shard` is not a shard of `stream`.
Result<ReadResult> ReadShardPage(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                 uint64_t from_sequence, size_t limit, size_t max_bytes = 16 << 20);

// The next sequence number the shard will assign (last + 1, or the trim horizon if empty).
Result<uint64_t> ShardTip(const storage::Db& db, uint32_t stream_id, uint32_t shard);

}  // namespace freshet::stream
