// StagedWrites: writes held in memory, readable as if written, until they are committed together
// with something else in one atomic Db::Write, or discarded. This is how a function invocation's
// writes to freshet's own tables commit with its event-source mapping's checkpoint (exactly once).
//
// While a StagingScope is alive on a thread, that thread's Db::Write (without a PrepareFn), Db::Get
// and Db::NewIterator on the staged Db go through the StagedWrites: writes are staged instead of
// written, and reads see the staged writes over the database (RocksDB's WriteBatchWithIndex:
// GetFromBatchAndDB, NewIteratorWithBase). Writes WITH a PrepareFn (stream puts, which number
// records inside the writer queue) are not staged: they are written at once (at least once).
// Range deletes cannot be staged (Stage answers FailedPrecondition): deleting a table inside an
// invocation is refused rather than half staged.
//
// StagingRegistry maps a name (a function worker's access key) to the StagedWrites of the
// invocation that worker runs, so the request dispatcher can open a StagingScope for requests
// signed with that key.
//
// Thread-safety: StagedWrites is safe to use from several threads (a shared mutex: readers and
// iterators share, Stage and Clear are exclusive; an iterator holds the shared lock while it lives,
// so a thread must not Stage while it holds an iterator of the same StagedWrites). StagingScope is
// per thread. StagingRegistry is safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "storage/batch.h"
#include "storage/db.h"
#include "storage/iterator.h"
#include "storage/status.h"

namespace freshet::storage {

class StagedWrites {
 public:
  // `db` is not owned and must outlive this.
  explicit StagedWrites(Db* db);
  ~StagedWrites();
  StagedWrites(const StagedWrites&) = delete;
  StagedWrites& operator=(const StagedWrites&) = delete;

  Db* db() const { return db_; }

  // Adds `batch`'s operations after those staged before. FailedPrecondition for a range delete
  // (nothing of `batch` is staged then).
  Status Stage(const Batch& batch);
  // As Db::Get, seeing the staged writes over the database.
  Status Get(Cf cf, std::string_view key, std::string* value) const;
  // As Db::NewIterator, seeing the staged writes over the database.
  std::unique_ptr<Iterator> NewIterator(Cf cf, std::string lower, std::string upper) const;
  // Appends every staged operation, in order, to `batch` (the commit).
  Status AppendTo(Batch* batch) const;
  // Operations staged so far.
  size_t count() const;
  // Forgets everything staged (the discard).
  void Clear();

 private:
  struct Impl;
  Db* const db_;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Impl> impl_;
};

// Routes this thread's Db calls on staged->db() through `staged` while alive (see the file
// comment). Scopes nest (the inner one wins until it ends). `staged` may be null (no effect).
class StagingScope {
 public:
  explicit StagingScope(StagedWrites* staged);
  ~StagingScope();
  StagingScope(const StagingScope&) = delete;
  StagingScope& operator=(const StagingScope&) = delete;

 private:
  StagedWrites* previous_;
};

// The StagedWrites this thread's calls on `db` go through, or null.
StagedWrites* CurrentStaging(const Db* db);

class StagingRegistry {
 public:
  static StagingRegistry& Global();
  void Bind(const std::string& name, std::shared_ptr<StagedWrites> staged);
  void Unbind(const std::string& name);
  // The StagedWrites bound to `name`, or null.
  std::shared_ptr<StagedWrites> Find(std::string_view name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<StagedWrites>, std::less<>> by_name_;
};

}  // namespace freshet::storage
