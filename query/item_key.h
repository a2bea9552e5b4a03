// Item keys in the items column family: the table id, then the partition key, then the sort
// key, each in the order-preserving form of storage/codec.h:
//
//   item_key := u32 table_id key_component(partition) [key_component(sort)]
//   key_component := bytes (S: UTF-8, B: raw bytes) | number (N)
//
// So all items of one partition key sit together, sorted by sort key (S and B bytewise, N
// numerically). Key attribute values are returned in canonical form (N "1.50" reads back as
// "1.5"), because the encoding keeps the number, not its spelling.
//
// Thread-safety: all functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query {

inline constexpr size_t kMaxPartitionKeyBytes = 2048;
inline constexpr size_t kMaxSortKeyBytes = 1024;

// u32 table id: the prefix of every key of the table.
std::string TableKeyPrefix(uint32_t table_id);

// u32 space u32 table_id: the prefix of a table's keys in one of the spaces after every table id
// (kIndexSpace for index entries, kChangeSpace for change records), which the space's own key
// continues.
std::string TableSpacePrefix(uint32_t space, uint32_t table_id);

// The attribute value type a key attribute of `type` holds (S, N or B).
AttributeValue::Type KeyValueType(KeyType type);

// Appends the key component for `value` as attribute `attr`. Errors: InvalidArgument naming
// the attribute if `value` is not of attr.type, is empty, is longer than `max_bytes`, or (N) is
// not a valid number.
Status AppendKeyComponent(const KeyAttribute& attr, const AttributeValue& value, size_t max_bytes, std::string* dst);

// Appends the whole key of `item` (which must carry the table's key attributes) to *dst.
// Errors: InvalidArgument naming the missing or mistyped key attribute; nothing is appended.
Status AppendItemKey(const TableDescription& table, const Item& item, std::string* dst);

// Sets the key attributes of *item from `key` (a whole item key of `table`, table id included).
// Returns false if `key` is malformed.
bool DecodeItemKey(const TableDescription& table, std::string_view key, Item* item);

// Decodes the keys of one table's items, reusing the partition key decoded for the previous key
// when the next has the same encoded partition key (every key of a Query page has): a page
// decodes its partition key once, not once per item.
//
// Thread-safety: one thread (it keeps the last partition key).
class ItemKeyDecoder {
 public:
  // `table` must outlive the decoder.
  explicit ItemKeyDecoder(const TableDescription& table) : table_(table) {}

  // As DecodeItemKey, but sets only the key attributes named in `attributes` (both if empty).
  bool Decode(std::string_view key, const std::vector<std::string>& attributes, Item* item);
  // Decodes `key` into the key attributes' values: *partition stays valid until the next call
  // with another partition key; *sort (null for a table without a sort key) until the next call.
  bool DecodeValues(std::string_view key, const AttributeValue** partition, const AttributeValue** sort);

 private:
  const TableDescription& table_;
  std::string partition_encoded_;  // the last partition key component, as stored
  AttributeValue partition_;       // ... and its value
  AttributeValue sort_;
  std::string scratch_;
};

// A key value given as text on the command line, read by the declared type: S as is, N as a
// number, B as base64. Errors: InvalidArgument naming `what`.
Result<AttributeValue> ParseKeyText(KeyType type, std::string_view text, std::string_view what);

}  // namespace freshet::query
