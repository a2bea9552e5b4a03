// StreamLog: Kinesis-style streams over the log column family: create, describe, delete,
// put (one record or an atomic batch), and retention trimming.
//
// Sequence numbers are per shard, strictly increasing, and never reused: on first use of a
// shard the next number is found from the log itself (last key + 1, or the recorded trim
// horizon if retention emptied the shard), then kept in memory and assigned inside the Db's
// writer queue, so numbers become visible in order.
//
// Durability: Put returns after its batch is durable per the Db's sync policy.
// Thread-safety: safe for concurrent use. REQUIRES: at most one StreamLog per read-write Db
// (it owns the in-memory sequence counters).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.h"
#include "stream/shard_router.h"
#include "stream/stream_description.h"

namespace freshet::stream {

// Kinesis limits.
inline constexpr size_t kMaxDataBytes = 1 << 20;
inline constexpr size_t kMaxPartitionKeyChars = 256;
inline constexpr size_t kMaxBatchRecords = 500;
inline constexpr size_t kMaxBatchBytes = 5 << 20;

struct PutRecord {
  std::string partition_key;
  std::string data;
  std::optional<std::string> explicit_hash_key;  // decimal text, as given by the user
};

struct PutResult {
  uint32_t shard = 0;
  uint64_t sequence = 0;
};

struct ShardInfo {
  uint32_t shard = 0;
  HashRange range;
  std::optional<uint64_t> first_sequence;  // absent when the shard holds no record
  std::optional<uint64_t> last_sequence;
  uint64_t record_count = 0;
  uint64_t trim_horizon = 0;  // sequence numbers below it were removed by retention
};

// Checks one record against the limits; the message names the problem.
Status ValidateRecord(const PutRecord& record);

class StreamLog {
 public:
  explicit StreamLog(storage::Db* db) : db_(db) {}  // db not owned; must outlive this

  // Errors: InvalidArgument (name, shard count 1..1024, retention 1..8760 hours), AlreadyExists.
  Result<StreamDescription> Create(const std::string& name, uint32_t shard_count, uint32_t retention_hours);
  Result<StreamDescription> Get(const std::string& name) const;  // NotFound if absent
  Result<std::vector<StreamDescription>> List() const;
  Result<std::vector<ShardInfo>> DescribeShards(const StreamDescription& stream) const;
  // Removes the description, every record and the trim horizons in one write.
  Status Delete(const std::string& name);
  // Changes the retention period.
  Status SetRetention(const std::string& name, uint32_t retention_hours);

  // Puts `records` as one atomic batch and returns each record's shard and sequence number,
  // in input order. Errors: InvalidArgument (limits, checked before anything is written).
  Result<std::vector<PutResult>> Put(const StreamDescription& stream, const std::vector<PutRecord>& records);

  // For writers that put records together with other changes in one batch (the consumer's
  // dead letters): routes and numbers `records` and appends them to `batch`.
  // REQUIRES: called from inside a Db::PrepareFn of the Write that commits `batch`.
  Status AppendRecords(const StreamDescription& stream, const std::vector<PutRecord>& records,
                       uint64_t arrival_ms, storage::Batch* batch, std::vector<PutResult>* results);

  // Removes every record that arrived more than the retention period before `now_ms`, really
  // (DeleteRange, then compaction of that range), and records the new trim horizons.
  // Returns how many records were removed.
  Result<uint64_t> TrimExpired(const StreamDescription& stream, uint64_t now_ms);

  // Blocks until a Put or AppendRecords commits in this process after `seen_version`, or
  // until `timeout_ms`. Returns the current version. Used by follow modes.
  uint64_t WaitForPut(uint64_t seen_version, int timeout_ms);
  uint64_t put_version() const;

  storage::Db* db() const { return db_; }
  // Wakes WaitForPut callers; AppendRecords callers call it after their Write succeeds.
  void NotifyPut();

 private:
  // Next sequence for the shard; loads it from the log the first time. REQUIRES: in prepare.
  Result<uint64_t*> NextSequence(uint32_t stream_id, uint32_t shard);

  storage::Db* const db_;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> next_sequence_;  // guarded by the Db writer queue
  mutable std::mutex put_mu_;
  std::condition_variable put_cv_;
  uint64_t put_version_ = 0;  // guarded by put_mu_
};

// The first sequence number kept in the shard after retention (0 if nothing was ever trimmed).
Result<uint64_t> TrimHorizon(const storage::Db& db, uint32_t stream_id, uint32_t shard);

uint64_t NowMs();

}  // namespace freshet::stream
