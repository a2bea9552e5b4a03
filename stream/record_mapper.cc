#include "stream/record_mapper.h"

#include <nlohmann/json.hpp>

#include "query/item_json.h"
#include "storage/codec.h"

namespace freshet::stream {
namespace {

using nlohmann::json;
using query::AttributeValue;
using Type = AttributeValue::Type;

std::string JoinPath(const std::vector<std::string>& path) {
  std::string s;
  for (auto& p : path) s += (s.empty() ? "" : ".") + p;
  return s;
}

const json* Find(const json& record, const std::vector<std::string>& path) {
  const json* node = &record;
  for (const auto& part : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node->is_null() ? nullptr : node;
}

// The text of a scalar field (strings as they are, numbers and booleans as written).
bool ScalarText(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get_ref<const std::string&>();
    return true;
  }
  if (v.is_number() || v.is_boolean()) {
    *out = v.dump();
    return true;
  }
  return false;
}

// Whether `text` is a DynamoDB number, without allocating once warm.
bool IsNumber(const std::string& text) {
  thread_local std::string scratch;
  scratch.clear();
  return codec::PutOrderedNumber(&scratch, text).ok();
}

Status Convert(const json& v, std::optional<Type> type, const std::vector<std::string>& path, AttributeValue* out) {
  auto wrong = [&](const char* what) {
    return Status::InvalidArgument("field '" + JoinPath(path) + "' is not " + what);
  };
  if (!type) {
    auto value = query::ParsePlainValueJson(v.dump());
    if (!value.ok()) return value.status().WithContext("field '" + JoinPath(path) + "'");
    *out = std::move(value.value());
    return Status::OK();
  }
  std::string text;
  switch (*type) {
    case Type::kN:
      if (!(v.is_number() || v.is_string()) || !ScalarText(v, &text) || !IsNumber(text))
        return wrong("a number");
      *out = AttributeValue::N(std::move(text));
      return Status::OK();
    case Type::kS:
      if (!ScalarText(v, &text)) return wrong("a string");
      *out = AttributeValue::S(std::move(text));
      return Status::OK();
    case Type::kB:
      if (!v.is_string()) return wrong("a string");
      *out = AttributeValue::B(v.get<std::string>());
      return Status::OK();
    case Type::kBool:
      if (!v.is_boolean()) return wrong("true or false");
      *out = AttributeValue::Bool(v.get<bool>());
      return Status::OK();
    default: return wrong("of a supported type");
  }
}

Type KeyAttrType(query::KeyType t) {
  return t == query::KeyType::kN ? Type::kN : t == query::KeyType::kB ? Type::kB : Type::kS;
}

// Replaces each {field} in `name` by the record field's text.
Status ExpandName(const json& record, const std::string& name, std::string* out) {
  if (name.find('{') == std::string::npos) {
    *out = name;
    return Status::OK();
  }
  out->clear();
  size_t pos = 0;
  while (pos < name.size()) {
    size_t open = name.find('{', pos);
    if (open == std::string::npos) {
      out->append(name, pos, std::string::npos);
      break;
    }
    size_t close = name.find('}', open);
    if (close == std::string::npos) {
      out->append(name, pos, std::string::npos);
      break;
    }
    out->append(name, pos, open - pos);
    thread_local std::vector<std::string> field(1);
    field[0].assign(name, open + 1, close - open - 1);
    const json* v = Find(record, field);
    thread_local std::string text;
    if (!v || !ScalarText(*v, &text) || text.empty()) {
      return Status::InvalidArgument("field '" + field[0] + "' (names attribute " + name + ") is missing");
    }
    out->append(text);
    pos = close + 1;
  }
  return Status::OK();
}

}  // namespace

RecordMapper::RecordMapper(const PipelineSpec* spec, std::vector<query::TableDescription> tables)
    : spec_(spec), tables_(std::move(tables)) {}

Status RecordMapper::Map(std::string_view data, std::vector<MappedItem>* out) const {
  json record = json::parse(data.begin(), data.end(), nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return Status::InvalidArgument("record is not valid JSON");
  if (!record.is_object()) return Status::InvalidArgument("record is not a JSON object");
  std::vector<MappedItem> mapped;
  std::string name, text;
  for (size_t t = 0; t < spec_->targets.size(); ++t) {
    const TargetSpec& target = spec_->targets[t];
    const query::TableDescription& table = tables_[t];
    if (target.when) {
      const json* v = Find(record, target.when->path);
      if (!v) continue;
      if (!target.when->in.empty()) {
        if (!ScalarText(*v, &text)) continue;
        bool match = false;
        for (const auto& candidate : target.when->in) match = match || candidate == text;
        if (!match) continue;
      }
    }
    MappedItem item{t, {}};
    item.item.Reserve(target.key.size() + target.attributes.size());
    for (const AttributeMapping& k : target.key) {
      Type key_type = KeyAttrType(k.name_template == table.partition_key.name ? table.partition_key.type
                                                                              : table.sort_key->type);
      AttributeValue value;
      if (k.value.constant) {
        value = *k.value.constant;
      } else {
        const json* v = Find(record, k.value.path);
        if (!v) return Status::InvalidArgument("key field '" + JoinPath(k.value.path) + "' is missing");
        FRESHET_RETURN_IF_ERROR(Convert(*v, key_type, k.value.path, &value));
      }
      if (value.type() != key_type) {
        return Status::InvalidArgument("key attribute " + k.name_template + " must be of type " +
                                       std::string(query::TypeName(key_type)));
      }
      item.item.Set(k.name_template, std::move(value));
    }
    for (const AttributeMapping& a : target.attributes) {
      AttributeValue value;
      if (a.value.constant) {
        value = *a.value.constant;
      } else {
        const json* v = Find(record, a.value.path);
        if (!v || (a.value.optional && v->is_string() && v->get_ref<const std::string&>().empty())) {
          if (a.value.optional) continue;
          return Status::InvalidArgument("field '" + JoinPath(a.value.path) + "' is missing");
        }
        FRESHET_RETURN_IF_ERROR(Convert(*v, a.value.type, a.value.path, &value));
      }
      FRESHET_RETURN_IF_ERROR(ExpandName(record, a.name_template, &name));
      item.item.Set(name, std::move(value));
    }
    mapped.push_back(std::move(item));
  }
  for (auto& m : mapped) out->push_back(std::move(m));
  return Status::OK();
}

}  // namespace freshet::stream
