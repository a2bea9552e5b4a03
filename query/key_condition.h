// Key conditions: which keys a query reads, as one [lower, upper) range of the items column
// family. A query is partition key equality plus at most one sort-key condition, as in
// DynamoDB: =, <, <=, >, >=, between (inclusive) and begins_with (S and B sort keys only).
//
// Because key components are order-preserving and no encoded component is a prefix of
// another, every condition is one contiguous range, so a query seeks once and stops at the
// upper bound.
//
// Thread-safety: all functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "query/item.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query {

struct SortKeyCondition {
  enum class Op : uint8_t { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  Op op = Op::kEq;
  AttributeValue value;   // the operand; the lower end for kBetween
  AttributeValue value2;  // the upper end for kBetween
};

// Keys in [lower, upper). An empty upper means no upper bound.
struct KeyRange {
  std::string lower;
  std::string upper;
  bool Contains(std::string_view key) const { return key >= lower && (upper.empty() || key < upper); }
};

// The range of items of `table` whose partition key is `partition` and whose sort key meets
// `condition`. Errors: InvalidArgument if a value has the wrong type, a condition is given for
// a table without a sort key, between has lower > upper, or begins_with is used on an N key.
Result<KeyRange> QueryRange(const TableDescription& table, const AttributeValue& partition,
                            const std::optional<SortKeyCondition>& condition);

// As QueryRange, for keys `prefix` key_component(partition) [key_component(sort)] ... that may
// continue after the sort key (index entries end with their table key): each sort-key bound
// covers every key extending it. `what` names the table or index in errors.
Result<KeyRange> QueryRangeUnder(std::string prefix, const KeyAttribute& partition_key,
                                 const std::optional<KeyAttribute>& sort_key, std::string_view what,
                                 const AttributeValue& partition, const std::optional<SortKeyCondition>& condition);

// Every key that starts with `prefix`.
KeyRange PrefixRange(std::string prefix);

// The range of every item of `table`.
KeyRange TableRange(uint32_t table_id);

// Paging tokens: opaque text naming the last key a page returned (hex of the key after the
// table id). DecodePageToken returns the whole key, or InvalidArgument "invalid page token" if
// `token` is not one, or names a key outside `range`.
std::string EncodePageToken(std::string_view key);
Result<std::string> DecodePageToken(uint32_t table_id, std::string_view token, const KeyRange& range);

}  // namespace freshet::query
