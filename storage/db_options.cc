// Why each column family is tuned as it is:
// - log: append-only in key order and trimmed from the front; large memtables, LZ4, no bloom
//   filters (reads are iterator scans, never point lookups by random key).
// - items: read by key range (queries) and by point (merge updates); a shared block cache and
//   bloom filters so a merge's read of a missing item rarely touches disk; index and filters
//   partitioned so a point read at scale loads 4 KB of them, not a whole table's.
// - meta, cursors: tiny; defaults.
// Memory: one 112 MB block cache for the process, and every memtable of every column family
// charged to it by one WriteBufferManager of 64 MB (past that, the largest memtable is flushed),
// so a writer's resident memory stays under 256 MB however much it ingests or consumes (issue
// 16's target); without the cap, 3 memtables of 64 MB per big column family plus a 512 MB cache
// allowed ~900 MB. A 160 MB cache with 96 MB of memtables measured 347 MB at the peak of a 20M-
// record consume (cache and memtables full, plus glibc's fragmentation), for 3-7% more throughput.
// glibc is told (once, at the first open) to serve allocations of 1 MB and more, such as the
// memtables' 8 MB arena blocks, with mmap so they return to the system when freed, and to keep
// at most 2 malloc arenas: per-thread arenas kept freed memtable and block memory resident.
#include "storage/db_options.h"

#include <malloc.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

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
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(112 << 20);
  return cache;
}

std::shared_ptr<rocksdb::WriteBufferManager> SharedWriteBuffers() {
  static std::shared_ptr<rocksdb::WriteBufferManager> manager =
      std::make_shared<rocksdb::WriteBufferManager>(64 << 20, SharedCache());
  return manager;
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
  // Index and filter partitioned into 4 KB blocks cached like data, with only each table's small
  // top level pinned. A whole-table index and filter are ~1 MB per 64 MB table; in a cache shard
  // of 2.5 MB (160 MB / 64 shards) they evicted each other, so point reads of merges over
  // millions of distinct items read and decompressed a whole index again and again (269 us of CPU
  // per record at 4M items; LZ4 40% and kernel copies 19% of the profile).
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.partition_filters = true;
  t.metadata_block_size = 4096;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_top_level_index_and_filter = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

rocksdb::DBOptions MakeDbOptions() {
  static const bool kAllocatorTuned = [] {
    mallopt(M_MMAP_THRESHOLD, 1 << 20);  // a fixed threshold also stops glibc raising it as big blocks are freed
    mallopt(M_ARENA_MAX, 2);
    return true;
  }();
  (void)kAllocatorTuned;
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  o.write_buffer_manager = SharedWriteBuffers();
  o.keep_log_file_num = 3;
  o.max_log_file_size = 4 << 20;
  o.bytes_per_sync = 1 << 20;
  o.max_open_files = -1;  // required by secondary instances; the file count stays small
  // Opening loads every table's handle; RocksDB does it with 16 threads per column family and per
  // catch-up by default: 150 thread creations for a one-shot `freshet query` on two cores, most
  // of its start-up time. One thread opens the few files a data directory has.
  o.max_file_opening_threads = 1;
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
