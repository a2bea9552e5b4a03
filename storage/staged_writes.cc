// Staged writes over RocksDB's WriteBatchWithIndex (staged_writes.h).
#include "storage/staged_writes.h"

#include <rocksdb/utilities/write_batch_with_index.h>

#include <optional>

#include "storage/batch_rep.h"
#include "storage/db_internals.h"
#include "storage/rocks_status.h"

namespace freshet::storage {

namespace {

thread_local StagedWrites* tls_staged = nullptr;

rocksdb::ColumnFamilyHandle* HandleForBatchId(const Db& db, uint32_t id) {
  if (id == 0 || id > static_cast<uint32_t>(kNumCfs)) return nullptr;
  return DbInternals::Handle(db, static_cast<Cf>(id - 1));
}

// Replays a Batch (written with BatchCfId ids) into the index.
class ToIndex : public rocksdb::WriteBatch::Handler {
 public:
  ToIndex(const Db& db, rocksdb::WriteBatchWithIndex* out) : db_(db), out_(out) {}
  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    auto* h = HandleForBatchId(db_, id);
    return h ? out_->Put(h, key, value) : rocksdb::Status::InvalidArgument("unknown column family");
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    auto* h = HandleForBatchId(db_, id);
    return h ? out_->Delete(h, key) : rocksdb::Status::InvalidArgument("unknown column family");
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a range delete cannot be staged");
  }

 private:
  const Db& db_;
  rocksdb::WriteBatchWithIndex* out_;
};

// Checks that a batch holds no range delete before anything of it is staged.
class RangeDeleteCheck : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override { return {}; }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override { return {}; }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a range delete cannot be staged");
  }
};

// Replays the index's batch (written with the directory's handle ids) into a Batch.
class ToBatch : public rocksdb::WriteBatch::Handler {
 public:
  ToBatch(const Db& db, Batch* out) : db_(db), out_(out) {}
  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    auto cf = CfFor(id);
    if (!cf) return rocksdb::Status::InvalidArgument("unknown column family");
    out_->Put(*cf, {key.data(), key.size()}, {value.data(), value.size()});
    return {};
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    auto cf = CfFor(id);
    if (!cf) return rocksdb::Status::InvalidArgument("unknown column family");
    out_->Delete(*cf, {key.data(), key.size()});
    return {};
  }

 private:
  std::optional<Cf> CfFor(uint32_t id) const {
    for (int i = 0; i < kNumCfs; ++i) {
      if (DbInternals::Handle(db_, static_cast<Cf>(i))->GetID() == id) return static_cast<Cf>(i);
    }
    return std::nullopt;
  }
  const Db& db_;
  Batch* out_;
};

// The merged view, bounded by [lower, upper) here (the delta iterator does not enforce bounds).
// Holds the shared lock of its StagedWrites while it lives.
class StagedIterator final : public Iterator {
 public:
  StagedIterator(std::shared_lock<std::shared_mutex> lock, rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                 rocksdb::WriteBatchWithIndex* index, std::string lower, std::string upper)
      : lock_(std::move(lock)),
        lower_(std::move(lower)),
        upper_(std::move(upper)),
        lower_slice_(lower_),
        upper_slice_(upper_) {
    if (!lower_.empty()) ro_.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro_.iterate_upper_bound = &upper_slice_;
    it_.reset(index->NewIteratorWithBase(cf, db->NewIterator(ro_, cf), &ro_));
  }
  bool Valid() const override {
    if (!it_->Valid()) return false;
    std::string_view k = key();
    return (lower_.empty() || k >= lower_) && (upper_.empty() || k < upper_);
  }
  void SeekToFirst() override {
    if (lower_.empty()) {
      it_->SeekToFirst();
    } else {
      it_->Seek(lower_slice_);
    }
  }
  void SeekToLast() override {
    if (upper_.empty()) {
      it_->SeekToLast();
      return;
    }
    it_->SeekForPrev(upper_slice_);
    if (it_->Valid() && key() == upper_) it_->Prev();
  }
  void Seek(std::string_view target) override {
    if (!lower_.empty() && target < lower_) target = lower_;
    it_->Seek(rocksdb::Slice(target.data(), target.size()));
  }
  void SeekForPrev(std::string_view target) override {
    if (!upper_.empty() && target >= upper_) {
      SeekToLast();
      return;
    }
    it_->SeekForPrev(rocksdb::Slice(target.data(), target.size()));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const override { return {it_->value().data(), it_->value().size()}; }
  Status status() const override { return FromRocks(it_->status(), "read staged"); }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

struct StagedWrites::Impl {
  rocksdb::WriteBatchWithIndex index{rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true};
};

StagedWrites::StagedWrites(Db* db) : db_(db), impl_(std::make_unique<Impl>()) {}
StagedWrites::~StagedWrites() = default;

Status StagedWrites::Stage(const Batch& batch) {
  RangeDeleteCheck check;
  rocksdb::Status s = batch.rep_->wb.Iterate(&check);
  if (s.IsNotSupported()) {
    return Status::FailedPrecondition("this write deletes a key range, which cannot be staged inside an invocation");
  }
  std::unique_lock lock(mu_);
  ToIndex to_index(*db_, &impl_->index);
  return FromRocks(batch.rep_->wb.Iterate(&to_index), "stage write");
}

Status StagedWrites::Get(Cf cf, std::string_view key, std::string* value) const {
  std::shared_lock lock(mu_);
  rocksdb::Status s =
      impl_->index.GetFromBatchAndDB(DbInternals::Rocks(*db_), rocksdb::ReadOptions(), DbInternals::Handle(*db_, cf),
                                     rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound("key not found");
  return FromRocks(s, "read staged from " + db_->dir());
}

std::unique_ptr<Iterator> StagedWrites::NewIterator(Cf cf, std::string lower, std::string upper) const {
  std::shared_lock lock(mu_);
  return std::make_unique<StagedIterator>(std::move(lock), DbInternals::Rocks(*db_), DbInternals::Handle(*db_, cf),
                                          &impl_->index, std::move(lower), std::move(upper));
}

Status StagedWrites::AppendTo(Batch* batch) const {
  std::shared_lock lock(mu_);
  ToBatch to_batch(*db_, batch);
  return FromRocks(impl_->index.GetWriteBatch()->Iterate(&to_batch), "commit staged writes");
}

size_t StagedWrites::count() const {
  std::shared_lock lock(mu_);
  return static_cast<size_t>(impl_->index.GetWriteBatch()->Count());
}

void StagedWrites::Clear() {
  std::unique_lock lock(mu_);
  impl_->index.Clear();
}

StagingScope::StagingScope(StagedWrites* staged) : previous_(tls_staged) {
  if (staged) tls_staged = staged;
}
StagingScope::~StagingScope() { tls_staged = previous_; }

StagedWrites* CurrentStaging(const Db* db) {
  StagedWrites* s = tls_staged;
  return s && s->db() == db ? s : nullptr;
}

StagingRegistry& StagingRegistry::Global() {
  static StagingRegistry* registry = new StagingRegistry();
  return *registry;
}

void StagingRegistry::Bind(const std::string& name, std::shared_ptr<StagedWrites> staged) {
  std::lock_guard lock(mu_);
  by_name_[name] = std::move(staged);
}

void StagingRegistry::Unbind(const std::string& name) {
  std::lock_guard lock(mu_);
  by_name_.erase(name);
}

std::shared_ptr<StagedWrites> StagingRegistry::Find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace freshet::storage
