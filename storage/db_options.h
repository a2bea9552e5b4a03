// RocksDB tuning for freshet's column families. Internal to storage/.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <vector>

namespace freshet::storage {

rocksdb::DBOptions MakeDbOptions();
// One descriptor per Cf, in Cf order, plus "default" first (RocksDB requires it).
std::vector<rocksdb::ColumnFamilyDescriptor> MakeCfDescriptors();

}  // namespace freshet::storage
