// DynamoDB Time to Live: UpdateTimeToLive and DescribeTimeToLive (the attribute is kept in the
// table's description, TableDescription::ttl_attribute), and the sweep that deletes expired
// items (run by the owner's TTL component, tools/ttl_sweeper.cc).
//
// An item expires when its TTL attribute is a Number (epoch seconds) not after now, and not more
// than five years in the past (DynamoDB ignores such values, taking them for mistakes). The sweep
// reads a bounded number of items per table per pass, continuing where the last pass stopped;
// each expired item is deleted under its key's lock after reading it again (an item whose TTL
// was moved meanwhile stays), with its index entries and its change record (userIdentity
// dynamodb.amazonaws.com), in one batch per pass and table. Reads never hide expired items that
// the sweep has not reached yet: DynamoDB does not either.
#include "tools/protocol/dynamodb_ttl.h"

#include <chrono>
#include <cstdlib>

#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

constexpr double kIgnoredAfterSeconds = 5.0 * 365 * 24 * 3600;

Outcome UpdateTimeToLive(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  auto spec = req.find("TimeToLiveSpecification");
  if (spec == req.end() || spec->is_null()) return MissingMember("TimeToLiveSpecification");
  if (!spec->is_object()) return WrongType("TimeToLiveSpecification", "a structure");
  auto enabled = spec->find("Enabled");
  if (enabled == spec->end() || enabled->is_null()) return MissingMember("TimeToLiveSpecification.Enabled");
  if (!enabled->is_boolean()) return WrongType("TimeToLiveSpecification.Enabled", "a boolean");
  FRESHET_CHECKED_ASSIGN(std::string attribute, RequiredString(*spec, "AttributeName"));
  if (auto e = CheckLength(attribute, "TimeToLiveSpecification.AttributeName", 1, 255)) return std::move(*e);
  const bool on = enabled->get<bool>();
  if (on && !table.ttl_attribute.empty()) return Validation("TimeToLive is already enabled");
  if (!on && table.ttl_attribute.empty()) return Validation("TimeToLive is already disabled");
  if (!on && table.ttl_attribute != attribute) {
    return Validation("TimeToLive is active on a different AttributeName: current AttributeName is " +
                      table.ttl_attribute);
  }
  table.ttl_attribute = on ? attribute : "";
  Status s = call.backend.tables->Rewrite(table);
  if (s.IsNotFound()) return TableNotFound(table.name);
  if (!s.ok()) return s;
  return Json{{"TimeToLiveSpecification", {{"Enabled", on}, {"AttributeName", attribute}}}};
}

Outcome DescribeTimeToLive(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, call.request));
  if (table.ttl_attribute.empty()) return Json{{"TimeToLiveDescription", {{"TimeToLiveStatus", "DISABLED"}}}};
  return Json{{"TimeToLiveDescription", {{"TimeToLiveStatus", "ENABLED"}, {"AttributeName", table.ttl_attribute}}}};
}

}  // namespace

bool Expired(const Item& item, const std::string& attribute, double now_s) {
  const AttributeValue* v = item.Find(attribute);
  if (!v || v->type() != AttributeValue::Type::kN) return false;
  char* end = nullptr;
  const double at = std::strtod(v->scalar().c_str(), &end);
  if (end == v->scalar().c_str()) return false;
  return at <= now_s && at >= now_s - kIgnoredAfterSeconds;
}

Result<TtlPass> SweepTable(const query::TableStore& tables, storage::Db* db, const TableDescription& table,
                           const std::string& after, size_t max_items, double now_s) {
  TtlPass pass;
  FRESHET_ASSIGN_OR_RETURN(std::vector<std::string> keys, tables.ItemKeys(table, after, max_items));
  pass.next_after = keys.size() < max_items || keys.empty() ? "" : keys.back();
  std::vector<std::string> expired;
  for (const std::string& key : keys) {
    FRESHET_ASSIGN_OR_RETURN(std::optional<Item> item, tables.GetEncoded(table, key));
    if (item && Expired(*item, table.ttl_attribute, now_s)) expired.push_back(key);
  }
  if (expired.empty()) return pass;
  KeyLocks lock(expired);
  storage::Batch batch;
  for (const std::string& key : expired) {
    FRESHET_ASSIGN_OR_RETURN(std::optional<Item> item, tables.GetEncoded(table, key));  // again, under the lock
    if (!item || !Expired(*item, table.ttl_attribute, now_s)) continue;
    FRESHET_RETURN_IF_ERROR(tables.AddRemove(table, *item, &batch, query::TableStore::RemoveOrigin::kTtl));
    ++pass.deleted;
  }
  if (pass.deleted != 0) FRESHET_RETURN_IF_ERROR(db->Write(&batch));
  return pass;
}

void RegisterDynamoDbTtlOps(Registry* r) {
  r->Add({"UpdateTimeToLive", Service::kDynamoDb, true, &UpdateTimeToLive});
  r->Add({"DescribeTimeToLive", Service::kDynamoDb, false, &DescribeTimeToLive});
}

}  // namespace freshet::protocol::dynamodb
