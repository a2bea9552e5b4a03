// Consumer: moves a stream's records into tables exactly once, as a pipeline spec says.
//
// For each shard it reads a batch from just after its cursor, maps every record to items
// (record_mapper.h), and commits the items, the advanced cursor and any dead letters in ONE
// Db::Write. A crash therefore leaves either the whole step or none of it: after a restart
// the consumer resumes at the committed cursor, and no record is lost or applied twice.
// Records that cannot be applied go to the dead-letter stream with their shard, sequence
// number and reason, in that same write. Merge targets read the committed item once per
// batch and fold every record's attributes into it in sequence order, so the result does not
// depend on where batches start or end.
//
// A step is pipelined: while step k's write is being synced, step k+1 is read, mapped and
// folded on a small pool of threads kept for the consumer's life (worker_pool.h), against the
// items step k wrote (kept in memory until k+1 is folded), so reads and mapping overlap the
// fsync. Step k+1 is committed only after step k's write succeeded; if a write fails, the read-
// ahead is dropped and reading resumes after the last committed step. A record is parsed once
// (record_mapper.h), each item's key and value encoded once and written as they are. Memory is
// bounded by two steps' records and items.
//
// Resharding: a closed shard is read to its end before any of its children, so records of one
// partition key are applied in put order across a split or merge. A child whose parents this
// consumer read (or committed a cursor on) starts at its first record; a shard that has
// parents only in shards the consumer never read starts at ConsumerOptions::start. Reaching
// the end of a shard it read commits the shard's cursor at its ending sequence number, so a
// restart knows the parent is done.
//
// Thread-safety: one thread drives a Consumer. Other threads may put to the stream. The notice
// callback may be called from a pool thread (never two at once).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "query/table_store.h"
#include "stream/consumer/pipeline_spec.h"
#include "stream/consumer/record_mapper.h"
#include "stream/consumer/worker_pool.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

// Bounds of one step across all shards (the per-shard batch shrinks when there are many shards;
// every shard still gets at least 16 records a step, and a record is never split).
inline constexpr size_t kMaxStepRecords = 8192;
inline constexpr size_t kMaxStepBytes = 32 << 20;

struct ConsumerOptions {
  size_t batch = 1000;  // records per shard per step (a step is one atomic write)
  Position start;       // where a shard without a cursor starts (trim horizon by default)
  // Called with a one-line notice (records missed to retention); may be null.
  std::function<void(const std::string&)> notice;
};

struct ConsumeStats {
  uint64_t records_read = 0;
  uint64_t items_written = 0;  // item puts committed (an item merged by 3 records in one batch counts once)
  uint64_t rejected = 0;       // records sent to the dead-letter stream
  uint64_t missed = 0;         // records removed by retention before they were applied
  uint64_t batches = 0;
};

class Consumer {
 public:
  // Resolves (or, with create_if_missing, creates) the stream, the dead-letter stream and the
  // target tables, and checks the spec's keys against the tables. `log` must outlive this.
  static Result<std::unique_ptr<Consumer>> Open(StreamLog* log, PipelineSpec spec, ConsumerOptions options);

  // One batch from every shard, committed in one write. Returns how many records were read.
  Result<size_t> Step();
  // Steps until every shard is at its tip (or stop() returns true).
  Status Drain(const std::function<bool()>& stop);
  // Steps until stop() returns true; waits for puts when caught up, without spinning, and trims
  // expired records once a minute. `on_idle` (may be null) runs while waiting.
  Status Follow(const std::function<bool()>& stop, const std::function<void()>& on_idle);

  const ConsumeStats& stats() const { return stats_; }
  const PipelineSpec& spec() const { return spec_; }
  const StreamDescription& stream() const { return stream_; }
  const StreamDescription& dead_letter_stream() const { return dlq_; }

 private:
  struct ShardState {
    bool loaded = false;
    uint64_t next = 0;               // next sequence number to read
    bool finished = false;           // a closed shard read to its end (and its cursor committed)
    bool consumed = false;           // read by this consumer: its children start at their first record
    std::optional<uint64_t> cursor;  // the cursor last written for it
  };
  struct Prepared;  // one step read, mapped, folded and encoded, waiting for its write (consumer_step.cc)
  struct PreparedDeleter {
    void operator()(Prepared* p) const;
  };
  using PreparedPtr = std::unique_ptr<Prepared, PreparedDeleter>;

  Consumer(StreamLog* log, PipelineSpec spec, ConsumerOptions options);
  Status Resolve();
  // Re-reads the stream's description (resharding adds shards). FailedPrecondition if the stream
  // was deleted and created again.
  Status Refresh();
  // Whether every parent of `shard` is finished, or reaches its end in this step (`ended`).
  bool ParentsDone(uint32_t shard, const std::vector<bool>& ended) const;
  // The next batch of the shard after its cursor (loading the cursor the first time).
  Result<ReadResult> ReadBatch(uint32_t shard);
  Status CheckMissed(uint32_t shard, uint64_t first_available);

  // Reads the next batch of every shard and builds its write. `prev` (may be null) is the step
  // whose write is in flight: its items are the base for merges of the same keys (and are moved
  // out of it). Advances the shards' read positions (RestorePositions undoes it).
  Status Prepare(Prepared* prev, Prepared* out);
  // Sets the shards' read positions and states back to where `step` started reading.
  void RestorePositions(const Prepared& step);
  // Runs on the calling thread and the pool: map every record, read the merge bases, encode.
  Status Fold(Prepared* prev, Prepared* out);

  StreamLog* const log_;
  storage::Db* const db_;
  const PipelineSpec spec_;
  const ConsumerOptions options_;
  query::TableStore tables_;
  StreamDescription stream_, dlq_;
  std::unique_ptr<RecordMapper> mapper_;
  std::vector<ShardState> shards_;
  size_t shard_batch_ = 0;  // records and bytes read from a shard per step (see kMaxStepRecords)
  size_t shard_bytes_ = 0;
  ConsumeStats stats_;
  std::unique_ptr<WorkerPool> pool_;
  PreparedPtr ahead_;  // the next step, read while the last one was synced (or null)
};

}  // namespace freshet::stream
