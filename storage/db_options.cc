// Why each column family is tuned as it is:
// - log: append-only in key order and trimmed from the front; large memtables, LZ4, no bloom
//   filters (reads are iterator scans, never point lookups by random key).
// - items: read by key range (queries) and by point (merge updates); a shared block cache and
//   bloom filters so a merge's read of a missing item rarely touches disk.
// - meta, cursors: tiny; defaults.
#include "storage/db_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>

#include "storage/batch.h"

namespace freshet::storage {
namespace {

rocksdb::CompressionType BestCompression() {
  auto supported = rocksdb::GetSupportedCompressions();
  if (std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end())
    return rocksdb::kLZ4Compression;
  return rocksdb::kNoCompression;
}

std::shared_ptr<rocksdb::Cache> SharedCache() {
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(512 << 20);
  return cache;
}

rocksdb::ColumnFamilyOptions LogOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 64 << 20;
  o.max_write_buffer_number = 3;
  o.target_file_size_base = 64 << 20;
  o.compression = BestCompression();
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = SharedCache();
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::ColumnFamilyOptions ItemOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 64 << 20;
  o.max_write_buffer_number = 3;
  o.target_file_size_base = 64 << 20;
  o.compression = BestCompression();
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = SharedCache();
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

rocksdb::DBOptions MakeDbOptions() {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 3;
  o.max_log_file_size = 4 << 20;
  o.bytes_per_sync = 1 << 20;
  o.max_open_files = -1;  // required by secondary instances; the file count stays small
  // Replay the WAL up to an incomplete last record (what a power cut leaves: the unsynced tail)
  // but fail the open on any other damage. RocksDB's default, kPointInTimeRecovery, stops
  // replay at the first bad record and opens without error, silently dropping acknowledged
  // writes after it (tests/fault/corruption_test.cc shows both).
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  return o;
}

std::vector<rocksdb::ColumnFamilyDescriptor> MakeCfDescriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  cfs.emplace_back(CfName(Cf::kMeta), rocksdb::ColumnFamilyOptions());
  cfs.emplace_back(CfName(Cf::kLog), LogOptions());
  cfs.emplace_back(CfName(Cf::kItems), ItemOptions());
  cfs.emplace_back(CfName(Cf::kCursors), rocksdb::ColumnFamilyOptions());
  return cfs;
}

}  // namespace freshet::storage
