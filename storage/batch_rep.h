// Batch::Rep: the RocksDB write batch behind storage::Batch. Internal to storage/ (it includes
// RocksDB); only batch.cc and db.cc include it.
//
// Column families are written by their freshet number + 1 (the order Db::Open creates them,
// after RocksDB's default family); Db::Open checks that a directory's ids are those and
// otherwise translates each batch at write time.
//
// Thread-safety: as Batch.
#pragma once

#include <rocksdb/write_batch.h>

#include <string>

#include "storage/batch.h"

namespace freshet::storage {

// A WriteBatch whose bytes may be patched in place (rep_ is RocksDB's protected member; the
// batch carries no per-key checksums, so patching a key or value keeps it consistent).
class PatchableWriteBatch : public rocksdb::WriteBatch {
 public:
  PatchableWriteBatch() = default;
  // From a whole representation: RocksDB recomputes what the records hold (content flags).
  explicit PatchableWriteBatch(std::string rep) : rocksdb::WriteBatch(std::move(rep)) {}
  std::string& mutable_rep() { return rep_; }
};

struct Batch::Rep {
  Rep() = default;
  // From a whole representation. (Not by assigning to `wb`: RocksDB's WriteBatch move assignment
  // destroys and placement-news a plain WriteBatch, which leaves a PatchableWriteBatch that is not
  // one, as UBSan's vptr check says.)
  explicit Rep(std::string rep) : wb(std::move(rep)) {}
  PatchableWriteBatch wb;
};

// The column family id a Batch writes for `cf`.
inline uint32_t BatchCfId(Cf cf) { return static_cast<uint32_t>(cf) + 1; }

}  // namespace freshet::storage
