#include "tests/fault/fault_injection_fs.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace freshet::test {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// Splits "/a/b/000012.log" into {"/a/b", "000012.log"}; RocksDB always joins with one '/'.
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string NormalizeDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

using Op = FaultInjectionFs::Op;

class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(FaultInjectionFs* fs, std::string name, std::unique_ptr<rocksdb::FSWritableFile> f)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->Check(name_, Op::kAppend);
    if (s.ok()) s = target()->Append(data, o, dbg);
    if (s.ok()) fs_->OnAppend(name_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo&,
                  IODebugContext* dbg) override {
    return Append(data, o, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->Check(name_, Op::kAppend);
    if (s.ok()) s = target()->PositionedAppend(data, offset, o, dbg);
    if (s.ok()) fs_->OnWriteAt(name_, offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo&, IODebugContext* dbg) override {
    return PositionedAppend(data, offset, o, dbg);
  }
  IOStatus Truncate(uint64_t size, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->Check(name_, Op::kMutate);
    if (s.ok()) s = target()->Truncate(size, o, dbg);
    if (s.ok()) fs_->OnTruncate(name_, size);
    return s;
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->Check(name_, Op::kMutate);
    return s.ok() ? target()->Flush(o, dbg) : s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override { return DoSync(false, o, dbg); }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override { return DoSync(true, o, dbg); }
  // Passed through but not counted as durable: sync_file_range(2) does not persist metadata.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->Check(name_, Op::kMutate);
    return s.ok() ? target()->RangeSync(offset, nbytes, o, dbg) : s;
  }
  // Closing makes nothing durable; it is allowed while the power is off so shutdown can free
  // descriptors (what was written stays subject to the cut).
  IOStatus Close(const IOOptions& o, IODebugContext* dbg) override { return target()->Close(o, dbg); }

 private:
  IOStatus DoSync(bool full, const IOOptions& o, IODebugContext* dbg) {
    // Only what was written before the sync started is known durable after it: an append
    // racing with the sync may or may not be covered.
    uint64_t covered = 0;
    IOStatus s = fs_->CheckSync(name_, &covered);
    // The real fsync is skipped: durability here is the model's, and a test machine's disk
    // would make every acknowledged put cost milliseconds for nothing.
    (void)full;
    (void)o;
    (void)dbg;
    if (s.ok()) fs_->OnSync(name_, covered);
    return s;
  }

  FaultInjectionFs* const fs_;
  const std::string name_;
};

class TrackedDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  TrackedDirectory(FaultInjectionFs* fs, std::string dir, std::unique_ptr<rocksdb::FSDirectory> d)
      : FSDirectoryWrapper(std::move(d)), fs_(fs), dir_(std::move(dir)) {}

  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    (void)o;
    (void)dbg;
    IOStatus s = fs_->Check(dir_, Op::kSync);  // as for files, the real fsync is skipped
    if (s.ok()) fs_->OnDirSync(dir_);
    return s;
  }
  IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* dbg, const rocksdb::DirFsyncOptions&) override {
    return Fsync(o, dbg);
  }

 private:
  FaultInjectionFs* const fs_;
  const std::string dir_;
};

FaultInjectionFs::FaultInjectionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void FaultInjectionFs::SetActive(bool active) {
  std::lock_guard lock(mu_);
  active_ = active;
}

void FaultInjectionFs::CutBefore(int n) {
  std::lock_guard lock(mu_);
  countdown_ = n;
}

bool FaultInjectionFs::active() const {
  std::lock_guard lock(mu_);
  return active_;
}

void FaultInjectionFs::Inject(Fault fault, int count, const std::string& file_suffix) {
  std::lock_guard lock(mu_);
  armed_ = Armed{fault, count, file_suffix};
}

void FaultInjectionFs::ClearFaults() {
  std::lock_guard lock(mu_);
  armed_.reset();
}

int FaultInjectionFs::faults_fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

IOStatus FaultInjectionFs::CheckLocked(const std::string& fname, Op op) {
  if (countdown_ > 0 && --countdown_ == 0) active_ = false;
  if (!active_) {
    // Marked as data loss so RocksDB treats it as unrecoverable and does not schedule its
    // auto-resume (which makes Close wait about a second): a powered-off process just dies.
    IOStatus off = IOStatus::IOError("simulated power cut, file system is off", fname);
    off.SetDataLoss(true);
    return off;
  }
  if (!armed_ || armed_->remaining == 0 || !EndsWith(fname, armed_->suffix)) return IOStatus::OK();
  const Fault f = armed_->fault;
  const bool matches = (op == Op::kSync && f == Fault::kSyncError) ||
                       (op == Op::kAppend && (f == Fault::kWriteError || f == Fault::kNoSpace));
  if (!matches) return IOStatus::OK();
  if (armed_->remaining > 0) --armed_->remaining;
  ++fired_;
  switch (f) {
    case Fault::kSyncError: return IOStatus::IOError("injected fsync failure", fname);
    case Fault::kWriteError: return IOStatus::IOError("injected write failure", fname);
    case Fault::kNoSpace: return IOStatus::NoSpace("injected", fname);
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::Check(const std::string& fname, Op op) {
  std::lock_guard lock(mu_);
  return CheckLocked(fname, op);
}

IOStatus FaultInjectionFs::CheckSync(const std::string& fname, uint64_t* covered) {
  std::lock_guard lock(mu_);
  *covered = files_[fname].size;
  return CheckLocked(fname, Op::kSync);
}

void FaultInjectionFs::OnAppend(const std::string& f, uint64_t n) {
  std::lock_guard lock(mu_);
  files_[f].size += n;
}

void FaultInjectionFs::OnWriteAt(const std::string& f, uint64_t end_offset) {
  std::lock_guard lock(mu_);
  FileState& st = files_[f];
  if (end_offset > st.size) st.size = end_offset;
}

void FaultInjectionFs::OnTruncate(const std::string& f, uint64_t size) {
  std::lock_guard lock(mu_);
  FileState& st = files_[f];
  st.size = size;
  if (st.synced > size) st.synced = size;
}

void FaultInjectionFs::OnSync(const std::string& f, uint64_t covered) {
  std::lock_guard lock(mu_);
  FileState& st = files_[f];
  if (covered > st.synced) st.synced = covered;
}

void FaultInjectionFs::OnDirSync(const std::string& dir) {
  std::lock_guard lock(mu_);
  pending_dirs_.erase(NormalizeDir(dir));
}

void FaultInjectionFs::AddPendingLocked(const std::string& path, std::optional<std::string> previous) {
  auto [dir, name] = SplitPath(path);
  PendingEntries& entries = pending_dirs_[dir];
  // If the name is already pending, the cut restores what it was before THAT change.
  entries.emplace(name, std::move(previous));
}

IOStatus FaultInjectionFs::WrapNewFile(const std::string& f, bool created, uint64_t initial_size,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r) {
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(f);
    if (created || it == files_.end()) files_[f] = FileState{initial_size, initial_size};
    if (created) AddPendingLocked(f, std::nullopt);
  }
  *r = std::make_unique<TrackedFile>(this, f, std::move(*r));
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                           std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  IOStatus s = Check(f, Op::kMutate);
  if (!s.ok()) return s;
  const bool existed = target()->FileExists(f, IOOptions(), nullptr).ok();
  s = target()->NewWritableFile(f, o, r, dbg);
  if (!s.ok()) return s;
  // An existing file is truncated in place: its name was durable already.
  return WrapNewFile(f, !existed, 0, r);
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                              std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  IOStatus s = Check(f, Op::kMutate);
  if (!s.ok()) return s;
  uint64_t size = 0;
  const bool existed = target()->GetFileSize(f, IOOptions(), &size, nullptr).ok();
  s = target()->ReopenWritableFile(f, o, r, dbg);
  if (!s.ok()) return s;
  return WrapNewFile(f, !existed, size, r);
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& f, const std::string& old_f,
                                             const rocksdb::FileOptions& o, std::unique_ptr<rocksdb::FSWritableFile>* r,
                                             IODebugContext* dbg) {
  IOStatus s = RenameFile(old_f, f, IOOptions(), dbg);
  if (!s.ok()) return s;
  return ReopenWritableFile(f, o, r, dbg);
}

IOStatus FaultInjectionFs::NewDirectory(const std::string& name, const IOOptions& o,
                                        std::unique_ptr<rocksdb::FSDirectory>* r, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> d;
  IOStatus s = target()->NewDirectory(name, o, &d, dbg);
  if (s.ok()) *r = std::make_unique<TrackedDirectory>(this, NormalizeDir(name), std::move(d));
  return s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& f, const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = Check(f, Op::kMutate);
  if (s.ok()) s = target()->DeleteFile(f, o, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(f);
    auto [dir, name] = SplitPath(f);
    auto it = pending_dirs_.find(dir);
    if (it != pending_dirs_.end()) it->second.erase(name);
  }
  return s;
}

IOStatus FaultInjectionFs::RenameFile(const std::string& s, const std::string& t, const IOOptions& o,
                                      IODebugContext* dbg) {
  IOStatus st = Check(t, Op::kMutate);
  if (!st.ok()) return st;
  // Keep what the target held, so a cut before the directory sync can put it back. The files
  // RocksDB renames over (CURRENT, IDENTITY) are tiny.
  std::optional<std::string> previous;
  std::string contents;
  if (target()->FileExists(t, IOOptions(), nullptr).ok() && rocksdb::ReadFileToString(target(), t, &contents).ok()) {
    previous = std::move(contents);
  }
  st = target()->RenameFile(s, t, o, dbg);
  if (!st.ok()) return st;
  std::lock_guard lock(mu_);
  auto node = files_.extract(s);
  if (!node.empty()) {
    node.key() = t;
    files_.erase(t);
    files_.insert(std::move(node));
  }
  auto [sdir, sname] = SplitPath(s);
  auto it = pending_dirs_.find(sdir);
  if (it != pending_dirs_.end() && it->second.erase(sname) > 0) AddPendingLocked(t, std::move(previous));
  return st;
}

IOStatus FaultInjectionFs::LinkFile(const std::string& s, const std::string& t, const IOOptions& o,
                                    IODebugContext* dbg) {
  IOStatus st = Check(t, Op::kMutate);
  if (st.ok()) st = target()->LinkFile(s, t, o, dbg);
  if (st.ok()) {
    std::lock_guard lock(mu_);
    AddPendingLocked(t, std::nullopt);
  }
  return st;
}

IOStatus FaultInjectionFs::Truncate(const std::string& f, size_t size, const IOOptions& o, IODebugContext* dbg) {
  (void)o;
  (void)dbg;
  IOStatus s = Check(f, Op::kMutate);
  if (!s.ok()) return s;
  // truncate(2) itself: the default FileSystem does not implement Truncate.
  if (::truncate(f.c_str(), static_cast<off_t>(size)) != 0) {
    return IOStatus::IOError("truncate " + f, std::strerror(errno));
  }
  OnTruncate(f, size);
  return s;
}

IOStatus FaultInjectionFs::CreateDir(const std::string& d, const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = Check(d, Op::kMutate);
  return s.ok() ? target()->CreateDir(d, o, dbg) : s;
}

IOStatus FaultInjectionFs::CreateDirIfMissing(const std::string& d, const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = Check(d, Op::kMutate);
  return s.ok() ? target()->CreateDirIfMissing(d, o, dbg) : s;
}

IOStatus FaultInjectionFs::DeleteDir(const std::string& d, const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = Check(d, Op::kMutate);
  return s.ok() ? target()->DeleteDir(d, o, dbg) : s;
}

rocksdb::IOStatus FaultInjectionFs::SimulatePowerCut(std::mt19937_64* torn_tails) {
  std::lock_guard lock(mu_);
  IOStatus result;
  // Truncate first, then undo directory changes: a renamed-over file gets its old bytes back.
  for (const auto& [name, st] : files_) {
    uint64_t real = 0;
    if (!target()->GetFileSize(name, IOOptions(), &real, nullptr).ok() || real <= st.synced) continue;
    const uint64_t keep = torn_tails ? st.synced + (*torn_tails)() % (real - st.synced + 1) : st.synced;
    if (keep == real) continue;
    // truncate(2) itself: the default FileSystem does not implement Truncate.
    if (::truncate(name.c_str(), static_cast<off_t>(keep)) != 0 && result.ok()) {
      result = IOStatus::IOError("power cut: cannot truncate " + name, std::strerror(errno));
    }
  }
  for (const auto& [dir, entries] : pending_dirs_) {
    for (const auto& [name, previous] : entries) {
      const std::string path = dir + "/" + name;
      IOStatus s = previous ? rocksdb::WriteStringToFile(target(), *previous, path, true)
                            : target()->DeleteFile(path, IOOptions(), nullptr);
      if (!s.ok() && !s.IsPathNotFound() && result.ok()) result = s;
    }
  }
  files_.clear();
  pending_dirs_.clear();
  armed_.reset();
  countdown_ = 0;
  active_ = true;
  return result;
}

uint64_t FaultInjectionFs::UnsyncedBytes() const {
  std::lock_guard lock(mu_);
  uint64_t total = 0;
  for (const auto& [name, st] : files_) total += st.size - st.synced;
  return total;
}

}  // namespace freshet::test
