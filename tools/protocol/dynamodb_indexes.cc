// DynamoDB secondary indexes at the protocol edge: checking LocalSecondaryIndexes and
// GlobalSecondaryIndexes of CreateTable as DynamoDB does, describing them in DescribeTable, and
// UpdateTable's GlobalSecondaryIndexUpdates (Create with a backfill, Delete, Update).
//
// A GSI created by UpdateTable is filled before UpdateTable answers: the description with the
// new index is written first (so every later write maintains it), KeyLocks::Barrier waits for
// the writers that started with the older description, then the existing items are read in
// chunks of kBackfillChunk keys, each chunk under its keys' locks and written in one batch (an
// item rewritten meanwhile is re-read under its lock, so the entry written is the current one).
// If the process dies during a backfill the index stays CREATING (Backfilling) and refuses reads;
// delete it and create it again.
#include <set>

#include "query/secondary_index.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kBackfillChunk = 256;

std::string Invalid(const std::string& what) { return "One or more parameter values were invalid: " + what; }

// Checks one index's shape; adds its key attribute names to *keys.
std::optional<AwsError> CheckIndex(const Json& x, bool global, const std::string& member, size_t i,
                                   const Json& table_schema, std::set<std::string>* names,
                                   std::set<std::string>* keys) {
  const std::string at = member + "." + std::to_string(i + 1) + ".member";
  if (!x.is_object()) return WrongType(member, "a list of index structures");
  if (!x.contains("IndexName") || !x["IndexName"].is_string()) return MissingMember(at + ".indexName");
  const std::string name = x["IndexName"].get<std::string>();
  if (auto e = CheckLength(name, "IndexName", 3, 255)) return e;
  if (!names->insert(name).second) return Validation(Invalid("Duplicate index name: " + name));
  auto schema = x.find("KeySchema");
  if (schema == x.end() || !schema->is_array() || schema->empty()) return MissingMember(at + ".keySchema");
  if (schema->size() > 2) {
    return ValidationError(at + ".keySchema", "'" + schema->dump() + "'",
                           "Member must have length less than or equal to 2");
  }
  std::string hash, range;
  for (const Json& k : *schema) {
    if (!k.is_object() || !k.contains("AttributeName") || !k["AttributeName"].is_string()) {
      return MissingMember(at + ".keySchema.member.attributeName");
    }
    const std::string type = k.value("KeyType", std::string());
    std::string* slot = type == "HASH" ? &hash : type == "RANGE" ? &range : nullptr;
    if (!slot) {
      return ValidationError(at + ".keySchema.member.keyType", "'" + type + "'",
                             "Member must satisfy enum value set: [HASH, RANGE]");
    }
    if (!slot->empty()) return Validation(Invalid("Index KeySchema has more than one " + type + " key: " + name));
    *slot = k["AttributeName"].get<std::string>();
  }
  if (hash.empty()) return Validation(Invalid("Index KeySchema does not have a hash key for index: " + name));
  if (hash == range) {
    return Validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (!global) {
    const std::string table_hash = table_schema[0].value("AttributeName", std::string());
    if (table_schema.size() < 2) {
      return Validation(
          Invalid("Table KeySchema does not have a range key, which is required when specifying a "
                  "LocalSecondaryIndex"));
    }
    if (hash != table_hash) {
      return Validation(
          Invalid("Index KeySchema does not have the same leading hash key as table KeySchema for "
                  "index: " +
                  name + ". index hash key: " + hash + ", table hash key: " + table_hash));
    }
    if (range.empty()) return Validation(Invalid("Index KeySchema must have a range key for index: " + name));
  }
  keys->insert(hash);
  if (!range.empty()) keys->insert(range);
  auto projection = x.find("Projection");
  if (projection == x.end() || !projection->is_object()) return MissingMember(at + ".projection");
  const std::string type = projection->value("ProjectionType", std::string());
  if (type != "ALL" && type != "KEYS_ONLY" && type != "INCLUDE") {
    if (type.empty()) return Validation(Invalid("Unknown ProjectionType: null"));
    return ValidationError(at + ".projection.projectionType", "'" + type + "'",
                           "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
  }
  auto non_key = projection->find("NonKeyAttributes");
  const bool has_non_key = non_key != projection->end() && !non_key->is_null();
  if (type == "INCLUDE" && (!has_non_key || !non_key->is_array() || non_key->empty())) {
    return Validation(Invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified"));
  }
  if (type != "INCLUDE" && has_non_key) {
    return Validation(Invalid("ProjectionType is " + type + ", but NonKeyAttributes is specified"));
  }
  if (has_non_key) {
    for (const Json& a : *non_key) {
      if (!a.is_string()) return WrongType(at + ".projection.nonKeyAttributes", "a list of strings");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<AwsError> CheckIndexes(const Json& req, std::set<std::string>* keys) {
  const Json& schema = req["KeySchema"];
  std::set<std::string> names;
  const std::string mode = req.value("BillingMode", std::string("PROVISIONED"));
  for (const char* member : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    auto it = req.find(member);
    if (it == req.end() || it->is_null()) continue;
    const bool global = member[0] == 'G';
    if (!it->is_array()) return WrongType(member, "a list of index structures");
    if (it->empty()) return Validation(Invalid(std::string("List of ") + member + " is empty"));
    if (!global && it->size() > kMaxLocalIndexes) {
      return Validation(Invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5"));
    }
    if (global && it->size() > kMaxGlobalIndexes) {
      return Validation(Invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20"));
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& x = (*it)[i];
      if (auto e = CheckIndex(x, global, member, i, schema, &names, keys)) return e;
      if (!global) continue;
      const bool has_pt = x.contains("ProvisionedThroughput") && !x["ProvisionedThroughput"].is_null();
      const std::string name = x["IndexName"].get<std::string>();
      if (mode == "PROVISIONED" && !has_pt) {
        return Validation(Invalid("ProvisionedThroughput must be specified for index: " + name));
      }
      if (mode == "PAY_PER_REQUEST" && has_pt) {
        return Validation(Invalid("ProvisionedThroughput should not be specified for index: " + name +
                                  " when BillingMode is PAY_PER_REQUEST"));
      }
    }
  }
  return std::nullopt;
}

Json DescribeIndexes(const Call& call, const TableDescription& table, const Json& spec, Json* out) {
  Json local = Json::array(), global = Json::array();
  for (const query::IndexDescription& x : table.indexes) {
    Json schema = Json::array();
    schema.push_back({{"AttributeName", x.partition_key.name}, {"KeyType", "HASH"}});
    if (x.sort_key) schema.push_back({{"AttributeName", x.sort_key->name}, {"KeyType", "RANGE"}});
    Json projection = {{"ProjectionType", std::string(query::ProjectionName(x.projection))}};
    if (x.projection == query::IndexDescription::Projection::kInclude)
      projection["NonKeyAttributes"] = x.non_key_attributes;
    query::TableStats stats;
    if (auto s = call.backend.tables->IndexStats(table, x); s.ok()) stats = *s;
    Json d = {{"IndexName", x.name},           {"KeySchema", schema},
              {"Projection", projection},      {"IndexSizeBytes", stats.size_bytes},
              {"ItemCount", stats.item_count}, {"IndexArn", TableArn(call, table.name) + "/index/" + x.name}};
    if (x.global) {
      d["IndexStatus"] = x.backfilling ? "CREATING" : "ACTIVE";
      if (x.backfilling) d["Backfilling"] = true;
      Json throughput = {{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 0}};
      for (const Json& g : spec.value("GlobalSecondaryIndexes", Json::array())) {
        if (g.value("IndexName", std::string()) != x.name) continue;
        if (auto pt = g.find("ProvisionedThroughput"); pt != g.end() && pt->is_object()) {
          throughput["ReadCapacityUnits"] = pt->value("ReadCapacityUnits", int64_t{0});
          throughput["WriteCapacityUnits"] = pt->value("WriteCapacityUnits", int64_t{0});
        }
      }
      d["ProvisionedThroughput"] = throughput;
      global.push_back(std::move(d));
    } else {
      local.push_back(std::move(d));
    }
  }
  if (!local.empty()) (*out)["LocalSecondaryIndexes"] = std::move(local);
  if (!global.empty()) (*out)["GlobalSecondaryIndexes"] = std::move(global);
  return *out;
}

Outcome BackfillIndex(const Call& call, const TableDescription& table, const query::IndexDescription& index) {
  KeyLocks::Barrier();
  std::string after;
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(std::vector<std::string> keys,
                             call.backend.tables->ItemKeys(table, after, kBackfillChunk));
    if (keys.empty()) break;
    KeyLocks lock(keys);
    storage::Batch batch;
    FRESHET_RETURN_IF_ERROR(call.backend.tables->AddIndexEntries(table, index, keys, &batch));
    FRESHET_RETURN_IF_ERROR(call.backend.db->Write(&batch));
    after = keys.back();
  }
  FRESHET_RETURN_IF_ERROR(call.backend.tables->FinishIndex(table, index.name));
  return Json::object();
}

// GlobalSecondaryIndexUpdates: [{"Create": {...}} | {"Delete": {"IndexName"}} | {"Update": {...}}].
// *table and *spec are updated as written.
Outcome UpdateGlobalIndexes(const Call& call, const Json& req, TableDescription* table, Json* spec) {
  const Json& updates = req["GlobalSecondaryIndexUpdates"];
  if (!updates.is_array()) return WrongType("GlobalSecondaryIndexUpdates", "a list of GlobalSecondaryIndexUpdates");
  size_t creates_and_deletes = 0;
  for (const Json& u : updates) {
    if (!u.is_object()) return WrongType("GlobalSecondaryIndexUpdates", "a list of GlobalSecondaryIndexUpdates");
    creates_and_deletes += u.contains("Create") + u.contains("Delete");
  }
  if (creates_and_deletes > 1) {
    return AwsError::Client("LimitExceededException",
                            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
                            "per table");
  }
  for (const Json& u : updates) {
    if (auto c = u.find("Create"); c != u.end()) {
      Json defs = spec->value("AttributeDefinitions", Json::array());
      if (auto d = req.find("AttributeDefinitions"); d != req.end() && d->is_array()) {
        for (const Json& def : *d) {
          bool known = false;
          for (const Json& have : defs) known |= have.value("AttributeName", "") == def.value("AttributeName", "");
          if (!known) defs.push_back(def);
        }
      }
      Json check = {{"KeySchema", (*spec)["KeySchema"]},
                    {"GlobalSecondaryIndexes", Json::array({*c})},
                    {"BillingMode", spec->value("BillingMode", std::string("PROVISIONED"))}};
      std::set<std::string> keys;
      if (auto e = CheckIndexes(check, &keys)) return std::move(*e);
      for (const std::string& k : keys) {
        bool defined = false;
        for (const Json& d : defs) defined |= d.value("AttributeName", "") == k;
        if (!defined) {
          return Validation(Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + k +
                                    "], AttributeDefinitions: " + defs.dump()));
        }
      }
      const std::string name = (*c)["IndexName"].get<std::string>();
      if (table->FindIndex(name)) {
        return Validation(Invalid("Index with name " + name + " already exists for table " + table->name));
      }
      FRESHET_ASSIGN_OR_RETURN(query::IndexDescription index, query::ParseIndex(c->dump(), defs.dump(), true));
      auto added = call.backend.tables->AddIndex(*table, index);
      if (!added.ok() && added.status().IsNotFound()) return TableNotFound(table->name);
      FRESHET_ASSIGN_OR_RETURN(*table, std::move(added));
      (*spec)["AttributeDefinitions"] = defs;
      Json globals = spec->value("GlobalSecondaryIndexes", Json::array());
      globals.push_back(*c);
      (*spec)["GlobalSecondaryIndexes"] = globals;
      FRESHET_RETURN_IF_ERROR(call.backend.tables->UpdateSpec(*table, spec->dump()));
      Outcome filled = BackfillIndex(call, *table, *table->FindIndex(name));
      if (!filled.ok()) return filled;
      FRESHET_ASSIGN_OR_RETURN(*table, call.backend.tables->Get(table->name));
    } else if (auto d = u.find("Delete"); d != u.end()) {
      FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(*d, "IndexName"));
      const query::IndexDescription* index = table->FindIndex(name);
      if (!index || !index->global) {
        return AwsError::Client("ResourceNotFoundException", "Requested resource not found: Index: " + name +
                                                                 " not found for table: " + table->name);
      }
      Json globals = Json::array();
      for (const Json& g : spec->value("GlobalSecondaryIndexes", Json::array())) {
        if (g.value("IndexName", std::string()) != name) globals.push_back(g);
      }
      if (globals.empty()) {
        spec->erase("GlobalSecondaryIndexes");
      } else {
        (*spec)["GlobalSecondaryIndexes"] = globals;
      }
      FRESHET_RETURN_IF_ERROR(call.backend.tables->DropIndex(*table, name));
      FRESHET_ASSIGN_OR_RETURN(*table, call.backend.tables->Get(table->name));
      FRESHET_RETURN_IF_ERROR(call.backend.tables->UpdateSpec(*table, spec->dump()));
      FRESHET_ASSIGN_OR_RETURN(*table, call.backend.tables->Get(table->name));
    } else if (auto up = u.find("Update"); up != u.end()) {
      FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(*up, "IndexName"));
      const query::IndexDescription* index = table->FindIndex(name);
      if (!index || !index->global) {
        return AwsError::Client("ResourceNotFoundException", "Requested resource not found: Index: " + name +
                                                                 " not found for table: " + table->name);
      }
      Json globals = spec->value("GlobalSecondaryIndexes", Json::array());
      for (Json& g : globals) {
        if (g.value("IndexName", std::string()) == name && up->contains("ProvisionedThroughput")) {
          g["ProvisionedThroughput"] = (*up)["ProvisionedThroughput"];
        }
      }
      (*spec)["GlobalSecondaryIndexes"] = globals;
      FRESHET_RETURN_IF_ERROR(call.backend.tables->UpdateSpec(*table, spec->dump()));
      FRESHET_ASSIGN_OR_RETURN(*table, call.backend.tables->Get(table->name));
    } else {
      return Validation(
          "One or more parameter values were invalid: GlobalSecondaryIndexUpdate must have one of "
          "Create, Update or Delete");
    }
  }
  return Json::object();
}

}  // namespace freshet::protocol::dynamodb
