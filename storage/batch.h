// Batch: the operations of one logical operation, applied atomically by Db::Write.
//
// A batch collects puts, deletes and range deletes across column families. Db::Write applies
// all of them or none (one RocksDB WriteBatch), so a consumer step (items + cursor + dead
// letters) or a put of 500 records is never half-visible and never half-durable.
//
// The operations are appended straight into RocksDB's own write-batch representation (kept
// behind this class: only storage/ sees RocksDB), so Db::Write hands a batch to RocksDB
// without copying it. A put may be patched in place before the write (Overwrite), so a writer
// can encode keys and values before it takes a lock and fill in, under the lock, only the few
// bytes assigned there (a stream record's shard, sequence number and arrival time).
//
// Thread-safety: a Batch is not thread-safe; build it on one thread, then hand it to Db::Write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>

namespace freshet::storage {

// The column families of one freshet database. Values are frozen (they index handles).
enum class Cf : uint8_t { kMeta = 0, kLog = 1, kItems = 2, kCursors = 3 };
inline constexpr int kNumCfs = 4;
const char* CfName(Cf cf);

class Batch {
 public:
  Batch();
  ~Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Where a put's key and value bytes start inside the batch (offsets for Overwrite).
  struct Location {
    size_t key = 0;
    size_t value = 0;
  };

  void Put(Cf cf, std::string_view key, std::string_view value);
  // Puts the concatenation of `value_parts` as the value, copying each part once.
  Location PutParts(Cf cf, std::string_view key, std::initializer_list<std::string_view> value_parts);
  void Delete(Cf cf, std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(Cf cf, std::string_view begin, std::string_view end);

  // Replaces bytes.size() bytes at `offset` (a Location's key or value plus a position inside
  // it). REQUIRES: the range lies inside one key or value of this batch; the batch has not
  // been written yet.
  void Overwrite(size_t offset, std::string_view bytes);

  size_t Count() const;
  // Bytes of the batch's representation (used for batch size limits).
  size_t ByteSize() const;
  bool empty() const { return Count() == 0; }
  void Clear();

 private:
  friend class Db;
  friend class StagedWrites;  // replays a batch into its index (staged_writes.cc)
  struct Rep;  // storage/batch_rep.h
  std::unique_ptr<Rep> rep_;
};

}  // namespace freshet::storage
