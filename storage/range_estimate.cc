// Db::EstimateRange's work: an estimate of the live keys and bytes in a key range from RocksDB's
// metadata only (table properties of the SST files overlapping the range, the memtables' own
// statistics), so its cost does not grow with the number of keys in the range.
//
// Files: of the SST files overlapping [begin, end), the share of their bytes inside the range
// (RocksDB's approximate size of the range over the files' sizes) times their entry
// counts (puts, not deletions) and raw (uncompressed) key + value bytes. Exact when the range
// covers whole files and nothing in it is overwritten; otherwise proportional to bytes, and an
// item overwritten but not yet compacted counts once per version. Memtables: RocksDB's estimate
// (GetApproximateMemTableStats), which samples the skip list.
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <algorithm>

#include "storage/db.h"

namespace freshet::storage {

RangeEstimate EstimateRocksRange(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view begin,
                                 std::string_view end) {
  RangeEstimate estimate;
  const rocksdb::Range range(rocksdb::Slice(begin.data(), begin.size()), rocksdb::Slice(end.data(), end.size()));
  rocksdb::TablePropertiesCollection files;
  if (db->GetPropertiesOfTablesInRange(cf, &range, 1, &files).ok() && !files.empty()) {
    uint64_t file_bytes = 0, entries = 0, raw_bytes = 0;
    for (const auto& [name, props] : files) {
      // RocksDB's approximate size of a range within a file is its share of the data blocks
      // scaled to the whole file (index and filter included), so the share is of that.
      file_bytes += props->data_size + props->index_size + props->filter_size;
      entries += props->num_entries - std::min(props->num_entries, props->num_deletions);
      // raw_key_size counts internal keys: the user key plus 8 bytes (sequence and type).
      raw_bytes += props->raw_key_size - std::min(props->raw_key_size, 8 * props->num_entries) + props->raw_value_size;
    }
    rocksdb::SizeApproximationOptions options;
    options.include_memtables = false;
    options.include_files = true;
    uint64_t in_range = 0;
    if (db->GetApproximateSizes(options, cf, &range, 1, &in_range).ok() && file_bytes > 0) {
      const double share = std::min(1.0, static_cast<double>(in_range) / static_cast<double>(file_bytes));
      estimate.keys += static_cast<uint64_t>(share * static_cast<double>(entries) + 0.5);
      estimate.bytes += static_cast<uint64_t>(share * static_cast<double>(raw_bytes) + 0.5);
    }
  }
  uint64_t memtable_keys = 0, memtable_bytes = 0;
  db->GetApproximateMemTableStats(cf, range, &memtable_keys, &memtable_bytes);
  estimate.keys += memtable_keys;
  estimate.bytes += memtable_bytes;
  return estimate;
}

}  // namespace freshet::storage
