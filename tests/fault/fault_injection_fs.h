// FaultInjectionFs: a rocksdb::FileSystem for tests that can simulate a power cut and inject
// I/O errors, after LevelDB's FaultInjectionTestEnv (db/fault_injection_test.cc), which the
// installed RocksDB does not ship.
//
// Power-loss model. Every byte goes to the real file at once (so reads see it, as they would
// see the page cache), and the wrapper remembers, per file, how many bytes a Sync or Fsync
// made durable, and per directory which entries (creations, renames) no directory fsync has
// made durable yet. SimulatePowerCut() then does what losing the page cache does:
//   - every tracked file is truncated to its last synced size, or optionally to a random
//     point of its unsynced tail. RangeSync does not count: sync_file_range(2) persists no
//     metadata, so the file size it wrote may be lost;
//   - every file created since its directory's last fsync is deleted, and a file that a
//     rename replaced gets its previous contents back (RocksDB writes CURRENT by rename).
// The real Sync/Fsync calls are skipped (the model decides what is durable), so tests do not
// wait for the disk. Not modelled (as in LevelDB's and RocksDB's own test file systems):
// deletions are durable at once, and a rename whose source was already durable is durable at
// once. Unsynced bytes are lost as a suffix of each file, never as a hole in the middle.
//
// Use: SetActive(false), or CutBefore(n), at the moment of the cut: from then on every
// mutating call fails with IOError, so nothing the process does afterwards (its shutdown
// included) reaches "disk". Close the database, call SimulatePowerCut(), reopen on a fresh env.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace freshet::test {

class FaultInjectionFs : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault {
    kSyncError,   // Sync/Fsync of a file (or fsync of a directory) returns IOError
    kWriteError,  // Append returns IOError
    kNoSpace,     // Append returns NoSpace (ENOSPC)
  };

  FaultInjectionFs();

  // A new Env that runs on `fs` (which must outlive it); pass env.get() as OpenOptions::env.
  static std::unique_ptr<rocksdb::Env> NewEnv(const std::shared_ptr<FaultInjectionFs>& fs);

  // Internal: the kind of call being checked (every mutating call fails while the power is
  // off; an armed fault fails only calls of its kind).
  enum class Op { kMutate, kAppend, kSync };

  const char* Name() const override { return "FaultInjectionFs"; }

  // While inactive ("the power is off"), every call that would change a file fails.
  void SetActive(bool active);
  bool active() const;
  // Turns the power off just before the `n`-th next mutating call (n >= 1), so a cut lands at
  // a random point of whatever the database is doing (a WAL append, a sync, a flush, a rename).
  void CutBefore(int n);

  // Makes the next `count` operations of kind `fault` (all of them if count < 0) on files whose
  // name ends with `file_suffix` (e.g. ".log" for the WAL; empty: any file) fail.
  void Inject(Fault fault, int count, const std::string& file_suffix = "");
  void ClearFaults();
  // How many injected faults have fired so far.
  int faults_fired() const;

  // Drops what a power cut would lose (see the file comment) and forgets all state.
  // With `torn_tails`, each file instead keeps a random part of its unsynced tail (the page
  // cache was partly written back), so the last WAL record may be cut in the middle.
  // Returns the first error met while doing so (the test must then fail: the cut is not real).
  // REQUIRES: no database is open on this file system.
  rocksdb::IOStatus SimulatePowerCut(std::mt19937_64* torn_tails = nullptr);

  // Bytes written but not yet synced, over all tracked files (for test diagnostics).
  uint64_t UnsyncedBytes() const;

  // FileSystem overrides: track state, or fail when inactive or a fault is armed.
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old_f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& s, const std::string& t, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& f, size_t size, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteDir(const std::string& d, const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;

 private:
  friend class TrackedFile;
  friend class TrackedDirectory;

  struct FileState {
    uint64_t size = 0;    // bytes that reached the real file
    uint64_t synced = 0;  // bytes a Sync/Fsync made durable
  };
  // What a directory fsync would make durable: per directory, entry name -> the contents the
  // name had before (nullopt: it did not exist, so the cut deletes it).
  using PendingEntries = std::map<std::string, std::optional<std::string>>;

  // Returns the error to fail an operation with: power off, or an armed fault that matches.
  rocksdb::IOStatus CheckLocked(const std::string& fname, Op op);
  rocksdb::IOStatus Check(const std::string& fname, Op op);
  // Check for a file sync; *covered receives the bytes written so far (what the sync covers).
  rocksdb::IOStatus CheckSync(const std::string& fname, uint64_t* covered);
  rocksdb::IOStatus WrapNewFile(const std::string& f, bool created, uint64_t initial_size,
                                std::unique_ptr<rocksdb::FSWritableFile>* r);
  // Called by TrackedFile / TrackedDirectory.
  void OnAppend(const std::string& f, uint64_t n);
  void OnWriteAt(const std::string& f, uint64_t end_offset);
  void OnTruncate(const std::string& f, uint64_t size);
  void OnSync(const std::string& f, uint64_t covered);
  void OnDirSync(const std::string& dir);
  void AddPendingLocked(const std::string& path, std::optional<std::string> previous);

  mutable std::mutex mu_;
  bool active_ = true;                                  // guarded by mu_
  int countdown_ = 0;                                   // guarded by mu_; 0: no cut armed
  std::map<std::string, FileState> files_;              // guarded by mu_
  std::map<std::string, PendingEntries> pending_dirs_;  // guarded by mu_; key: directory
  struct Armed {
    Fault fault;
    int remaining;  // < 0: forever
    std::string suffix;
  };
  std::optional<Armed> armed_;  // guarded by mu_
  int fired_ = 0;               // guarded by mu_
};

}  // namespace freshet::test
