#include "stream/consumer/record_mapper.h"

#include "query/item_codec.h"
#include "query/item_json.h"
#include "query/item_key.h"
#include "query/table_store.h"
#include "storage/codec.h"
#include "stream/consumer/aggregate.h"

namespace freshet::stream {
namespace {

using query::AttributeValue;
using Type = AttributeValue::Type;
using Kind = FieldValue::Kind;

std::string JoinPath(const std::vector<std::string>& path) {
  std::string s;
  for (auto& p : path) s += (s.empty() ? "" : ".") + p;
  return s;
}

// The text of a scalar field (strings as they are, numbers and booleans as written).
const std::string* ScalarText(const FieldValue& v) {
  return v.kind == Kind::kString || v.kind == Kind::kNumber || v.kind == Kind::kBool ? &v.text : nullptr;
}

// Checks `text` is a number DynamoDB stores (at most 38 significant digits, magnitude in range);
// the error says why not. No allocation once warm.
Status CheckNumber(const std::string& text) {
  thread_local std::string scratch;
  scratch.clear();
  return codec::PutOrderedNumber(&scratch, text);
}

// The rules TableStore checks on write, for values read from a record's JSON object or array
// (scalars are checked where they are made).
Status CheckNested(const AttributeValue& v, const std::string& path, int depth) {
  if (depth > query::kMaxDepth)
    return Status::InvalidArgument("field '" + path + "' is nested more than 32 levels deep");
  switch (v.type()) {
    case Type::kN: {
      Status s = CheckNumber(v.scalar());
      return s.ok() ? s : Status::InvalidArgument("field '" + path + "' holds " + s.message());
    }
    case Type::kL:
      for (const auto& e : v.elements()) FRESHET_RETURN_IF_ERROR(CheckNested(e, path, depth + 1));
      return Status::OK();
    case Type::kM:
      for (const auto& [name, member] : v.map()) {
        if (name.empty()) return Status::InvalidArgument("field '" + path + "' has a member with an empty name");
        FRESHET_RETURN_IF_ERROR(CheckNested(member, path, depth + 1));
      }
      return Status::OK();
    default: return Status::OK();
  }
}

Status Convert(const FieldValue& v, std::optional<Type> type, const std::vector<std::string>& path,
               AttributeValue* out) {
  auto wrong = [&](const char* what) {
    return Status::InvalidArgument("field '" + JoinPath(path) + "' is not " + what);
  };
  if (!type) {
    switch (v.kind) {
      case Kind::kString: *out = AttributeValue::S(v.text); return Status::OK();
      case Kind::kBool: *out = AttributeValue::Bool(v.text == "true"); return Status::OK();
      case Kind::kNumber: type = Type::kN; break;
      default: {
        auto value = query::ParsePlainValueJson(v.text);
        if (!value.ok()) return value.status().WithContext("field '" + JoinPath(path) + "'");
        FRESHET_RETURN_IF_ERROR(CheckNested(*value, JoinPath(path), 1));
        *out = std::move(value.value());
        return Status::OK();
      }
    }
  }
  switch (*type) {
    case Type::kN: {
      if (v.kind != Kind::kNumber && v.kind != Kind::kString) return wrong("a number");
      Status s = CheckNumber(v.text);
      if (!s.ok()) return Status::InvalidArgument("field '" + JoinPath(path) + "' is not a number: " + s.message());
      *out = AttributeValue::N(v.text);
      return Status::OK();
    }
    case Type::kS:
      if (!ScalarText(v)) return wrong("a string");
      *out = AttributeValue::S(v.text);
      return Status::OK();
    case Type::kB:
      if (v.kind != Kind::kString) return wrong("a string");
      *out = AttributeValue::B(v.text);
      return Status::OK();
    case Type::kBool:
      if (v.kind != Kind::kBool) return wrong("true or false");
      *out = AttributeValue::Bool(v.text == "true");
      return Status::OK();
    default: return wrong("of a supported type");
  }
}

// Convert, then the mapping's date truncation.
Status ConvertMapping(const FieldValue& v, const ValueMapping& mapping, std::optional<Type> type, AttributeValue* out) {
  FRESHET_RETURN_IF_ERROR(Convert(v, type, mapping.path, out));
  if (mapping.truncate == ValueMapping::Truncate::kNone) return Status::OK();
  if (out->type() != Type::kS) return Status::InvalidArgument("field '" + JoinPath(mapping.path) + "' is not a date");
  auto date = TruncateDate(out->scalar(), mapping.truncate);
  if (!date.ok()) return date.status().WithContext("field '" + JoinPath(mapping.path) + "'");
  *out = AttributeValue::S(std::move(date.value()));
  return Status::OK();
}

// Whether a record meets a condition.
bool Meets(const Condition& when, const FieldValue& v) {
  if (v.kind == Kind::kMissing) return false;
  if (when.in.empty()) return true;
  const std::string* text = ScalarText(v);
  if (!text) return false;
  for (const auto& candidate : when.in) {
    if (candidate == *text) return true;
  }
  return false;
}

Type KeyAttrType(query::KeyType t) {
  return t == query::KeyType::kN ? Type::kN : t == query::KeyType::kB ? Type::kB : Type::kS;
}

}  // namespace

RecordMapper::RecordMapper(const PipelineSpec* spec, std::vector<query::TableDescription> tables)
    : spec_(spec), tables_(std::move(tables)) {
  for (size_t t = 0; t < spec_->targets.size(); ++t) {
    const TargetSpec& target = spec_->targets[t];
    const query::TableDescription& table = tables_[t];
    Compiled::Target c;
    if (target.when) {
      c.has_when = true;
      c.when_slot = fields_.Add(target.when->path);
    }
    auto compile = [&](const AttributeMapping& a, bool is_key) {
      Compiled::Mapping m;
      m.spec = &a;
      if (!a.value.constant) m.slot = fields_.Add(a.value.path);
      m.is_key = is_key;
      if (is_key) {
        m.key_type =
            KeyAttrType(a.name_template == table.partition_key.name || !table.sort_key ? table.partition_key.type
                                                                                       : table.sort_key->type);
      }
      m.name = CompileName(a.name_template, &m.fixed_name);
      return m;
    };
    for (const AttributeMapping& k : target.key) c.key.push_back(compile(k, true));
    for (const AttributeMapping& a : target.attributes) c.attributes.push_back(compile(a, false));
    for (const AggregateSpec& a : target.aggregates) {
      Compiled::Aggregate g;
      g.spec = &a;
      g.has_field = !a.value.path.empty();
      if (g.has_field) g.slot = fields_.Add(a.value.path);
      if (a.when) {
        g.has_when = true;
        g.when_slot = fields_.Add(a.when->path);
      }
      g.name = CompileName(a.name_template, &g.fixed_name);
      c.aggregates.push_back(std::move(g));
    }
    compiled_.targets.push_back(std::move(c));
  }
}

Status RecordMapper::FillName(const std::vector<Compiled::NamePart>& parts, const std::vector<FieldValue>& fields,
                              const std::string& name_template, std::string* name) {
  name->clear();
  for (const auto& part : parts) {
    *name += part.literal;
    if (part.slot < 0) continue;
    const std::string* text = ScalarText(fields[static_cast<size_t>(part.slot)]);
    if (!text || text->empty()) {
      return Status::InvalidArgument("field '" + part.field + "' (names attribute " + name_template + ") is missing");
    }
    *name += *text;
  }
  return Status::OK();
}

Status RecordMapper::MapAggregates(const Compiled::Target& c, const std::vector<FieldValue>& fields,
                                   MappedItem* out) const {
  for (const Compiled::Aggregate& g : c.aggregates) {
    if (g.has_when && !Meets(*g.spec->when, fields[g.when_slot])) continue;
    AggregateInput input;
    input.spec = g.spec;
    if (g.has_field) {
      const FieldValue& v = fields[g.slot];
      if (v.kind == Kind::kMissing) continue;  // as SQL's aggregates skip NULL
      if (g.spec->op != AggregateSpec::Op::kCount) {
        FRESHET_RETURN_IF_ERROR(ConvertMapping(v, g.spec->value, g.spec->value.type, &input.value));
        input.has_value = true;
      }
    }
    if (g.fixed_name) {
      input.name = g.spec->name_template;
    } else {
      FRESHET_RETURN_IF_ERROR(FillName(g.name, fields, g.spec->name_template, &input.name));
    }
    out->aggregates.push_back(std::move(input));
  }
  return Status::OK();
}

std::vector<RecordMapper::Compiled::NamePart> RecordMapper::CompileName(const std::string& name, bool* fixed) {
  // Split the name at each {field}; an unclosed '{' is literal text.
  std::vector<Compiled::NamePart> parts;
  *fixed = true;
  size_t pos = 0;
  while (pos < name.size()) {
    size_t open = name.find('{', pos);
    size_t close = open == std::string::npos ? std::string::npos : name.find('}', open);
    if (close == std::string::npos) {
      parts.push_back({name.substr(pos), -1, {}});
      break;
    }
    std::string field = name.substr(open + 1, close - open - 1);
    int slot = static_cast<int>(fields_.Add({field}));
    parts.push_back({name.substr(pos, open - pos), slot, std::move(field)});
    *fixed = false;
    pos = close + 1;
  }
  return parts;
}

Status RecordMapper::MapTarget(size_t t, const std::vector<FieldValue>& fields, MappedItem* out) const {
  const TargetSpec& target = spec_->targets[t];
  const Compiled::Target& c = compiled_.targets[t];
  const query::TableDescription& table = tables_[t];
  out->target = t;
  const bool merge = target.mode != TargetSpec::Mode::kPut;  // merge and aggregate set attributes
  out->item.Reserve(c.key.size() + (merge ? 0 : c.attributes.size()));
  thread_local query::Item set;  // a merge's attributes (a later one of the same name wins)
  set.Clear();
  for (const Compiled::Mapping& k : c.key) {
    AttributeValue value;
    if (k.spec->value.constant) {
      value = *k.spec->value.constant;
    } else {
      const FieldValue& v = fields[k.slot];
      if (v.kind == Kind::kMissing) {
        return Status::InvalidArgument("key field '" + JoinPath(k.spec->value.path) + "' is missing");
      }
      FRESHET_RETURN_IF_ERROR(ConvertMapping(v, k.spec->value, k.key_type, &value));
    }
    if (value.type() != k.key_type) {
      return Status::InvalidArgument("key attribute " + k.spec->name_template + " must be of type " +
                                     std::string(query::TypeName(k.key_type)));
    }
    out->item.Set(k.spec->name_template, std::move(value));
  }
  std::string name;
  for (const Compiled::Mapping& a : c.attributes) {
    AttributeValue value;
    if (a.spec->value.constant) {
      value = *a.spec->value.constant;
    } else {
      const FieldValue& v = fields[a.slot];
      if (v.kind == Kind::kMissing || (a.spec->value.optional && v.kind == Kind::kString && v.text.empty())) {
        if (a.spec->value.optional) continue;
        return Status::InvalidArgument("field '" + JoinPath(a.spec->value.path) + "' is missing");
      }
      FRESHET_RETURN_IF_ERROR(ConvertMapping(v, a.spec->value, a.spec->value.type, &value));
    }
    auto add = [&](std::string attr) { (merge ? set : out->item).Set(std::move(attr), std::move(value)); };
    if (a.fixed_name) {
      add(a.spec->name_template);
      continue;
    }
    FRESHET_RETURN_IF_ERROR(FillName(a.name, fields, a.spec->name_template, &name));
    add(name);
  }
  if (target.mode == TargetSpec::Mode::kAggregate) FRESHET_RETURN_IF_ERROR(MapAggregates(c, fields, out));
  // Encode once: the key, and the item (put) or the attributes to set (merge).
  FRESHET_RETURN_IF_ERROR(query::AppendItemKey(table, out->item, &out->key));
  query::EncodeItemValue(merge ? set : out->item, table.partition_key.name, table.sort_key ? table.sort_key->name : "",
                         &out->value);
  if (out->key.size() + out->value.size() > query::kMaxItemBytes) {
    return Status::InvalidArgument("item is " + std::to_string(out->key.size() + out->value.size()) +
                                   " bytes; the limit is 400 KB");
  }
  return Status::OK();
}

Status RecordMapper::Map(std::string_view data, std::vector<MappedItem>* out) const {
  thread_local std::vector<FieldValue> fields;
  FRESHET_RETURN_IF_ERROR(fields_.Extract(data, &fields));
  const size_t start = out->size();
  for (size_t t = 0; t < spec_->targets.size(); ++t) {
    const TargetSpec& target = spec_->targets[t];
    const Compiled::Target& c = compiled_.targets[t];
    if (c.has_when && !Meets(*target.when, fields[c.when_slot])) continue;
    Status s = MapTarget(t, fields, &out->emplace_back());
    if (!s.ok()) {
      out->resize(start);
      return s;
    }
  }
  return Status::OK();
}

}  // namespace freshet::stream
