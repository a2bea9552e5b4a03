#include "storage/snapshot.h"

#include <rocksdb/db.h>

#include "storage/db_internals.h"
#include "storage/rocks_status.h"

namespace freshet::storage {
namespace {

const rocksdb::Snapshot* Rocks(const void* p) { return static_cast<const rocksdb::Snapshot*>(p); }

// As iterator.cc's RocksIterator, reading at a snapshot. Owns its bounds: RocksDB keeps pointers
// to them for the iterator's lifetime.
class SnapshotIterator final : public Iterator {
 public:
  SnapshotIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snapshot,
                   std::string lower, std::string upper)
      : lower_(std::move(lower)), upper_(std::move(upper)), lower_slice_(lower_), upper_slice_(upper_) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    if (!lower_.empty()) ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro, cf));
  }
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(rocksdb::Slice(target.data(), target.size())); }
  void SeekForPrev(std::string_view target) override { it_->SeekForPrev(rocksdb::Slice(target.data(), target.size())); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override { return FromRocks(it_->status(), "read at a snapshot"); }

 private:
  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

// Secondary instances have no snapshots (see the header): snapshot_ stays null there, and null
// in ReadOptions::snapshot means the current state.
Snapshot::Snapshot(const Db* db)
    : db_(db), snapshot_(db->read_only() ? nullptr : DbInternals::Rocks(*db)->GetSnapshot()) {}

Snapshot::~Snapshot() {
  if (snapshot_) DbInternals::Rocks(*db_)->ReleaseSnapshot(Rocks(snapshot_));
}

Status Snapshot::Get(Cf cf, std::string_view key, std::string* value) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = Rocks(snapshot_);
  rocksdb::Status s =
      DbInternals::Rocks(*db_)->Get(ro, DbInternals::Handle(*db_, cf), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound("key not found");
  return FromRocks(s, "read at a snapshot of " + db_->dir());
}

std::unique_ptr<Iterator> Snapshot::NewIterator(Cf cf, std::string lower, std::string upper) const {
  return std::make_unique<SnapshotIterator>(DbInternals::Rocks(*db_), DbInternals::Handle(*db_, cf), Rocks(snapshot_),
                                            std::move(lower), std::move(upper));
}

}  // namespace freshet::storage
