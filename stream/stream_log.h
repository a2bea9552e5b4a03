// StreamLog: Kinesis-style streams over the log column family: create, describe, delete,
// put (one record or an atomic batch), resharding, and retention trimming.
//
// Sequence numbers are per shard, strictly increasing, dense (1, 2, 3, ... in every shard) and
// never reused: on first use of a shard the next number is found from the log itself (last
// key + 1, or the recorded trim horizon if retention emptied the shard), then kept in memory
// and assigned inside the Db's writer queue, so numbers become visible in order.
//
// The put path does each thing once: records are validated, hashed (MD5) and encoded straight
// into the RocksDB batch before any lock; inside the writer queue the prepare step only routes
// each hash key to an open shard, takes the shard's next sequence number and the arrival time,
// and patches those 20 bytes into the ready key and value.
//
// Resharding (SplitShard, MergeShards, UpdateShardCount) is one atomic write of the new
// description, made inside the writer queue: the parents are closed exactly after the last
// record routed to them (a parent's ending sequence number is its last record's), and every
// put queued after it is routed to the children. Routing always uses the current open shards,
// whatever description a caller of Put holds. Arrival times are non-decreasing within a shard
// (each put takes max(now, the last one given)), so AT_TIMESTAMP can binary-search a shard.
//
// Durability: Put and the reshard operations return after their batch is durable per the Db's
// sync policy.
// Thread-safety: safe for concurrent use. REQUIRES: at most one StreamLog per read-write Db
// (it owns the in-memory sequence counters and routing). Lock order: the Db writer queue, then
// seq_mu_ (taken only inside prepare steps and short look-ups).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.h"
#include "storage/thread_annotations.h"
#include "stream/kinesis_limits.h"
#include "stream/shard_router.h"
#include "stream/stream_description.h"

namespace freshet::stream {

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
  std::optional<uint32_t> parent;
  std::optional<uint32_t> adjacent_parent;
  uint64_t starting_sequence = 1;
  std::optional<uint64_t> ending_sequence;  // set once the shard is closed (see ShardDescription)
  std::optional<uint64_t> closed_ms;
  std::optional<uint64_t> first_sequence;  // absent when the shard holds no record
  std::optional<uint64_t> last_sequence;
  uint64_t record_count = 0;  // last - first + 1: sequence numbers are dense
  uint64_t trim_horizon = 0;  // sequence numbers below it were removed by retention

  bool open() const { return !ending_sequence.has_value(); }
};

// Checks one record against the limits; the message names the problem.
Status ValidateRecord(const PutRecord& record);

class StreamLog {
 public:
  explicit StreamLog(storage::Db* db) : db_(db) {}  // db not owned; must outlive this

  // Errors: InvalidArgument (name, shard count 1..1024, retention 1..8760 hours), AlreadyExists.
  Result<StreamDescription> Create(const std::string& name, uint32_t shard_count, uint32_t retention_hours);
  // A stream freshet keeps for itself (a delivery stream's buffer): named with
  // kInternalStreamPrefix, which no user stream name can start with, and left out of List.
  Result<StreamDescription> CreateInternal(const std::string& name, uint32_t shard_count, uint32_t retention_hours);
  Result<StreamDescription> Get(const std::string& name) const;  // NotFound if absent
  // The user's streams (internal ones are left out).
  Result<std::vector<StreamDescription>> List() const;
  // Every shard (open and closed, by index) with its lineage and what it holds now. Two seeks
  // per shard, whatever the number of records.
  Result<std::vector<ShardInfo>> DescribeShards(const StreamDescription& stream) const;
  // Removes the description, every record and the trim horizons in one write.
  Status Delete(const std::string& name);
  // Changes the retention period.
  Status SetRetention(const std::string& name, uint32_t retention_hours);

  // Resharding; each returns the new description (see stream/reshard_plan.h for the rules
  // and errors; NotFound if the stream does not exist). One atomic write each.
  Result<StreamDescription> SplitShard(const std::string& name, uint32_t shard, HashKey new_starting_hash_key);
  Result<StreamDescription> MergeShards(const std::string& name, uint32_t shard, uint32_t adjacent_shard);
  Result<StreamDescription> UpdateShardCount(const std::string& name, uint32_t target_open_shards);

  // Puts `records` as one atomic batch and returns each record's shard and sequence number,
  // in input order. Records go to the stream's open shards at the time of the write (not
  // necessarily those of `stream`, which names the stream by id and name only).
  // Errors: InvalidArgument (limits, checked before anything is written); NotFound if the
  // stream was deleted.
  Result<std::vector<PutResult>> Put(const StreamDescription& stream, const std::vector<PutRecord>& records);

  // For writers that put records together with other changes in one batch (the consumer's
  // dead letters): routes and numbers `records` and appends them to `batch`. Records are not
  // checked against the limits. REQUIRES: called from inside a Db::PrepareFn of the Write that
  // commits `batch`.
  Status AppendRecords(const StreamDescription& stream, const std::vector<PutRecord>& records, uint64_t arrival_ms,
                       storage::Batch* batch, std::vector<PutResult>* results);

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
  // A record encoded into a batch, waiting for its shard, sequence number and arrival time.
  struct Encoded {
    HashKey hash = 0;
    storage::Batch::Location at;
  };
  // The open shards of one stream in hash order: routing is a binary search over `starts`.
  struct Routing {
    std::vector<HashKey> starts;
    std::vector<uint32_t> shards;
    uint32_t Route(HashKey hash) const;
  };

  // Hashes `records` and appends them to `batch` with placeholders (no lock needed).
  static Status Encode(const StreamDescription& stream, const std::vector<PutRecord>& records, storage::Batch* batch,
                       std::vector<Encoded>* encoded);
  // Routes, numbers and timestamps encoded records, patching `batch`. Called inside prepare.
  Status Number(const StreamDescription& stream, const std::vector<Encoded>& encoded, uint64_t arrival_ms,
                storage::Batch* batch, std::vector<PutResult>* results) REQUIRES(seq_mu_);
  // Next sequence for the shard; loads it from the log the first time.
  Result<uint64_t*> NextSequence(uint32_t stream_id, uint32_t shard) REQUIRES(seq_mu_);
  // The open shards of the stream, loaded from its description the first time.
  Result<const Routing*> RoutingFor(const StreamDescription& stream) REQUIRES(seq_mu_);
  // Forgets what is cached about the stream (after a failed write, or its deletion).
  void Forget(uint32_t stream_id, const std::string& name) REQUIRES(seq_mu_);
  static Routing MakeRouting(const StreamDescription& stream);
  Result<StreamDescription> CreateChecked(const std::string& name, uint32_t shard_count, uint32_t retention_hours);
  // Reads the description, applies `change`, closes shards at their real last sequence
  // numbers, and writes it, all inside the writer queue.
  Result<StreamDescription> ChangeDescription(const std::string& name,
                                              const std::function<Status(StreamDescription*, uint64_t now_ms)>& change);

  storage::Db* const db_;
  storage::Mutex seq_mu_;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> next_sequence_ GUARDED_BY(seq_mu_);
  std::map<uint32_t, Routing> routing_ GUARDED_BY(seq_mu_);  // by stream id
  uint64_t last_arrival_ms_ GUARDED_BY(seq_mu_) = 0;
  // The description each ChangeDescription wrote last, by name: the next change reads it,
  // not the meta family, because the previous write may still wait in the writer queue.
  std::map<std::string, StreamDescription> changed_ GUARDED_BY(seq_mu_);
  mutable storage::Mutex put_mu_;
  std::condition_variable_any put_cv_;  // waits on put_mu_
  uint64_t put_version_ GUARDED_BY(put_mu_) = 0;
};

// The first sequence number kept in the shard after retention (0 if nothing was ever trimmed).
Result<uint64_t> TrimHorizon(const storage::Db& db, uint32_t stream_id, uint32_t shard);

uint64_t NowMs();

}  // namespace freshet::stream
