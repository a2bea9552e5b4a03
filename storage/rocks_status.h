// The one place where RocksDB statuses become freshet Statuses. Internal to storage/.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "storage/status.h"

namespace freshet::storage {

// `context` says what was being done ("write to /data/dir"); RocksDB's message follows it.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace freshet::storage
