#include "query/item_key.h"

#include <cstring>

#include "query/item_json.h"
#include "storage/codec.h"

namespace freshet::query {
AttributeValue::Type KeyValueType(KeyType type) {
  switch (type) {
    case KeyType::kS: return AttributeValue::Type::kS;
    case KeyType::kN: return AttributeValue::Type::kN;
    case KeyType::kB: return AttributeValue::Type::kB;
  }
  return AttributeValue::Type::kS;
}

namespace {

bool DecodeComponent(KeyType type, std::string_view* in, std::string* out) {
  if (type == KeyType::kN) return codec::GetOrderedNumber(in, out);
  // Fast path for the common string without 0x00 bytes: one copy up to the terminator.
  const void* zero = std::memchr(in->data(), 0, in->size());
  if (zero) {
    const size_t n = static_cast<size_t>(static_cast<const char*>(zero) - in->data());
    if (n + 1 < in->size() && (*in)[n + 1] == '\x01') {
      out->assign(in->data(), n);
      in->remove_prefix(n + 2);
      return true;
    }
  }
  return codec::GetOrderedBytes(in, out);
}

void SetKeyAttribute(Item* item, const std::string& name, AttributeValue value) {
  if (item->empty() || item->LastName() < name) {
    item->AppendSorted(name, std::move(value));
  } else {
    item->Set(name, std::move(value));
  }
}

AttributeValue MakeValue(KeyType type, std::string text) {
  switch (type) {
    case KeyType::kS: return AttributeValue::S(std::move(text));
    case KeyType::kN: return AttributeValue::N(std::move(text));
    case KeyType::kB: return AttributeValue::B(std::move(text));
  }
  return AttributeValue();
}

}  // namespace

std::string TableKeyPrefix(uint32_t table_id) {
  std::string prefix;
  codec::PutFixed32(&prefix, table_id);
  return prefix;
}

std::string TableSpacePrefix(uint32_t space, uint32_t table_id) {
  std::string prefix;
  codec::PutFixed32(&prefix, space);
  codec::PutFixed32(&prefix, table_id);
  return prefix;
}

Status AppendKeyComponent(const KeyAttribute& attr, const AttributeValue& value, size_t max_bytes, std::string* dst) {
  if (value.type() != KeyValueType(attr.type)) {
    return Status::InvalidArgument("key attribute '" + attr.name + "' must be of type " +
                                   std::string(KeyTypeName(attr.type)) + ", not " +
                                   std::string(TypeName(value.type())));
  }
  const std::string& s = value.scalar();
  if (attr.type == KeyType::kN) {
    Status st = codec::PutOrderedNumber(dst, s);
    if (!st.ok()) return st.WithContext("key attribute '" + attr.name + "'");
    return Status::OK();
  }
  if (s.empty() || s.size() > max_bytes) {
    return Status::InvalidArgument("key attribute '" + attr.name + "' must be 1.." + std::to_string(max_bytes) +
                                   " bytes, not " + std::to_string(s.size()));
  }
  codec::PutOrderedBytes(dst, s);
  return Status::OK();
}

Status AppendItemKey(const TableDescription& table, const Item& item, std::string* dst) {
  const size_t start = dst->size();
  auto component = [&](const KeyAttribute& attr, size_t max_bytes) -> Status {
    const AttributeValue* v = item.Find(attr.name);
    if (!v) return Status::InvalidArgument("missing key attribute '" + attr.name + "'");
    return AppendKeyComponent(attr, *v, max_bytes, dst);
  };
  codec::PutFixed32(dst, table.id);
  Status s = component(table.partition_key, kMaxPartitionKeyBytes);
  if (s.ok() && table.sort_key) s = component(*table.sort_key, kMaxSortKeyBytes);
  if (!s.ok()) dst->resize(start);
  return s;
}

bool DecodeItemKey(const TableDescription& table, std::string_view key, Item* item) {
  uint32_t id;
  std::string text;
  if (!codec::GetFixed32(&key, &id) || id != table.id || !DecodeComponent(table.partition_key.type, &key, &text)) {
    return false;
  }
  SetKeyAttribute(item, table.partition_key.name, MakeValue(table.partition_key.type, std::move(text)));
  if (table.sort_key) {
    text.clear();
    if (!DecodeComponent(table.sort_key->type, &key, &text)) return false;
    SetKeyAttribute(item, table.sort_key->name, MakeValue(table.sort_key->type, std::move(text)));
  }
  return key.empty();
}

bool ItemKeyDecoder::DecodeValues(std::string_view key, const AttributeValue** partition, const AttributeValue** sort) {
  uint32_t id;
  if (!codec::GetFixed32(&key, &id) || id != table_.id) return false;
  if (!partition_encoded_.empty() && key.substr(0, partition_encoded_.size()) == partition_encoded_) {
    key.remove_prefix(partition_encoded_.size());  // encodings are prefix-free: the same key
  } else {
    const std::string_view start = key;
    scratch_.clear();
    if (!DecodeComponent(table_.partition_key.type, &key, &scratch_)) {
      partition_encoded_.clear();
      return false;
    }
    partition_encoded_.assign(start.substr(0, start.size() - key.size()));
    partition_.AssignScalar(KeyValueType(table_.partition_key.type), scratch_);
  }
  *partition = &partition_;
  *sort = nullptr;
  if (table_.sort_key) {
    scratch_.clear();
    if (!DecodeComponent(table_.sort_key->type, &key, &scratch_)) return false;
    sort_.AssignScalar(KeyValueType(table_.sort_key->type), scratch_);
    *sort = &sort_;
  }
  return key.empty();
}

bool ItemKeyDecoder::Decode(std::string_view key, const std::vector<std::string>& attributes, Item* item) {
  const AttributeValue* partition;
  const AttributeValue* sort;
  if (!DecodeValues(key, &partition, &sort)) return false;
  auto wanted = [&](const std::string& name) {
    if (attributes.empty()) return true;
    for (const std::string& a : attributes) {
      if (a == name) return true;
    }
    return false;
  };
  auto set = [&](const std::string& name, const AttributeValue& v) {
    if (item->empty() || NameLess(item->LastName(), name)) {
      item->AppendSortedNull(name)->AssignScalar(v.type(), v.scalar());  // built in place
    } else {
      item->Set(name, v);
    }
  };
  // In name order, so that both are appended when they sort after the other attributes.
  const bool sort_first = sort && NameLess(table_.sort_key->name, table_.partition_key.name);
  if (sort_first && wanted(table_.sort_key->name)) set(table_.sort_key->name, *sort);
  if (wanted(table_.partition_key.name)) set(table_.partition_key.name, *partition);
  if (sort && !sort_first && wanted(table_.sort_key->name)) set(table_.sort_key->name, *sort);
  return true;
}

Result<AttributeValue> ParseKeyText(KeyType type, std::string_view text, std::string_view what) {
  switch (type) {
    case KeyType::kS: return AttributeValue::S(std::string(text));
    case KeyType::kN: {
      auto canonical = codec::CanonicalNumber(text);
      if (!canonical.ok()) return canonical.status().WithContext(what);
      return AttributeValue::N(std::string(text));
    }
    case KeyType::kB: {
      std::string bytes;
      if (!DecodeBase64(text, &bytes)) {
        return Status::InvalidArgument(std::string(what) + ": B key values are given as base64");
      }
      return AttributeValue::B(std::move(bytes));
    }
  }
  return Status::Internal("unknown key type");
}

}  // namespace freshet::query
