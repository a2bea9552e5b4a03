#include "query/stored_json.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "storage/text.h"

namespace freshet::query {
namespace {

// A key attribute's value (S, N or B) as typed JSON at p (room: 6 * its bytes + 8).
char* PutTypedKey(const AttributeValue& v, char* p) {
  static constexpr char kPrefix[3][6] = {"{\"S\":", "{\"N\":", "{\"B\":"};
  const int which = v.type() == AttributeValue::Type::kN ? 1 : v.type() == AttributeValue::Type::kB ? 2 : 0;
  std::memcpy(p, kPrefix[which], 5);
  p += 5;
  p = text::PutJsonString(which == 2 ? std::string_view(EncodeBase64(v.scalar())) : v.scalar(), p);
  *p++ = '}';
  return p;
}

}  // namespace

StoredItemJsonWriter::StoredItemJsonWriter(const TableDescription& table, std::vector<std::string> attributes)
    : table_(table), attributes_(std::move(attributes)), keys_(table) {}

bool StoredItemJsonWriter::Projected(std::string_view name) const {
  for (const std::string& a : attributes_) {
    if (a == name) return true;
  }
  return false;
}

Status StoredItemJsonWriter::Append(std::string_view key, std::string_view value, std::string* out, size_t* item_size) {
  auto malformed = [&] { return Status::Corruption("item of table '" + table_.name + "' is malformed"); };
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
  // The item is written into buffer_, sized once for the most it can take, then appended whole:
  // no capacity check per piece. A key member takes at most 6 bytes per byte of its name and value
  // (escapes; base64 takes fewer) plus 12; the stored members kTypedJsonRoomPerByte per byte.
  auto key_room = [](const std::string& name, const AttributeValue& v) {
    return 6 * (name.size() + v.scalar().size()) + 16;
  };
  size_t room = 2 + kTypedJsonRoomPerByte * value.size() + key_room(table_.partition_key.name, *partition);
  if (sort) room += key_room(table_.sort_key->name, *sort);
  if (buffer_.size() < room) buffer_.resize(std::max(room, 2 * buffer_.size()));
  char* const begin = buffer_.data();
  char* p = begin;

  // The key attributes, in name order, to merge into the members (which are in name order).
  std::pair<std::string_view, const AttributeValue*> keys[2];
  int key_count = 0;
  if (Wanted(table_.partition_key.name)) keys[key_count++] = {table_.partition_key.name, partition};
  if (sort && Wanted(table_.sort_key->name)) keys[key_count++] = {table_.sort_key->name, sort};
  if (key_count == 2 && keys[1].first < keys[0].first) std::swap(keys[0], keys[1]);
  int next_key = 0;
  bool first = true;
  auto open_member = [&](std::string_view name) {
    if (!first) *p++ = ',';
    first = false;
    p = text::PutJsonString(name, p);
    *p++ = ':';
  };
  auto keys_before = [&](std::string_view name, bool all) {
    while (next_key < key_count && (all || NameLess(keys[next_key].first, name))) {
      open_member(keys[next_key].first);
      p = PutTypedKey(*keys[next_key].second, p);
      ++next_key;
    }
  };
  *p++ = '{';
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
    if (!(p = PutTypedJsonValue(&value, 1, p))) return malformed();
  }
  if (!value.empty()) return malformed();
  keys_before({}, true);
  *p++ = '}';
  out->append(begin, static_cast<size_t>(p - begin));
  return Status::OK();
}

}  // namespace freshet::query
