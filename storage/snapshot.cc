#include "storage/snapshot.h"

#include <rocksdb/db.h>

#include "storage/db_internals.h"
#include "storage/rocks_status.h"

namespace freshet::storage {
namespace {

const rocksdb::Snapshot* Rocks(const void* p) { return static_cast<const rocksdb::Snapshot*>(p); }

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
  return NewRocksIterator(DbInternals::Rocks(*db_), DbInternals::Handle(*db_, cf), Rocks(snapshot_), std::move(lower),
                          std::move(upper));
}

}  // namespace freshet::storage
