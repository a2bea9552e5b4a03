#include "query/stored_json.h"

#include <utility>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "storage/text.h"

namespace freshet::query {
namespace {

// A key attribute's value (S, N or B) as typed JSON.
void AppendTypedKey(const AttributeValue& v, std::string* out) {
  switch (v.type()) {
    case AttributeValue::Type::kN: out->append("{\"N\":"); break;
    case AttributeValue::Type::kB:
      out->append("{\"B\":");
      text::AppendJsonString(EncodeBase64(v.scalar()), out);
      out->push_back('}');
      return;
    default: out->append("{\"S\":"); break;
  }
  text::AppendJsonString(v.scalar(), out);
  out->push_back('}');
}

}  // namespace

StoredItemJsonWriter::StoredItemJsonWriter(const TableDescription& table, std::vector<std::string> attributes)
    : table_(table), attributes_(std::move(attributes)), keys_(table) {}

bool StoredItemJsonWriter::Wanted(std::string_view name) const {
  if (attributes_.empty()) return true;
  for (const std::string& a : attributes_) {
    if (a == name) return true;
  }
  return false;
}

Status StoredItemJsonWriter::Append(std::string_view key, std::string_view value, std::string* out, size_t* item_size) {
  const size_t start = out->size();
  auto malformed = [&] {
    out->resize(start);
    return Status::Corruption("item of table '" + table_.name + "' is malformed");
  };
  const AttributeValue* partition;
  const AttributeValue* sort;
  if (!keys_.DecodeValues(key, &partition, &sort)) return malformed();
  if (item_size) {
    auto key_size = [](const std::string& name, const AttributeValue& v) {
      return name.size() + (v.type() == AttributeValue::Type::kN ? NumberSize(v.scalar()) : v.scalar().size());
    };
    size_t size = key_size(table_.partition_key.name, *partition);
    if (sort) size += key_size(table_.sort_key->name, *sort);
    if (!EncodedItemSize(value, &size)) return malformed();
    *item_size = size;
  }
  // The key attributes, in name order, to merge into the members (which are in name order).
  std::pair<std::string_view, const AttributeValue*> keys[2];
  int key_count = 0;
  if (Wanted(table_.partition_key.name)) keys[key_count++] = {table_.partition_key.name, partition};
  if (sort && Wanted(table_.sort_key->name)) keys[key_count++] = {table_.sort_key->name, sort};
  if (key_count == 2 && keys[1].first < keys[0].first) std::swap(keys[0], keys[1]);
  int next_key = 0;
  bool first = true;
  auto open_member = [&](std::string_view name) {
    if (!first) out->push_back(',');
    first = false;
    text::AppendJsonString(name, out);
    out->push_back(':');
  };
  auto keys_before = [&](std::string_view name, bool all) {
    while (next_key < key_count && (all || keys[next_key].first < name)) {
      open_member(keys[next_key].first);
      AppendTypedKey(*keys[next_key].second, out);
      ++next_key;
    }
  };
  out->push_back('{');
  uint32_t count;
  if (!GetEncodedMemberCount(&value, &count)) return malformed();
  std::string_view name;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetEncodedName(&value, &name)) return malformed();
    if (!Wanted(name)) {
      if (!SkipValue(&value, 1)) return malformed();
      continue;
    }
    keys_before(name, false);
    open_member(name);
    if (!AppendTypedJsonValue(&value, 1, out)) return malformed();
  }
  if (!value.empty()) return malformed();
  keys_before({}, true);
  out->push_back('}');
  return Status::OK();
}

}  // namespace freshet::query
