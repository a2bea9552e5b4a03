// Db: one freshet database (one RocksDB instance) in one data directory.
//
// Column families: meta (descriptions), log (stream records), items (table items), cursors
// (consumer positions); see codec.h for their key layouts.
//
// Durability: with OpenOptions::sync (the default) Write returns only after the batch is in
// the write-ahead log AND the log is fsynced, so an acknowledged write survives a power cut.
// Without it, Write returns once the batch is in the OS page cache: it survives a process crash
// but not a power cut, until the Db is destroyed (closed cleanly), which flushes everything.
// Concurrent Write calls form a queue; the writer at its head writes the whole queue as one
// RocksDB batch with one fsync (group commit), in queue order. A group of one is handed to
// RocksDB as it is; only a larger group is concatenated (as LevelDB's BuildBatchGroup does).
//
// Ownership: one read-write Db per data directory across all processes (RocksDB's LOCK file);
// a second read-write Open fails with FailedPrecondition naming the directory. Read-only Dbs
// are RocksDB secondary instances: any number of them may be open beside the writer and they
// see everything the writer had written when they opened (or last called CatchUp). A read view
// (Mode::kReadView, for one-shot commands) is a plain read-only instance when no process holds
// the directory for writing at open (no secondary directory to create and replay: a faster
// start), else a secondary; it sees the data as of its open, and CatchUp is a no-op when plain.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/batch.h"
#include "storage/iterator.h"
#include "storage/status.h"
#include "storage/thread_annotations.h"

namespace freshet::storage {

struct OpenOptions {
  // kReadOnly: a secondary instance that follows the writer (CatchUp). kReadView: see above.
  enum class Mode { kReadWrite, kReadOnly, kReadView };
  Mode mode = Mode::kReadWrite;
  // Acknowledge a write only after fsync of the write-ahead log (see the file comment).
  bool sync = true;
  // Whether destroying the Db flushes the memtables (see the file comment). Tests turn it off to
  // leave the data in the write-ahead log only, as a crash would.
  bool flush_on_close = true;
  // Test hook: a rocksdb::Env* to run the database on (e.g. a fault-injecting file system).
  // Null means the default environment. Not owned.
  void* env = nullptr;
};

// An estimate of what a key range holds; see Db::EstimateRange.
struct RangeEstimate {
  uint64_t keys = 0;   // live keys
  uint64_t bytes = 0;  // their keys and values, uncompressed
};

class Db {
 public:
  // Opens (creating if needed, in read-write mode) the database in `dir`.
  // Errors: FailedPrecondition if another process holds `dir` for writing; NotFound if
  // read-only and there is no database; Corruption naming the file if stored data is damaged.
  static Result<std::unique_ptr<Db>> Open(const std::string& dir, const OpenOptions& options);

  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  const std::string& dir() const { return dir_; }
  bool read_only() const { return read_only_; }
  // A kReadView opened as a plain read-only instance (no writer held the directory at open).
  bool plain_view() const { return plain_view_; }
  bool sync() const { return sync_; }

  // Sets *value and returns OK, or returns NotFound (and leaves *value unspecified).
  Status Get(Cf cf, std::string_view key, std::string* value) const;

  // Called with the writer queue locked (write_mu_), just before `batch` joins the queue.
  // Whatever it assigns (e.g. sequence numbers) is therefore assigned in the order batches are
  // written. It must be quick: encode before Write and only number or patch here. It must not
  // call Write. If it returns an error, nothing is written and Write returns it.
  using PrepareFn = std::function<Status(Batch*)>;

  // Applies `batch` atomically (all or nothing), durably per OpenOptions::sync.
  // Errors: FailedPrecondition on a read-only Db; IOError if the write or fsync failed (the
  // store may then refuse further writes: RocksDB stops on a background error).
  Status Write(Batch* batch, const PrepareFn& prepare = nullptr);

  // An iterator over [lower, upper) of `cf`; an empty `upper` means no upper bound.
  std::unique_ptr<Iterator> NewIterator(Cf cf, std::string lower, std::string upper) const;

  // Rewrites [begin, end) of `cf` so deleted data is physically removed.
  Status CompactRange(Cf cf, std::string_view begin, std::string_view end);
  // Approximate bytes stored for keys in [begin, end) of `cf`, memtables included.
  uint64_t ApproximateSize(Cf cf, std::string_view begin, std::string_view end) const;
  // Estimated keys and bytes in [begin, end) of `cf`, memtables included, from RocksDB's
  // metadata only: the cost grows with the number of files, not of keys (storage/range_estimate.cc
  // says how it is computed and when it is exact). Never fails: what cannot be estimated counts 0.
  RangeEstimate EstimateRange(Cf cf, std::string_view begin, std::string_view end) const;
  // Writes memtables to SST files (tests and benchmarks).
  Status Flush();
  // Read-only instances: catch up with what the writer has written since. No-op otherwise.
  Status CatchUp();

 private:
  friend struct DbInternals;  // storage/-internal access to the RocksDB instance (snapshot.cc)
  struct Impl;
  struct Writer;
  static Result<std::unique_ptr<Db>> Finish(const std::string& dir, const OpenOptions& options,
                                            std::unique_ptr<Impl> impl, bool read_only);
  Db(std::string dir, bool read_only, bool sync, std::unique_ptr<Impl> impl);
  bool flush_on_close_ = true;
  Status WriteGroup(const std::vector<Writer*>& group) EXCLUDES(write_mu_);

  const std::string dir_;
  const bool read_only_;
  const bool sync_;
  std::unique_ptr<Impl> impl_;

  // Column family ids of this directory are those Batch writes (see batch_rep.h).
  bool batch_cf_ids_match_ = true;
  bool plain_view_ = false;  // a kReadView opened as a plain read-only instance: no CatchUp

  // Fills in the numbers of batch->sequenced() (see Batch::PutSequenced).
  Status AssignSequences(Batch* batch) REQUIRES(write_mu_);

  Mutex write_mu_;
  std::deque<Writer*> writers_ GUARDED_BY(write_mu_);  // head is the current leader
  // Next number per (cf byte + key prefix) of sequenced puts, loaded on first use.
  std::map<std::string, uint64_t> next_sequence_ GUARDED_BY(write_mu_);
};

// Enables per-thread counting of keys read by iterators and gets (RocksDB perf context).
void StartKeyReadCount();
// Keys this thread has read (user keys returned plus keys stepped over) since StartKeyReadCount.
uint64_t KeysReadSinceStart();

}  // namespace freshet::storage
