#include "query/secondary_index.h"

#include <algorithm>

#include "query/item_key.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

// Appends one index key component; false if the attribute is absent.
Result<bool> AppendIndexComponent(const IndexDescription& index, const KeyAttribute& attr, const Item& item,
                                  size_t max_bytes, std::string* dst) {
  const AttributeValue* v = item.Find(attr.name);
  if (!v) return false;
  if (v->type() != KeyValueType(attr.type)) {
    return Status::InvalidArgument("One or more parameter values were invalid: Type mismatch for Index Key " +
                                   attr.name + " Expected: " + std::string(KeyTypeName(attr.type)) +
                                   " Actual: " + std::string(TypeName(v->type())) + " IndexName: " + index.name);
  }
  if (attr.type != KeyType::kN && v->scalar().empty()) {
    return Status::InvalidArgument(
        "One or more parameter values are not valid. A value specified for a secondary "
        "index key is not supported. The AttributeValue for a key attribute cannot "
        "contain an empty string value. IndexName: " +
        index.name + ", IndexKey: " + attr.name);
  }
  Status s = AppendKeyComponent(attr, *v, max_bytes, dst);
  if (!s.ok()) return s.WithContext("index '" + index.name + "'");
  return true;
}

}  // namespace

std::string IndexPrefix(uint32_t table_id, uint32_t number) {
  std::string prefix = TableSpacePrefix(kIndexSpace, table_id);
  codec::PutFixed32(&prefix, number);
  return prefix;
}

KeyRange IndexRange(uint32_t table_id, uint32_t number) { return PrefixRange(IndexPrefix(table_id, number)); }

KeyRange AllIndexesRange(uint32_t table_id) { return PrefixRange(TableSpacePrefix(kIndexSpace, table_id)); }

Result<bool> AppendIndexKey(const TableDescription& table, const IndexDescription& index, const Item& item,
                            std::string* dst) {
  const size_t start = dst->size();
  dst->append(IndexPrefix(table.id, index.number));
  auto fail = [&](Result<bool> r) {
    dst->resize(start);
    return r;
  };
  Result<bool> present = AppendIndexComponent(index, index.partition_key, item, kMaxPartitionKeyBytes, dst);
  if (!present.ok() || !*present) return fail(present);
  if (index.sort_key) {
    present = AppendIndexComponent(index, *index.sort_key, item, kMaxSortKeyBytes, dst);
    if (!present.ok() || !*present) return fail(present);
  }
  std::string table_key;
  Status s = AppendItemKey(table, item, &table_key);
  if (!s.ok()) return fail(s);
  dst->append(table_key, 4, std::string::npos);  // without the table id
  return true;
}

Item ProjectIndex(const TableDescription& table, const IndexDescription& index, const Item& item) {
  if (index.projection == IndexDescription::Projection::kAll) return item;
  Item out = IndexKeyOf(table, index, item);
  for (const std::string& name : index.non_key_attributes) {
    if (const AttributeValue* v = item.Find(name)) out.Set(name, *v);
  }
  return out;
}

Item IndexKeyOf(const TableDescription& table, const IndexDescription& index, const Item& item) {
  Item out;
  for (const KeyAttribute* attr : {&table.partition_key, table.sort_key ? &*table.sort_key : nullptr,
                                   &index.partition_key, index.sort_key ? &*index.sort_key : nullptr}) {
    if (!attr) continue;
    if (const AttributeValue* v = item.Find(attr->name)) out.Set(attr->name, *v);
  }
  return out;
}

Result<KeyRange> IndexQueryRange(const TableDescription& table, const IndexDescription& index,
                                 const AttributeValue& partition, const std::optional<SortKeyCondition>& condition) {
  return QueryRangeUnder(IndexPrefix(table.id, index.number), index.partition_key, index.sort_key,
                         "index '" + index.name + "'", partition, condition);
}

}  // namespace freshet::query
