#include "storage/db.h"

#include <rocksdb/db.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/write_batch.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "storage/batch_rep.h"
#include "storage/codec.h"
#include "storage/db_internals.h"
#include "storage/db_options.h"
#include "storage/rocks_status.h"
#include "storage/staged_writes.h"

namespace freshet::storage {

namespace fs = std::filesystem;

struct Db::Impl {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // index 0 = default, then Cf order
  std::string secondary_dir;                          // read-only instances only

  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return handles[static_cast<int>(cf) + 1]; }

  ~Impl() {
    for (auto* h : handles) {
      if (h) db->DestroyColumnFamilyHandle(h);
    }
    if (db) {
      db->Close().PermitUncheckedError();
      delete db;
    }
    if (!secondary_dir.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_dir, ec);
    }
  }
};

// A Write call waiting in the queue. status and done are written under write_mu_.
struct Db::Writer {
  Batch* batch = nullptr;
  Status status;
  bool done = false;
  std::condition_variable_any cv;  // waits on write_mu_
};

namespace {

bool IsLockError(const rocksdb::Status& s) { return s.IsIOError() && s.ToString().find("lock") != std::string::npos; }

// RocksDB's Status for a damaged WAL record says only "checksum mismatch"; the file is named
// only in the warning it logs ("<file>: dropping N bytes; <reason>"). This logger keeps the
// first such line so Open can say which file is damaged.
class WalDropLogger : public rocksdb::LoggerWrapper {
 public:
  explicit WalDropLogger(std::shared_ptr<rocksdb::Logger> target)
      : LoggerWrapper(target.get()), target_(std::move(target)) {}
  using LoggerWrapper::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level >= rocksdb::InfoLogLevel::WARN_LEVEL && std::strstr(format, ": dropping ")) {
      char line[1024];
      va_list copy;
      va_copy(copy, ap);
      std::vsnprintf(line, sizeof(line), format, copy);
      va_end(copy);
      const char* text = std::strstr(line, "] ");  // after RocksDB's "[source:line] " prefix
      std::lock_guard lock(mu_);
      if (dropped_.empty()) dropped_ = text ? text + 2 : line;
    }
    LoggerWrapper::Logv(level, format, ap);
  }
  std::string dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
  }

 private:
  std::shared_ptr<rocksdb::Logger> target_;
  mutable std::mutex mu_;
  std::string dropped_;  // guarded by mu_
};

// The info log of a read-only (secondary) instance: discarded. Its only content is the options
// dump and the catch-up trace, written at every open of a one-shot command into a temporary
// directory deleted on close; writing it cost about a millisecond of each `freshet query`.
class DiscardLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// Whether some process holds a write lock on `dir`/LOCK (RocksDB's writer lock, an fcntl lock),
// read from /proc/locks rather than probed with fcntl: closing a descriptor of LOCK would drop
// the locks this process itself holds on it. Unknown (no /proc) counts as held.
bool WriterHoldsLock(const std::string& dir) {
  struct stat st;
  if (stat((dir + "/LOCK").c_str(), &st) != 0) return errno != ENOENT;
  std::FILE* f = std::fopen("/proc/locks", "r");
  if (!f) return true;
  char want[64];
  std::snprintf(want, sizeof want, "%02x:%02x:%llu ", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  char line[512];
  bool held = false;
  while (!held && std::fgets(line, sizeof line, f)) held = std::strstr(line, want) != nullptr;
  std::fclose(f);
  return held;
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const std::string& dir, const OpenOptions& options) {
  rocksdb::DBOptions db_options = MakeDbOptions();
  if (options.env) db_options.env = static_cast<rocksdb::Env*>(options.env);
  auto impl = std::make_unique<Impl>();
  const bool read_only = options.mode != OpenOptions::Mode::kReadWrite;
  rocksdb::Status s;
  if (read_only) {
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
      return Status::NotFound("no freshet data directory at " + dir);
    }
    db_options.info_log = std::make_shared<DiscardLogger>();
    if (options.mode == OpenOptions::Mode::kReadView && !WriterHoldsLock(dir)) {
      // Every table file is opened here (max_open_files -1), so a writer that starts later and
      // deletes files in compaction cannot take them from under this view; should one start
      // during the open itself, the open fails and the secondary below is used instead.
      s = rocksdb::DB::OpenForReadOnly(db_options, dir, MakeCfDescriptors(), &impl->handles, &impl->db);
      if (s.ok()) return Finish(dir, options, std::move(impl), true);
      impl = std::make_unique<Impl>();
    }
    char tmpl[] = "/tmp/freshet-reader-XXXXXX";
    if (!mkdtemp(tmpl)) return Status::IOError("cannot create a temporary directory in /tmp");
    impl->secondary_dir = tmpl;
    db_options.create_if_missing = false;
    db_options.create_missing_column_families = false;
    s = rocksdb::DB::OpenAsSecondary(rocksdb::Options(db_options, rocksdb::ColumnFamilyOptions()), dir,
                                     impl->secondary_dir, MakeCfDescriptors(), &impl->handles, &impl->db);
    if (s.ok()) s = impl->db->TryCatchUpWithPrimary();
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());
    std::shared_ptr<WalDropLogger> wal_log;
    std::shared_ptr<rocksdb::Logger> info_log;
    if (rocksdb::CreateLoggerFromOptions(dir, db_options, &info_log).ok()) {
      db_options.info_log = wal_log = std::make_shared<WalDropLogger>(std::move(info_log));
    }
    s = rocksdb::DB::Open(db_options, dir, MakeCfDescriptors(), &impl->handles, &impl->db);
    if (IsLockError(s)) {
      return Status::FailedPrecondition("data directory " + dir +
                                        " is in use by another freshet process that writes to it");
    }
    if (s.IsCorruption() && wal_log && !wal_log->dropped().empty()) {
      return Status::Corruption("open " + dir + ": " + s.ToString() + " (write-ahead log " + wal_log->dropped() + ")");
    }
  }
  if (!s.ok()) return FromRocks(s, "open " + dir);
  return Finish(dir, options, std::move(impl), read_only);
}

Result<std::unique_ptr<Db>> Db::Finish(const std::string& dir, const OpenOptions& options, std::unique_ptr<Impl> impl,
                                       bool read_only) {
  bool ids_match = true;
  for (int c = 0; c < kNumCfs; ++c) {
    ids_match = ids_match && impl->handle(static_cast<Cf>(c))->GetID() == BatchCfId(static_cast<Cf>(c));
  }
  const bool plain_view = read_only && impl->secondary_dir.empty();
  std::unique_ptr<Db> db(new Db(dir, read_only, options.sync, std::move(impl)));
  db->flush_on_close_ = options.flush_on_close;
  db->batch_cf_ids_match_ = ids_match;
  db->plain_view_ = plain_view;
  return db;
}

Db::Db(std::string dir, bool read_only, bool sync, std::unique_ptr<Impl> impl)
    : dir_(std::move(dir)), read_only_(read_only), sync_(sync), impl_(std::move(impl)) {}

Db::~Db() {
  if (read_only_ || !flush_on_close_ || !impl_ || !impl_->db) return;
  // A clean close flushes the memtables: --no-sync writes become durable when the process exits
  // normally, and the next reader (a secondary instance) has no write-ahead log to replay, which
  // is most of what opening a directory costs. Errors are ignored: the WAL still holds the data.
  std::vector<rocksdb::ColumnFamilyHandle*> cfs(impl_->handles.begin() + 1, impl_->handles.end());
  impl_->db->Flush(rocksdb::FlushOptions(), cfs).PermitUncheckedError();
}

Status Db::Get(Cf cf, std::string_view key, std::string* value) const {
  if (StagedWrites* staged = CurrentStaging(this)) return staged->Get(cf, key, value);
  rocksdb::Status s =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->handle(cf), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound("key not found");
  return FromRocks(s, "read from " + dir_);
}

Status Db::AssignSequences(Batch* batch) {
  std::string id;
  for (const Batch::SequencedPut& p : batch->sequenced()) {
    const std::string_view prefix = batch->BytesAt(p.key_offset, p.prefix_size);
    id.assign(1, static_cast<char>(p.cf));
    id.append(prefix);
    auto it = next_sequence_.find(id);
    if (it == next_sequence_.end()) {
      uint64_t next = 1;
      std::string upper = codec::PrefixSuccessor(prefix);
      auto last = NewIterator(p.cf, std::string(prefix), upper);
      last->SeekToLast();
      if (last->Valid()) {
        const std::string_view key = last->key();
        if (key.size() >= prefix.size() + 8) next = codec::DecodeFixed64(key.data() + prefix.size()) + 1;
      }
      FRESHET_RETURN_IF_ERROR(last->status());
      it = next_sequence_.emplace(id, next).first;
    }
    std::string number;
    codec::PutFixed64(&number, it->second++);
    batch->Overwrite(p.key_offset + p.prefix_size, number);
  }
  return Status::OK();
}

Status Db::Write(Batch* batch, const PrepareFn& prepare) {
  if (read_only_) return Status::FailedPrecondition("data directory " + dir_ + " is open read-only");
  if (!prepare) {
    if (StagedWrites* staged = CurrentStaging(this)) return staged->Stage(*batch);
  }
  Writer w;
  w.batch = batch;
  MutexLock lock(&write_mu_);
  if (prepare) FRESHET_RETURN_IF_ERROR(prepare(batch));
  if (!batch->sequenced().empty()) FRESHET_RETURN_IF_ERROR(AssignSequences(batch));
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(write_mu_);
  if (w.done) return w.status;

  // This writer leads: take the queue (bounded so one group does not grow without limit).
  constexpr size_t kMaxGroupBytes = 16 << 20;
  std::vector<Writer*> group;
  size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() && bytes + x->batch->ByteSize() > kMaxGroupBytes) break;
    group.push_back(x);
    bytes += x->batch->ByteSize();
  }
  lock.Unlock();
  Status s = WriteGroup(group);
  lock.Lock();
  for (Writer* x : group) {
    writers_.pop_front();
    if (x != &w) {
      x->status = s;
      x->done = true;
      x->cv.notify_one();
    }
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return s;
}

namespace {

// Re-targets a batch written for the standard column family ids to this directory's handles
// (only for a directory whose ids differ; see batch_rep.h).
class CfTranslator : public rocksdb::WriteBatch::Handler {
 public:
  CfTranslator(const std::vector<rocksdb::ColumnFamilyHandle*>& handles, rocksdb::WriteBatch* out)
      : handles_(handles), out_(out) {}
  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    return id < handles_.size() ? out_->Put(handles_[id], key, value) : Bad(id);
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    return id < handles_.size() ? out_->Delete(handles_[id], key) : Bad(id);
  }
  rocksdb::Status DeleteRangeCF(uint32_t id, const rocksdb::Slice& begin, const rocksdb::Slice& end) override {
    return id < handles_.size() ? out_->DeleteRange(handles_[id], begin, end) : Bad(id);
  }

 private:
  static rocksdb::Status Bad(uint32_t id) {
    return rocksdb::Status::InvalidArgument("batch names column family " + std::to_string(id));
  }
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
  rocksdb::WriteBatch* out_;
};

}  // namespace

Status Db::WriteGroup(const std::vector<Writer*>& group) {
  rocksdb::WriteBatch* wb = &group.front()->batch->rep_->wb;
  rocksdb::WriteBatch merged;
  if (group.size() > 1) {
    // WriteBatch rep := u64 sequence (set by RocksDB), u32 count (little-endian), records.
    constexpr size_t kHeader = 12;
    std::string rep(kHeader, '\0');
    uint32_t count = 0;
    size_t bytes = kHeader;
    for (Writer* x : group) bytes += x->batch->ByteSize() - kHeader;
    rep.reserve(bytes);
    for (Writer* x : group) {
      const std::string& data = x->batch->rep_->wb.Data();
      rep.append(data, kHeader, std::string::npos);
      count += x->batch->rep_->wb.Count();
    }
    for (int i = 0; i < 4; ++i) rep[8 + i] = static_cast<char>((count >> (8 * i)) & 0xff);
    merged = rocksdb::WriteBatch(std::move(rep));
    wb = &merged;
  }
  rocksdb::WriteBatch translated;
  if (!batch_cf_ids_match_) {
    // handles_ index = Cf + 1 = the id a Batch writes.
    CfTranslator translator(impl_->handles, &translated);
    FRESHET_RETURN_IF_ERROR(FromRocks(wb->Iterate(&translator), "write to " + dir_));
    wb = &translated;
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync_;
  return FromRocks(impl_->db->Write(wo, wb), "write to " + dir_);
}

std::unique_ptr<Iterator> Db::NewIterator(Cf cf, std::string lower, std::string upper) const {
  if (StagedWrites* staged = CurrentStaging(this)) return staged->NewIterator(cf, std::move(lower), std::move(upper));
  return NewRocksIterator(impl_->db, impl_->handle(cf), nullptr, std::move(lower), std::move(upper));
}

Status Db::CompactRange(Cf cf, std::string_view begin, std::string_view end) {
  if (read_only_) return Status::OK();
  rocksdb::Slice b(begin.data(), begin.size()), e(end.data(), end.size());
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(impl_->db->CompactRange(options, impl_->handle(cf), &b, end.empty() ? nullptr : &e),
                   "compact " + dir_);
}

uint64_t Db::ApproximateSize(Cf cf, std::string_view begin, std::string_view end) const {
  rocksdb::Range range(rocksdb::Slice(begin.data(), begin.size()), rocksdb::Slice(end.data(), end.size()));
  uint64_t size = 0;
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  impl_->db->GetApproximateSizes(options, impl_->handle(cf), &range, 1, &size).PermitUncheckedError();
  return size;
}

RangeEstimate EstimateRocksRange(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view begin,
                                 std::string_view end);  // range_estimate.cc

RangeEstimate Db::EstimateRange(Cf cf, std::string_view begin, std::string_view end) const {
  return EstimateRocksRange(impl_->db, impl_->handle(cf), begin, end);
}

Status Db::Flush() {
  if (read_only_) return Status::OK();
  rocksdb::FlushOptions options;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs(impl_->handles.begin() + 1, impl_->handles.end());
  return FromRocks(impl_->db->Flush(options, cfs), "flush " + dir_);
}

Status Db::CatchUp() {
  if (!read_only_ || plain_view_) return Status::OK();
  return FromRocks(impl_->db->TryCatchUpWithPrimary(), "catch up with the writer of " + dir_);
}

void StartKeyReadCount() {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
}

uint64_t KeysReadSinceStart() {
  // Every internal key an iterator stepped over or past (live or deleted), as RocksDB counts
  // them; a bounded range scan of n keys reads about n.
  auto* ctx = rocksdb::get_perf_context();
  return ctx->internal_key_skipped_count + ctx->internal_delete_skipped_count;
}

// Declared in storage/db_internals.h: what snapshot.cc needs of the RocksDB instance.
rocksdb::DB* DbInternals::Rocks(const Db& db) { return db.impl_->db; }
rocksdb::ColumnFamilyHandle* DbInternals::Handle(const Db& db, Cf cf) { return db.impl_->handle(cf); }

}  // namespace freshet::storage
