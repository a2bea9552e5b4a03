// MappingRunner: runs one event-source mapping: reads each shard of the stream after its
// checkpoint, invokes the function with Lambda's Kinesis event, and commits the checkpoint when the
// invocation succeeds, as Lambda's event-source mapping does.
//
// Semantics (Lambda's, for Kinesis):
// - Per shard, records in sequence order and one batch in flight; a shard waits until its parents
//   (resharding) are read to their end. Batches hold up to BatchSize records; with a batching window
//   a short batch waits until its first record is that old.
// - Success: the checkpoint (a cursor, stream/consumer/cursors.h) moves past the batch, in one
//   Db::Write with the invocation's staged writes when the mapping is exactly once (below).
// - Failure (function error, or the function could not run): retried with exponential backoff; with
//   BisectBatchOnFunctionError the batch is split in two first (splitting does not count as a retry,
//   as on AWS). With ReportBatchItemFailures a successful response naming failed records
//   checkpoints before the first of them and retries from there (exactly once: the records before
//   it are invoked again on their own, so that the writes committed are those of an invocation that
//   succeeded whole).
// - Records past MaximumRetryAttempts, or older than MaximumRecordAgeInSeconds, are given up: a
//   Lambda OnFailure record (kinesis_event.h) goes to the OnFailure stream (if set) in the SAME
//   write as the checkpoint moving past them.
// - Exactly once: the invoker's before_event hook binds the worker's access key to a fresh
//   storage::StagedWrites (StagingRegistry) for the invocation; the request dispatcher stages the
//   worker's writes to freshet's tables there; success commits them with the checkpoint, failure
//   discards them.
//
// What is lost on a crash: only in-memory retry counts and read-ahead; a restart resumes at each
// shard's committed checkpoint.
//
// Thread-safety: one thread drives a MappingRunner (Step / Run); with parallel_shards > 1, Step runs
// the ready shards' steps on threads of its own and joins them before it returns. Stats may be read
// from other threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/staged_writes.h"
#include "stream/functions/invoker.h"
#include "stream/functions/kinesis_event.h"
#include "stream/functions/mapping.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

struct MappingRunnerOptions {
  EventNames names;
  uint64_t backoff_base_ms = 200;                  // first retry after this; doubles per attempt
  uint64_t backoff_max_ms = 30000;                 // at most this between retries
  std::function<uint64_t()> now_ms;                // the clock (default NowMs); tests move it
  std::function<void(const std::string&)> notice;  // one-line notices; may be null
  // Shards stepped at once: each ready shard's next batch is invoked on its own thread, up to this
  // many together (still one batch in flight per shard, in order). 1 steps them one after another.
  // The invoker must then take concurrent calls (the function runtime's worker pool does).
  size_t parallel_shards = 1;
};

struct MappingStats {
  std::atomic<uint64_t> invocations{0};
  std::atomic<uint64_t> failed_invocations{0};
  std::atomic<uint64_t> records_done{0};      // records checkpointed after a successful invocation
  std::atomic<uint64_t> records_given_up{0};  // records sent to OnFailure (or dropped without one)
  std::atomic<uint64_t> commits{0};
};

class MappingRunner {
 public:
  // `log` and `invoker` are not owned and must outlive this.
  MappingRunner(StreamLog* log, Invoker* invoker, EventSourceMapping mapping, MappingRunnerOptions options);
  ~MappingRunner();

  // One pass over the shards: at most one invocation (or one give-up commit) per ready shard.
  // Returns how many shards did something (0: nothing to do now; see next_wake_ms).
  // Errors: the stream was deleted or re-created (FailedPrecondition), read or write errors.
  Result<size_t> Step();
  // Steps until `stop` returns true, waiting for puts (or the next retry) when there is nothing to
  // do. Errors are reported through options.notice and retried after a second.
  void Run(const std::function<bool()>& stop);
  // Steps until no shard has anything to do now (every shard at its tip or waiting for a retry).
  Status Drain(const std::function<bool()>& stop);

  // When a shard waiting for a retry or a batching window becomes ready (0: none waits).
  uint64_t next_wake_ms() const { return next_wake_ms_; }
  const MappingStats& stats() const { return stats_; }
  const EventSourceMapping& mapping() const { return mapping_; }
  std::string last_result() const;

 private:
  struct Range {
    size_t begin = 0, end = 0;
    int64_t attempts = 0;  // failed invocations of these records so far
  };
  struct ShardState {
    bool loaded = false;
    std::optional<uint64_t> cursor;  // committed checkpoint (last done sequence)
    bool finished = false;           // closed and done to its end
    std::vector<Record> batch;       // read, not yet all committed
    std::deque<Range> work;          // what of `batch` remains, in order
    uint64_t not_before_ms = 0;
  };

  uint64_t Now() const;
  Status Refresh();
  bool ParentsFinished(uint32_t shard) const;
  // Does the next thing for a shard whose parents are finished; returns whether it did something.
  // Touches only that shard's state (and thread-safe members), so shards may step concurrently.
  Result<bool> StepShard(uint32_t shard);
  Status ReadNext(uint32_t shard, bool* did);
  Result<bool> GiveUpExpired(uint32_t shard);
  Result<bool> InvokeFront(uint32_t shard);
  // Commits the checkpoint at `sequence` with `staged` (may be null) and, if `failure` is set, an
  // OnFailure record for batch[range] in one write.
  Status Commit(uint32_t shard, uint64_t sequence, storage::StagedWrites* staged,
                const std::optional<FailureInfo>& failure, size_t begin, size_t end);
  // After [.., end) of the batch is committed: drops the front range and the batch when done.
  void Advance(ShardState& s);

  StreamLog* const log_;
  Invoker* const invoker_;
  EventSourceMapping mapping_;
  const MappingRunnerOptions options_;
  const std::string cursor_name_;
  StreamDescription stream_;
  std::vector<ShardState> shards_;
  uint64_t next_wake_ms_ = 0;
  uint64_t refreshed_ms_ = 0;
  MappingStats stats_;
  mutable std::mutex result_mu_;
  std::string last_result_ = "No records processed";
};

}  // namespace freshet::stream
