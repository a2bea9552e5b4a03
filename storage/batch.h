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
#include <vector>

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

  // Puts `value` under the key `key_prefix` followed by a u64 (big-endian) that Db::Write fills
  // in: one more than the largest number under that prefix in `cf` (stored or assigned before in
  // this process; 1 for the first), assigned with the writer queue locked, so the numbers under
  // one prefix increase in the order batches are written and become visible. Used for logs
  // written in the same batch as what they record (DynamoDB change records).
  void PutSequenced(Cf cf, std::string_view key_prefix, std::string_view value);
  // Where the sequenced puts' numbers go (for Db::Write).
  struct SequencedPut {
    Cf cf;
    size_t key_offset;     // where the key starts in the batch's bytes
    uint32_t prefix_size;  // the number follows the prefix
  };
  const std::vector<SequencedPut>& sequenced() const { return sequenced_; }
  // The bytes of a put's key at `offset` (for Db::Write; valid until the batch changes).
  std::string_view BytesAt(size_t offset, size_t size) const;

  // Appends every operation of `other` (after this batch's own), copying its records once.
  // Locations of `other` are not carried over.
  void Append(const Batch& other);

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
  struct Rep;                 // storage/batch_rep.h
  std::unique_ptr<Rep> rep_;
  std::vector<SequencedPut> sequenced_;
};

}  // namespace freshet::storage
