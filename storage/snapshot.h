// Snapshot: a consistent, frozen view of a Db (a RocksDB snapshot). Reads through it see every
// write committed before it was taken and none after, across all column families, so a reader
// that opens several iterators over time (a SQL statement joining two tables) sees one state.
//
// On a read-only Db (a secondary instance) RocksDB has no snapshots; there the view is the
// state as of the last CatchUp (or the open), which changes only when CatchUp is called, so a
// reader that does not call CatchUp while it reads sees one state all the same.
// Holding a snapshot keeps the versions it sees from being compacted away: release it (destroy
// it) when the reading is done.
//
// Thread-safety: a Snapshot may be read from several threads at once; iterators it creates are
// for one thread at a time. The Db must outlive the Snapshot, and the Snapshot its iterators.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/db.h"
#include "storage/iterator.h"
#include "storage/status.h"

namespace freshet::storage {

class Snapshot {
 public:
  // Takes a snapshot of `db` now. `db` is not owned.
  explicit Snapshot(const Db* db);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // As Db::Get, as of the snapshot.
  Status Get(Cf cf, std::string_view key, std::string* value) const;
  // As Db::NewIterator ([lower, upper) of `cf`, empty upper: no bound), as of the snapshot.
  std::unique_ptr<Iterator> NewIterator(Cf cf, std::string lower, std::string upper) const;

 private:
  const Db* db_;
  const void* snapshot_;  // const rocksdb::Snapshot*: no RocksDB type in this header
};

}  // namespace freshet::storage
