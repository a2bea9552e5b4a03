// DbInternals: storage/-internal access to the RocksDB instance behind a Db, for the parts of
// storage/ that live outside db.cc (snapshot.cc). Never included outside storage/.
//
// Thread-safety: the returned pointers are owned by the Db and valid while it lives.
#pragma once

#include <rocksdb/db.h>

#include "storage/db.h"

namespace freshet::storage {

struct DbInternals {
  static rocksdb::DB* Rocks(const Db& db);
  static rocksdb::ColumnFamilyHandle* Handle(const Db& db, Cf cf);
};

}  // namespace freshet::storage
