// DynamoDB table operations: CreateTable, DescribeTable, ListTables, DeleteTable (TTL:
// dynamodb_ttl.cc; UpdateTable and tags: dynamodb_table_settings.cc). Shapes: AWS's DynamoDB API reference.
//
// A table is ACTIVE as soon as CreateTable returns (freshet has nothing to provision). The
// CreateTable document is kept with the table (TableDescription::spec_json), so BillingMode,
// ProvisionedThroughput and Tags are echoed as given. Secondary indexes: dynamodb_indexes.cc.
// Encryption settings and deletion protection are refused, not silently ignored.
#include <algorithm>
#include <cstdio>
#include <set>

#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol {
namespace dynamodb {
namespace {

bool ValidNameChars(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

std::optional<AwsError> CheckTableName(const std::string& name) {
  if (auto e = CheckLength(name, "TableName", 3, 255)) return e;
  if (!ValidNameChars(name)) {
    return ValidationError("TableName", "'" + name + "'",
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  return std::nullopt;
}

// Checks the key schema against the attribute definitions as AWS does; `index_keys` are the key
// attributes of the table's secondary indexes (null: the shapes only, the definitions used are
// checked in a second call once the indexes are).
std::optional<AwsError> CheckKeySchema(const Json& schema, const Json& defs,
                                       const std::set<std::string>* index_keys_or_null) {
  if (!schema.is_array() || schema.empty() || schema.size() > 2) {
    return ValidationError("KeySchema", schema.is_array() ? "'" + schema.dump() + "'" : "null",
                           "Member must have length less than or equal to 2");
  }
  if (!defs.is_array()) return MissingMember("AttributeDefinitions");
  std::vector<std::string> keys;
  for (size_t i = 0; i < schema.size(); ++i) {
    const Json& k = schema[i];
    if (!k.is_object() || !k.contains("AttributeName") || !k["AttributeName"].is_string()) {
      return MissingMember("KeySchema." + std::to_string(i + 1) + ".member.attributeName");
    }
    const std::string type = k.value("KeyType", std::string());
    if (type != "HASH" && type != "RANGE") {
      return ValidationError("KeySchema." + std::to_string(i + 1) + ".member.keyType", "'" + type + "'",
                             "Member must satisfy enum value set: [HASH, RANGE]");
    }
    if (i == 0 && type != "HASH")
      return Validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (i == 1 && type != "RANGE") {
      return Validation("Too many hash keys specified.  All Dynamo DB tables must have exactly one hash key");
    }
    keys.push_back(k["AttributeName"].get<std::string>());
  }
  if (keys.size() == 2 && keys[0] == keys[1]) {
    return Validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  std::set<std::string> defined;
  std::string listing;
  for (size_t i = 0; i < defs.size(); ++i) {
    const Json& d = defs[i];
    if (!d.is_object() || !d.contains("AttributeName") || !d["AttributeName"].is_string()) {
      return MissingMember("AttributeDefinitions." + std::to_string(i + 1) + ".member.attributeName");
    }
    const std::string type = d.value("AttributeType", std::string());
    if (type != "S" && type != "N" && type != "B") {
      return ValidationError("AttributeDefinitions." + std::to_string(i + 1) + ".member.attributeType",
                             "'" + type + "'", "Member must satisfy enum value set: [B, N, S]");
    }
    const std::string name = d["AttributeName"].get<std::string>();
    if (!defined.insert(name).second) {
      return Validation("Invalid request provided: Duplicate AttributeName in AttributeDefinitions: " + name);
    }
    listing += (listing.empty() ? "" : ", ") + name;
  }
  for (const std::string& k : keys) {
    if (!defined.count(k)) {
      std::string key_list;
      for (const std::string& kk : keys) key_list += (key_list.empty() ? "" : ", ") + kk;
      return Validation(
          "One or more parameter values were invalid: Some index key attributes are not defined in "
          "AttributeDefinitions. Keys: [" +
          key_list + "], AttributeDefinitions: [" + listing + "]");
    }
  }
  if (!index_keys_or_null) return std::nullopt;
  const std::set<std::string>& index_keys = *index_keys_or_null;
  std::set<std::string> used(keys.begin(), keys.end());
  for (const std::string& k : index_keys) {
    if (!defined.count(k)) {
      return Validation(
          "One or more parameter values were invalid: Some index key attributes are not defined in "
          "AttributeDefinitions. Keys: [" +
          k + "], AttributeDefinitions: [" + listing + "]");
    }
    used.insert(k);
  }
  if (!index_keys.empty() && defined.size() != used.size()) {
    std::string used_list;
    for (const std::string& k : used) used_list += (used_list.empty() ? "" : ", ") + k;
    return Validation(
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [" +
        listing + "], keys used: [" + used_list + "]");
  }
  if (defined.size() != keys.size() && index_keys.empty()) {
    return Validation(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
        "match number of attributes defined in AttributeDefinitions");
  }
  return std::nullopt;
}

std::optional<AwsError> CheckBilling(const Json& req) {
  const std::string mode = req.value("BillingMode", std::string("PROVISIONED"));
  if (mode != "PROVISIONED" && mode != "PAY_PER_REQUEST") {
    return ValidationError("BillingMode", "'" + mode + "'",
                           "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  auto pt = req.find("ProvisionedThroughput");
  const bool has_pt = pt != req.end() && !pt->is_null();
  if (mode == "PAY_PER_REQUEST" && has_pt) {
    return Validation(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can "
        "be specified when BillingMode is PAY_PER_REQUEST");
  }
  if (mode == "PROVISIONED") {
    if (!has_pt) {
      return Validation(
          "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both "
          "be specified when BillingMode is PROVISIONED");
    }
    if (!pt->is_object()) return WrongType("ProvisionedThroughput", "a structure");
    for (const char* units : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      auto v = OptionalInteger(*pt, units, 1, INT64_MAX);
      if (!v.ok()) return v.error();
      if (!v.value()) return MissingMember(std::string("ProvisionedThroughput.") + units);
    }
  }
  return std::nullopt;
}

// What freshet cannot do yet is refused rather than ignored.
std::optional<AwsError> CheckUnsupported(const Json& req) {
  if (auto it = req.find("SSESpecification"); it != req.end() && it->is_object() && it->value("Enabled", false)) {
    return Validation("freshet does not support SSESpecification (encryption at rest) yet");
  }
  if (req.value("DeletionProtectionEnabled", false)) {
    return Validation("freshet does not support DeletionProtectionEnabled yet");
  }
  return std::nullopt;
}

}  // namespace

std::optional<AwsError> CheckStreamSpecification(const Json& req) {
  auto it = req.find("StreamSpecification");
  if (it == req.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return WrongType("StreamSpecification", "a structure");
  auto enabled = it->find("StreamEnabled");
  if (enabled == it->end() || !enabled->is_boolean()) return MissingMember("StreamSpecification.StreamEnabled");
  auto view = it->find("StreamViewType");
  const bool has_view = view != it->end() && !view->is_null();
  if (enabled->get<bool>() && !has_view) {
    return Validation(
        "One or more parameter values were invalid: You must specify a StreamViewType when enabling "
        "a stream");
  }
  if (!enabled->get<bool>() && has_view) {
    return Validation(
        "One or more parameter values were invalid: You cannot specify a StreamViewType when "
        "disabling a stream");
  }
  query::StreamSettings::View v;
  if (has_view && (!view->is_string() || !query::StreamViewFromName(view->get<std::string>(), &v))) {
    return ValidationError("StreamSpecification.StreamViewType", "'" + view->dump() + "'",
                           "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, "
                           "KEYS_ONLY]");
  }
  return std::nullopt;
}

namespace {

Outcome CreateTable(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(req, "TableName"));
  if (auto e = CheckTableName(name)) return std::move(*e);
  auto schema = req.find("KeySchema");
  if (schema == req.end() || schema->is_null()) return MissingMember("KeySchema");
  auto defs = req.find("AttributeDefinitions");
  if (defs == req.end() || defs->is_null()) return MissingMember("AttributeDefinitions");
  std::set<std::string> index_keys;
  if (auto e = CheckKeySchema(*schema, *defs, nullptr)) return std::move(*e);
  if (auto e = CheckIndexes(req, &index_keys)) return std::move(*e);
  if (auto e = CheckKeySchema(*schema, *defs, &index_keys)) return std::move(*e);
  if (auto e = CheckUnsupported(req)) return std::move(*e);
  if (auto e = CheckBilling(req)) return std::move(*e);
  if (auto e = CheckStreamSpecification(req)) return std::move(*e);
  Json doc = {{"TableName", name}, {"KeySchema", *schema}, {"AttributeDefinitions", *defs}};
  for (const char* member : {"BillingMode", "ProvisionedThroughput", "Tags", "TableClass", "LocalSecondaryIndexes",
                             "GlobalSecondaryIndexes", "StreamSpecification"}) {
    if (auto it = req.find(member); it != req.end() && !it->is_null()) doc[member] = *it;
  }
  FRESHET_ASSIGN_OR_RETURN(TableDescription spec, query::ParseCreateTable(doc.dump()));
  auto created = call.backend.tables->Create(spec);
  if (!created.ok()) {
    if (created.status().code() == Status::Code::kAlreadyExists) {
      return AwsError::Client("ResourceInUseException", "Table already exists: " + name);
    }
    return created.status();
  }
  query::TableStats empty;
  return Json{{"TableDescription", DescribeJson(call, *created, &empty, "ACTIVE")}};
}

Outcome DescribeTable(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, call.request));
  FRESHET_ASSIGN_OR_RETURN(query::TableStats stats, call.backend.tables->Stats(table));
  return Json{{"Table", DescribeJson(call, table, &stats, "ACTIVE")}};
}

Outcome DeleteTable(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, call.request));
  FRESHET_ASSIGN_OR_RETURN(query::TableStats stats, call.backend.tables->Stats(table));
  Status deleted = call.backend.tables->Delete(table.name);
  if (!deleted.ok()) {
    if (deleted.code() == Status::Code::kNotFound) return TableNotFound(table.name);
    return deleted;
  }
  return Json{{"TableDescription", DescribeJson(call, table, &stats, "DELETING")}};
}

Outcome ListTables(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartTableName"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 100));
  FRESHET_ASSIGN_OR_RETURN(auto tables, call.backend.tables->List());
  std::vector<std::string> names;
  for (const auto& t : tables) {
    if (!start || t.name > *start) names.push_back(t.name);
  }
  std::sort(names.begin(), names.end());
  const size_t max = static_cast<size_t>(limit.value_or(100));
  Json out = {{"TableNames", Json::array()}};
  for (size_t i = 0; i < names.size() && i < max; ++i) out["TableNames"].push_back(names[i]);
  if (names.size() > max) out["LastEvaluatedTableName"] = names[max - 1];
  return out;
}

}  // namespace

std::string TableArn(const Call& call, const std::string& name) {
  return "arn:aws:dynamodb:" + call.context.region + ":" + call.context.account_id + ":table/" + name;
}

static std::string TableId(uint32_t id) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012x", id);
  return buf;
}

Json Spec(const TableDescription& table) {
  Json spec = Json::parse(table.spec_json.empty() ? "{}" : table.spec_json, nullptr, false);
  return spec.is_object() ? spec : Json::object();
}

Json DescribeJson(const Call& call, const TableDescription& table, const query::TableStats* stats, const char* status) {
  const Json spec = Spec(table);
  Json key_schema = Json::array(), defs = Json::array();
  key_schema.push_back({{"AttributeName", table.partition_key.name}, {"KeyType", "HASH"}});
  defs.push_back({{"AttributeName", table.partition_key.name},
                  {"AttributeType", std::string(query::KeyTypeName(table.partition_key.type))}});
  if (table.sort_key) {
    key_schema.push_back({{"AttributeName", table.sort_key->name}, {"KeyType", "RANGE"}});
    defs.push_back({{"AttributeName", table.sort_key->name},
                    {"AttributeType", std::string(query::KeyTypeName(table.sort_key->type))}});
  }
  std::set<std::string> defined = {table.partition_key.name};
  if (table.sort_key) defined.insert(table.sort_key->name);
  for (const query::IndexDescription& x : table.indexes) {
    for (const query::KeyAttribute* k : {&x.partition_key, x.sort_key ? &*x.sort_key : nullptr}) {
      if (k && defined.insert(k->name).second) {
        defs.push_back({{"AttributeName", k->name}, {"AttributeType", std::string(query::KeyTypeName(k->type))}});
      }
    }
  }
  const double created = static_cast<double>(table.created_ms) / 1000.0;
  Json out = {{"TableName", table.name},
              {"TableStatus", status},
              {"KeySchema", key_schema},
              {"AttributeDefinitions", defs},
              {"CreationDateTime", created},
              {"ItemCount", stats ? stats->item_count : 0},
              {"TableSizeBytes", stats ? stats->size_bytes : 0},
              {"TableArn", TableArn(call, table.name)},
              {"TableId", TableId(table.id)},
              {"DeletionProtectionEnabled", false}};
  const std::string mode = spec.value("BillingMode", std::string("PROVISIONED"));
  Json throughput = {{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 0}};
  if (auto pt = spec.find("ProvisionedThroughput"); pt != spec.end() && pt->is_object()) {
    throughput["ReadCapacityUnits"] = pt->value("ReadCapacityUnits", int64_t{0});
    throughput["WriteCapacityUnits"] = pt->value("WriteCapacityUnits", int64_t{0});
  }
  out["ProvisionedThroughput"] = throughput;
  if (mode == "PAY_PER_REQUEST") {
    out["BillingModeSummary"] = {{"BillingMode", mode}, {"LastUpdateToPayPerRequestDateTime", created}};
  } else if (spec.contains("BillingMode")) {
    out["BillingModeSummary"] = {{"BillingMode", mode}};
  }
  DescribeIndexes(call, table, spec, &out);
  if (table.stream.enabled) {
    out["StreamSpecification"] = {{"StreamEnabled", true},
                                  {"StreamViewType", std::string(query::StreamViewName(table.stream.view))}};
  }
  if (table.stream.label_ms != 0) {
    out["LatestStreamLabel"] = StreamLabel(table.stream.label_ms);
    out["LatestStreamArn"] = StreamArn(call, table);
  }
  return out;
}

void RegisterDynamoDbTableOps(Registry* r) {
  r->Add({"CreateTable", Service::kDynamoDb, true, &CreateTable});
  r->Add({"DescribeTable", Service::kDynamoDb, false, &DescribeTable});
  r->Add({"DeleteTable", Service::kDynamoDb, true, &DeleteTable});
  r->Add({"ListTables", Service::kDynamoDb, false, &ListTables});
}

}  // namespace dynamodb

void RegisterDynamoDbOps(Registry* registry) {
  dynamodb::RegisterDynamoDbTableOps(registry);
  dynamodb::RegisterDynamoDbItemOps(registry);
  dynamodb::RegisterDynamoDbReadOps(registry);
  dynamodb::RegisterDynamoDbBatchOps(registry);
  dynamodb::RegisterDynamoDbTransactOps(registry);
  dynamodb::RegisterDynamoDbTableSettingOps(registry);
  dynamodb::RegisterDynamoDbTtlOps(registry);
  dynamodb::RegisterDynamoDbStreamsOps(registry);
}

}  // namespace freshet::protocol
