// Batch: the operations of one logical operation, applied atomically by Db::Write.
//
// A batch collects puts, deletes and range deletes across column families. Db::Write applies
// all of them or none (one RocksDB WriteBatch), so a consumer step (items + cursor + dead
// letters) or a put of 500 records is never half-visible and never half-durable.
//
// Thread-safety: a Batch is not thread-safe; build it on one thread, then hand it to Db::Write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace freshet::storage {

// The column families of one freshet database. Values are frozen (they index handles).
enum class Cf : uint8_t { kMeta = 0, kLog = 1, kItems = 2, kCursors = 3 };
inline constexpr int kNumCfs = 4;
const char* CfName(Cf cf);

class Batch {
 public:
  enum class Op : uint8_t { kPut = 1, kDelete = 2, kDeleteRange = 3 };

  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(Cf cf, std::string_view begin, std::string_view end);

  size_t Count() const { return count_; }
  // Approximate bytes of keys and values (used for batch size limits).
  size_t ByteSize() const { return rep_.size(); }
  bool empty() const { return count_ == 0; }
  void Clear();

  // Calls fn(op, cf, key, value_or_end) for each operation in insertion order.
  void ForEach(const std::function<void(Op, Cf, std::string_view, std::string_view)>& fn) const;

 private:
  // rep_ := (op u8, cf u8, varint32 klen, key, varint32 vlen, value)*
  std::string rep_;
  size_t count_ = 0;
};

}  // namespace freshet::storage
