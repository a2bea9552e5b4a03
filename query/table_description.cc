#include "query/table_description.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace freshet::query {
namespace {

using nlohmann::json;

bool KeyTypeFromName(std::string_view name, KeyType* type) {
  if (name == "S")
    *type = KeyType::kS;
  else if (name == "N")
    *type = KeyType::kN;
  else if (name == "B")
    *type = KeyType::kB;
  else
    return false;
  return true;
}

Status ValidateAttributeName(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > 255) {
    return Status::InvalidArgument(std::string(what) + " name must be 1..255 characters");
  }
  return Status::OK();
}

Status AttributeType(const json& defs, const std::string& attr, KeyType* type) {
  if (defs.is_array()) {
    for (const json& d : defs) {
      if (d.at("AttributeName").get<std::string>() != attr) continue;
      const std::string t = d.at("AttributeType").get<std::string>();
      if (!KeyTypeFromName(t, type)) {
        return Status::InvalidArgument("CreateTable spec: AttributeType of '" + attr + "' must be S, N or B, not '" +
                                       t + "'");
      }
      return Status::OK();
    }
  }
  return Status::InvalidArgument("CreateTable spec: key attribute '" + attr + "' is not in AttributeDefinitions");
}

// Throws nlohmann exceptions on wrong shapes; the caller turns them into a Status.
Result<IndexDescription> ParseIndexJson(const json& doc, const json& defs, bool global) {
  IndexDescription index;
  index.global = global;
  index.name = doc.at("IndexName").get<std::string>();
  std::string hash, range;
  for (const json& k : doc.at("KeySchema")) {
    const std::string role = k.at("KeyType").get<std::string>();
    std::string* slot = role == "HASH" ? &hash : role == "RANGE" ? &range : nullptr;
    if (!slot || !slot->empty()) return Status::InvalidArgument("index '" + index.name + "': bad KeySchema");
    *slot = k.at("AttributeName").get<std::string>();
  }
  if (hash.empty()) return Status::InvalidArgument("index '" + index.name + "': KeySchema has no HASH key");
  index.partition_key.name = hash;
  FRESHET_RETURN_IF_ERROR(AttributeType(defs, hash, &index.partition_key.type));
  if (!range.empty()) {
    KeyAttribute sk{range, KeyType::kS};
    FRESHET_RETURN_IF_ERROR(AttributeType(defs, range, &sk.type));
    index.sort_key = sk;
  }
  const json projection = doc.value("Projection", json::object());
  const std::string type = projection.value("ProjectionType", std::string("ALL"));
  if (type == "ALL") {
    index.projection = IndexDescription::Projection::kAll;
  } else if (type == "KEYS_ONLY") {
    index.projection = IndexDescription::Projection::kKeysOnly;
  } else if (type == "INCLUDE") {
    index.projection = IndexDescription::Projection::kInclude;
    for (const json& a : projection.value("NonKeyAttributes", json::array())) {
      index.non_key_attributes.push_back(a.get<std::string>());
    }
  } else {
    return Status::InvalidArgument("index '" + index.name + "': unknown ProjectionType '" + type + "'");
  }
  return index;
}

json IndexToJson(const IndexDescription& x) {
  json j = {{"name", x.name},
            {"global", x.global},
            {"number", x.number},
            {"partition_key", {{"name", x.partition_key.name}, {"type", KeyTypeName(x.partition_key.type)}}},
            {"projection", ProjectionName(x.projection)},
            {"non_key_attributes", x.non_key_attributes},
            {"backfilling", x.backfilling}};
  if (x.sort_key) j["sort_key"] = {{"name", x.sort_key->name}, {"type", KeyTypeName(x.sort_key->type)}};
  return j;
}

// Throws nlohmann exceptions on wrong shapes; the caller turns them into a Status.
Result<TableDescription> ParseCreateTableJson(const json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("CreateTable spec: expected a JSON object");
  TableDescription desc;
  if (!doc.contains("TableName")) return Status::InvalidArgument("CreateTable spec: missing TableName");
  desc.name = doc.at("TableName").get<std::string>();
  FRESHET_RETURN_IF_ERROR(ValidateTableName(desc.name));
  if (!doc.contains("KeySchema")) return Status::InvalidArgument("CreateTable spec: missing KeySchema");
  std::string hash, range;
  for (const json& k : doc.at("KeySchema")) {
    const std::string role = k.at("KeyType").get<std::string>();
    std::string* slot = role == "HASH" ? &hash : role == "RANGE" ? &range : nullptr;
    if (!slot)
      return Status::InvalidArgument("CreateTable spec: KeySchema KeyType must be HASH or RANGE, not '" + role + "'");
    if (!slot->empty()) return Status::InvalidArgument("CreateTable spec: KeySchema has more than one " + role);
    *slot = k.at("AttributeName").get<std::string>();
  }
  if (hash.empty()) return Status::InvalidArgument("CreateTable spec: KeySchema has no HASH key");
  auto type_of = [&](const std::string& attr, KeyType* type) -> Status {
    if (doc.contains("AttributeDefinitions")) {
      for (const json& d : doc.at("AttributeDefinitions")) {
        if (d.at("AttributeName").get<std::string>() != attr) continue;
        const std::string t = d.at("AttributeType").get<std::string>();
        if (!KeyTypeFromName(t, type)) {
          return Status::InvalidArgument("CreateTable spec: AttributeType of '" + attr + "' must be S, N or B, not '" +
                                         t + "'");
        }
        return Status::OK();
      }
    }
    return Status::InvalidArgument("CreateTable spec: key attribute '" + attr + "' is not in AttributeDefinitions");
  };
  desc.partition_key.name = hash;
  FRESHET_RETURN_IF_ERROR(ValidateAttributeName(hash, "HASH key"));
  FRESHET_RETURN_IF_ERROR(type_of(hash, &desc.partition_key.type));
  if (!range.empty()) {
    if (range == hash) return Status::InvalidArgument("CreateTable spec: HASH and RANGE keys must differ");
    KeyAttribute sk{range, KeyType::kS};
    FRESHET_RETURN_IF_ERROR(type_of(range, &sk.type));
    desc.sort_key = sk;
  }
  const json defs = doc.value("AttributeDefinitions", json::array());
  for (const char* member : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    auto it = doc.find(member);
    if (it == doc.end() || it->is_null()) continue;
    for (const json& x : *it) {
      FRESHET_ASSIGN_OR_RETURN(IndexDescription index, ParseIndexJson(x, defs, member[0] == 'G'));
      if (desc.FindIndex(index.name)) {
        return Status::InvalidArgument("CreateTable spec: duplicate index name '" + index.name + "'");
      }
      index.number = desc.next_index++;
      desc.indexes.push_back(std::move(index));
    }
  }
  if (auto it = doc.find("StreamSpecification");
      it != doc.end() && it->is_object() && it->value("StreamEnabled", false)) {
    desc.stream.enabled = true;
    const std::string view = it->value("StreamViewType", std::string("NEW_AND_OLD_IMAGES"));
    if (!StreamViewFromName(view, &desc.stream.view)) {
      return Status::InvalidArgument("CreateTable spec: unknown StreamViewType '" + view + "'");
    }
  }
  desc.spec_json = doc.dump();
  return desc;
}

Result<KeyAttribute> ParseKeyFlag(std::string_view flag, std::string_view what) {
  const size_t colon = flag.rfind(':');
  KeyAttribute key;
  if (colon == std::string_view::npos || colon == 0 || !KeyTypeFromName(flag.substr(colon + 1), &key.type)) {
    return Status::InvalidArgument(std::string(what) + " must be NAME:TYPE with TYPE S, N or B, not '" +
                                   std::string(flag) + "'");
  }
  key.name = std::string(flag.substr(0, colon));
  FRESHET_RETURN_IF_ERROR(ValidateAttributeName(key.name, what));
  return key;
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kS: return "S";
    case KeyType::kN: return "N";
    case KeyType::kB: return "B";
  }
  return "?";
}

std::string_view ProjectionName(IndexDescription::Projection p) {
  switch (p) {
    case IndexDescription::Projection::kAll: return "ALL";
    case IndexDescription::Projection::kKeysOnly: return "KEYS_ONLY";
    case IndexDescription::Projection::kInclude: return "INCLUDE";
  }
  return "?";
}

std::string_view StreamViewName(StreamSettings::View v) {
  switch (v) {
    case StreamSettings::View::kKeysOnly: return "KEYS_ONLY";
    case StreamSettings::View::kNewImage: return "NEW_IMAGE";
    case StreamSettings::View::kOldImage: return "OLD_IMAGE";
    case StreamSettings::View::kNewAndOldImages: return "NEW_AND_OLD_IMAGES";
  }
  return "?";
}

bool StreamViewFromName(std::string_view name, StreamSettings::View* view) {
  for (auto v : {StreamSettings::View::kKeysOnly, StreamSettings::View::kNewImage, StreamSettings::View::kOldImage,
                 StreamSettings::View::kNewAndOldImages}) {
    if (StreamViewName(v) == name) {
      *view = v;
      return true;
    }
  }
  return false;
}

const IndexDescription* TableDescription::FindIndex(std::string_view index_name) const {
  for (const IndexDescription& x : indexes) {
    if (x.name == index_name) return &x;
  }
  return nullptr;
}

Result<IndexDescription> ParseIndex(std::string_view index, std::string_view attribute_definitions, bool global) {
  try {
    return ParseIndexJson(json::parse(index), json::parse(attribute_definitions), global);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("index spec: ") + e.what());
  }
}

Status ValidateTableName(std::string_view name) {
  bool ok = name.size() >= 3 && name.size() <= 255;
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  }
  if (!ok) {
    return Status::InvalidArgument("invalid table name '" + std::string(name) +
                                   "': use 3..255 characters of A-Z a-z 0-9 _ - .");
  }
  return Status::OK();
}

Result<TableDescription> ParseCreateTable(std::string_view text) {
  try {
    return ParseCreateTableJson(json::parse(text));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("CreateTable spec: ") + e.what());
  }
}

Result<TableDescription> TableFromFlags(std::string_view name, std::string_view partition, std::string_view sort) {
  FRESHET_RETURN_IF_ERROR(ValidateTableName(name));
  TableDescription desc;
  desc.name = std::string(name);
  FRESHET_ASSIGN_OR_RETURN(desc.partition_key, ParseKeyFlag(partition, "--partition-key"));
  json defs = json::array(), schema = json::array();
  defs.push_back({{"AttributeName", desc.partition_key.name}, {"AttributeType", KeyTypeName(desc.partition_key.type)}});
  schema.push_back({{"AttributeName", desc.partition_key.name}, {"KeyType", "HASH"}});
  if (!sort.empty()) {
    FRESHET_ASSIGN_OR_RETURN(KeyAttribute sk, ParseKeyFlag(sort, "--sort-key"));
    if (sk.name == desc.partition_key.name) {
      return Status::InvalidArgument("--partition-key and --sort-key must name different attributes");
    }
    defs.push_back({{"AttributeName", sk.name}, {"AttributeType", KeyTypeName(sk.type)}});
    schema.push_back({{"AttributeName", sk.name}, {"KeyType", "RANGE"}});
    desc.sort_key = sk;
  }
  try {
    desc.spec_json = json{{"TableName", desc.name}, {"AttributeDefinitions", defs}, {"KeySchema", schema}}.dump();
  } catch (const json::type_error&) {  // dump() throws on an attribute name that is not UTF-8
    return Status::InvalidArgument("--partition-key and --sort-key must name attributes in valid UTF-8");
  }
  return desc;
}

std::string DescriptionToJson(const TableDescription& d) {
  json j = {{"name", d.name},
            {"id", d.id},
            {"partition_key", {{"name", d.partition_key.name}, {"type", KeyTypeName(d.partition_key.type)}}},
            {"created_ms", d.created_ms},
            {"spec", json::parse(d.spec_json.empty() ? "{}" : d.spec_json)}};
  if (d.sort_key) j["sort_key"] = {{"name", d.sort_key->name}, {"type", KeyTypeName(d.sort_key->type)}};
  if (!d.indexes.empty()) {
    j["indexes"] = json::array();
    for (const IndexDescription& x : d.indexes) j["indexes"].push_back(IndexToJson(x));
  }
  if (d.next_index != 1) j["next_index"] = d.next_index;
  if (!d.ttl_attribute.empty()) j["ttl_attribute"] = d.ttl_attribute;
  if (d.stream.enabled || d.stream.label_ms != 0) {
    j["stream"] = {
        {"enabled", d.stream.enabled}, {"view", StreamViewName(d.stream.view)}, {"label_ms", d.stream.label_ms}};
  }
  return j.dump();
}

Result<TableDescription> DescriptionFromJson(std::string_view text) {
  try {
    json j = json::parse(text);
    TableDescription d;
    d.name = j.at("name").get<std::string>();
    d.id = j.at("id").get<uint32_t>();
    d.created_ms = j.value("created_ms", uint64_t{0});
    auto key = [](const json& k, KeyAttribute* out) {
      out->name = k.at("name").get<std::string>();
      return KeyTypeFromName(k.at("type").get<std::string>(), &out->type);
    };
    bool ok = key(j.at("partition_key"), &d.partition_key);
    if (j.contains("sort_key")) ok = key(j.at("sort_key"), &d.sort_key.emplace()) && ok;
    if (!ok) return Status::Corruption("table description has an unknown key type");
    d.spec_json = j.contains("spec") ? j.at("spec").dump() : "{}";
    for (const json& x : j.value("indexes", json::array())) {
      IndexDescription& index = d.indexes.emplace_back();
      index.name = x.at("name").get<std::string>();
      index.global = x.at("global").get<bool>();
      index.number = x.at("number").get<uint32_t>();
      ok = key(x.at("partition_key"), &index.partition_key) && ok;
      if (x.contains("sort_key")) ok = key(x.at("sort_key"), &index.sort_key.emplace()) && ok;
      const std::string p = x.at("projection").get<std::string>();
      index.projection = p == "ALL"         ? IndexDescription::Projection::kAll
                         : p == "KEYS_ONLY" ? IndexDescription::Projection::kKeysOnly
                                            : IndexDescription::Projection::kInclude;
      index.non_key_attributes = x.value("non_key_attributes", std::vector<std::string>());
      index.backfilling = x.value("backfilling", false);
    }
    if (!ok) return Status::Corruption("table description has an unknown index key type");
    d.next_index = j.value("next_index", uint32_t{1});
    d.ttl_attribute = j.value("ttl_attribute", std::string());
    if (j.contains("stream")) {
      const json& st = j.at("stream");
      d.stream.enabled = st.at("enabled").get<bool>();
      d.stream.label_ms = st.value("label_ms", uint64_t{0});
      if (!StreamViewFromName(st.at("view").get<std::string>(), &d.stream.view)) {
        return Status::Corruption("table description has an unknown stream view");
      }
    }
    return d;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("malformed table description: ") + e.what());
  }
}

}  // namespace freshet::query
