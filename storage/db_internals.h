// DbInternals: storage/-internal access to the RocksDB instance behind a Db, for the parts of
// storage/ that live outside db.cc (snapshot.cc, iterator.cc). Never included outside storage/.
//
// Thread-safety: the returned pointers are owned by the Db and valid while it lives.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

#include "storage/db.h"
#include "storage/iterator.h"

namespace freshet::storage {

struct DbInternals {
  static rocksdb::DB* Rocks(const Db& db);
  static rocksdb::ColumnFamilyHandle* Handle(const Db& db, Cf cf);
};

// An Iterator over [lower, upper) of `cf` (empty bound: none) as of `snapshot` (null: the current
// state), owning its bounds (RocksDB keeps pointers to them). Defined in iterator.cc; used by
// Db::NewIterator and Snapshot::NewIterator.
std::unique_ptr<Iterator> NewRocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                           const rocksdb::Snapshot* snapshot, std::string lower, std::string upper);

}  // namespace freshet::storage
