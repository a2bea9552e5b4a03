// Secondary indexes (DynamoDB's LSI and GSI): their entries' keys, projections and ranges.
//
// Index entries live in the items column family in their own key space, after every table key
// (table ids are small counters, never 0xFFFFFFFF):
//
//   index_key := u32 0xFFFFFFFF u32 table_id u32 index_number
//                key_component(index partition) [key_component(index sort)]
//                key_component(table partition) [key_component(table sort)]
//   value     := the projected item, every attribute included (query/item_codec.h)
//
// The table's key at the end makes entries unique (a GSI key need not be) and orders equal index
// keys by table key. Components are order-preserving and prefix-free (storage/codec.h), so one
// index partition is one contiguous range sorted by the index sort key. An item lacking an index
// key attribute has no entry in that index (a sparse index, as DynamoDB).
//
// Entries are written by TableStore in the same batch as their item (AddReplace, AddRemove).
//
// Thread-safety: all functions are pure.
#pragma once

#include <optional>
#include <string>

#include "query/item.h"
#include "query/key_condition.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query {

inline constexpr uint32_t kIndexSpace = 0xFFFFFFFFu;

// u32 kIndexSpace u32 table_id u32 number.
std::string IndexPrefix(uint32_t table_id, uint32_t number);
KeyRange IndexRange(uint32_t table_id, uint32_t number);
// Every index entry of a table (DeleteTable drops them with the items).
KeyRange AllIndexesRange(uint32_t table_id);

// Appends the entry key of `item` in `index` to *dst and returns true; returns false (nothing
// appended) if the item lacks an index key attribute. Errors (InvalidArgument, DynamoDB's text):
// an index key attribute of the wrong type or an empty S/B value; the item must then not be
// written at all.
Result<bool> AppendIndexKey(const TableDescription& table, const IndexDescription& index, const Item& item,
                            std::string* dst);

// The attributes of `item` the index keeps: all, or the table and index keys (plus the
// NonKeyAttributes for INCLUDE).
Item ProjectIndex(const TableDescription& table, const IndexDescription& index, const Item& item);

// The key attributes DynamoDB returns in LastEvaluatedKey for an index read: the table's and the
// index's.
Item IndexKeyOf(const TableDescription& table, const IndexDescription& index, const Item& item);

// The entry keys of one index partition (meeting `condition` on the index sort key).
// Errors as QueryRange, naming the index.
Result<KeyRange> IndexQueryRange(const TableDescription& table, const IndexDescription& index,
                                 const AttributeValue& partition, const std::optional<SortKeyCondition>& condition);

}  // namespace freshet::query
