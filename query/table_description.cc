#include "query/table_description.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace freshet::query {
namespace {

using nlohmann::json;

bool KeyTypeFromName(std::string_view name, KeyType* type) {
  if (name == "S") *type = KeyType::kS;
  else if (name == "N") *type = KeyType::kN;
  else if (name == "B") *type = KeyType::kB;
  else return false;
  return true;
}

Status ValidateAttributeName(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > 255) {
    return Status::InvalidArgument(std::string(what) + " name must be 1..255 characters");
  }
  return Status::OK();
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
    if (!slot) return Status::InvalidArgument("CreateTable spec: KeySchema KeyType must be HASH or RANGE, not '" + role + "'");
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
          return Status::InvalidArgument("CreateTable spec: AttributeType of '" + attr + "' must be S, N or B, not '" + t + "'");
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
  desc.spec_json = doc.dump();
  return desc;
}

Result<KeyAttribute> ParseKeyFlag(std::string_view flag, std::string_view what) {
  const size_t colon = flag.rfind(':');
  KeyAttribute key;
  if (colon == std::string_view::npos || colon == 0 ||
      !KeyTypeFromName(flag.substr(colon + 1), &key.type)) {
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

Result<TableDescription> TableFromFlags(std::string_view name, std::string_view partition,
                                        std::string_view sort) {
  FRESHET_RETURN_IF_ERROR(ValidateTableName(name));
  TableDescription desc;
  desc.name = std::string(name);
  FRESHET_ASSIGN_OR_RETURN(desc.partition_key, ParseKeyFlag(partition, "--partition-key"));
  json defs = json::array(), schema = json::array();
  defs.push_back({{"AttributeName", desc.partition_key.name},
                  {"AttributeType", KeyTypeName(desc.partition_key.type)}});
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
    return d;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("malformed table description: ") + e.what());
  }
}

}  // namespace freshet::query
