#include "storage/iterator.h"

#include <rocksdb/db.h>

#include "storage/db_internals.h"
#include "storage/rocks_status.h"

namespace freshet::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsIOError() || s.IsNoSpace()) return Status::IOError(msg);
  if (s.IsIncomplete() || s.IsAborted() || s.IsShutdownInProgress()) return Status::Aborted(msg);
  return Status::Internal(msg);
}

namespace {

// Owns its bounds: RocksDB keeps pointers to them for the iterator's lifetime.
class RocksIterator final : public Iterator {
 public:
  RocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snapshot, std::string lower,
                std::string upper)
      : lower_(std::move(lower)),
        upper_(std::move(upper)),
        lower_slice_(lower_),
        upper_slice_(upper_),
        context_(snapshot ? "read at a snapshot" : "read") {
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
  Status status() const override { return FromRocks(it_->status(), context_); }

 private:
  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  const char* context_;  // what status() says was being done
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

std::unique_ptr<Iterator> NewRocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                           const rocksdb::Snapshot* snapshot, std::string lower, std::string upper) {
  return std::make_unique<RocksIterator>(db, cf, snapshot, std::move(lower), std::move(upper));
}

}  // namespace freshet::storage
