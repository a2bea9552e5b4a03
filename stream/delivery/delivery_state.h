// What a delivery stream keeps in the meta column family besides its description (tag 'E',
// storage/codec.h), keyed by the delivery's id:
//
//   'E' u32 id 'p'             -> Seal: the buffer being delivered now (written, synced, before
//                                 its object is written; removed in the commit that moves the
//                                 cursors past it)
//   'E' u32 id 'o' u64 ordinal -> ManifestEntry: one delivered object (ordinals 1, 2, 3, ...)
//
// Thread-safety: functions are safe to call concurrently; one deliverer writes a delivery's state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.h"
#include "stream/delivery/delivery_spec.h"

namespace freshet::stream::delivery {

// Records [first, last] of one source shard.
struct ShardRange {
  uint32_t shard = 0;
  uint64_t first = 0;
  uint64_t last = 0;
};

// One object's worth of records, decided before the object is written. The object's bytes are a
// function of the seal and the stream's contents: the ranges' records merged by (arrival time,
// shard, sequence number), concatenated, compressed.
struct Seal {
  uint64_t ordinal = 0;  // the manifest entry it becomes
  std::string bucket;
  std::string key;
  std::string entry_name;  // the ZIP entry's name
  Compression compression = Compression::kUncompressed;
  uint64_t first_arrival_ms = 0;
  std::vector<ShardRange> ranges;  // by shard
  uint64_t records = 0;
  uint64_t bytes = 0;  // of record data, before compression
  // With a processing Lambda: the ProcessingConfiguration the object is made with (fixed with the
  // seal, so a redelivery after UpdateDestination still applies the same one) and the key of its
  // error output object. Both "" without processing.
  std::string processing_json;
  std::string error_key;

  std::string ToJson() const;
  static Result<Seal> FromJson(std::string_view json);
};

struct ManifestEntry {
  Seal seal;
  uint64_t object_bytes = 0;  // as written
  uint64_t delivered_ms = 0;
  // With processing: whether the object was written (not when every record was dropped or
  // failed), whether the error object (seal.error_key) was, and what became of the records.
  bool object_written = true;
  bool error_written = false;
  uint64_t error_object_bytes = 0;
  uint64_t processed_ok = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
};

std::string SealKey(uint32_t delivery_id);
std::string ManifestKey(uint32_t delivery_id, uint64_t ordinal);
// [begin, end) of every state key of the delivery.
std::pair<std::string, std::string> StateRange(uint32_t delivery_id);

Result<std::optional<Seal>> LoadSeal(const storage::Db& db, uint32_t delivery_id);
// The delivered objects in order; at most `limit` from ordinal `from`.
Result<std::vector<ManifestEntry>> LoadManifest(const storage::Db& db, uint32_t delivery_id, uint64_t from = 1,
                                                size_t limit = SIZE_MAX);
// The ordinal of the last delivered object (0 if none).
Result<uint64_t> LastOrdinal(const storage::Db& db, uint32_t delivery_id);
std::string ManifestJson(const ManifestEntry& entry);

}  // namespace freshet::stream::delivery
