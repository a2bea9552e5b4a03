// DynamoDB table settings: UpdateTable (BillingMode, ProvisionedThroughput, StreamSpecification,
// GlobalSecondaryIndexUpdates: dynamodb_indexes.cc), TagResource, UntagResource,
// ListTagsOfResource. They rewrite the table's stored description (TableStore::UpdateSpec,
// Rewrite), which DescribeTable echoes. Encryption and replica changes are refused clearly:
// freshet does not have them yet.
#include <algorithm>
#include <chrono>

#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

Checked<TableDescription> TableOfArn(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string arn, RequiredString(call.request, "ResourceArn"));
  const std::string prefix = TableArn(call, "");
  if (arn.rfind(prefix, 0) != 0 || arn.size() == prefix.size()) {
    return Validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  return FindTable(call, Json{{"TableName", arn.substr(prefix.size())}});
}

Outcome Save(const Call& call, const TableDescription& table, const Json& spec) {
  Status s = call.backend.tables->UpdateSpec(table, spec.dump());
  if (s.code() == Status::Code::kNotFound) return TableNotFound(table.name);
  if (!s.ok()) return s;
  return Json::object();
}

bool Given(const Json& req, const char* member) {
  auto it = req.find(member);
  return it != req.end() && !it->is_null() && !(it->is_array() && it->empty());
}

Outcome UpdateTable(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  for (const char* member : {"ReplicaUpdates", "SSESpecification"}) {
    if (Given(req, member)) return Validation(std::string("freshet does not support ") + member + " yet");
  }
  if (auto e = CheckStreamSpecification(req)) return std::move(*e);
  const bool stream_given = Given(req, "StreamSpecification");
  if (req.value("DeletionProtectionEnabled", false))
    return Validation("freshet does not support DeletionProtectionEnabled yet");
  const bool mode_given = Given(req, "BillingMode"), throughput_given = Given(req, "ProvisionedThroughput");
  const bool indexes_given = Given(req, "GlobalSecondaryIndexUpdates");
  if (!mode_given && !throughput_given && !Given(req, "TableClass") && !indexes_given && !stream_given) {
    return Validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  if (Given(req, "AttributeDefinitions") && !indexes_given) {
    return Validation(
        "One or more parameter values were invalid: AttributeDefinitions can only be given with "
        "GlobalSecondaryIndexUpdates");
  }
  if (stream_given) {
    const Json& ss = req["StreamSpecification"];
    const bool enable = ss["StreamEnabled"].get<bool>();
    if (enable && table.stream.enabled) {
      return Validation("Table already has an enabled stream: TableName: " + table.name);
    }
    if (!enable && !table.stream.enabled) {
      return Validation("Table does not have an enabled stream: TableName: " + table.name);
    }
    table.stream.enabled = enable;
    if (enable) {
      query::StreamViewFromName(ss["StreamViewType"].get<std::string>(), &table.stream.view);
      table.stream.label_ms = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
    }
    Status s = call.backend.tables->Rewrite(table);
    if (s.IsNotFound()) return TableNotFound(table.name);
    if (!s.ok()) return s;
    FRESHET_ASSIGN_OR_RETURN(table, call.backend.tables->Get(table.name));
  }
  Json spec = Spec(table);
  if (indexes_given || (stream_given && !mode_given && !throughput_given && !Given(req, "TableClass"))) {
    if (indexes_given) {
      Outcome updated = UpdateGlobalIndexes(call, req, &table, &spec);
      if (!updated.ok()) return updated;
    }
    if (!mode_given && !throughput_given && !Given(req, "TableClass")) {
      FRESHET_ASSIGN_OR_RETURN(query::TableStats stats, call.backend.tables->Stats(table));
      return Json{{"TableDescription", DescribeJson(call, table, &stats, "ACTIVE")}};
    }
  }
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> mode_member, OptionalString(req, "BillingMode"));
  const std::string mode = mode_member.value_or(spec.value("BillingMode", std::string("PROVISIONED")));
  if (mode != "PROVISIONED" && mode != "PAY_PER_REQUEST") {
    return ValidationError("BillingMode", "'" + mode + "'",
                           "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  if (mode == "PAY_PER_REQUEST") {
    if (throughput_given) {
      return Validation(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits "
          "can be specified when BillingMode is PAY_PER_REQUEST");
    }
    spec.erase("ProvisionedThroughput");
  } else if (throughput_given) {
    const Json& pt = req["ProvisionedThroughput"];
    if (!pt.is_object()) return WrongType("ProvisionedThroughput", "a structure");
    Json kept = Json::object();
    for (const char* units : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      FRESHET_CHECKED_ASSIGN(std::optional<int64_t> v, OptionalInteger(pt, units, 1, INT64_MAX));
      if (!v) return MissingMember(std::string("ProvisionedThroughput.") + units);
      kept[units] = *v;
    }
    spec["ProvisionedThroughput"] = kept;
  } else if (!spec.contains("ProvisionedThroughput")) {
    return Validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both "
        "be specified when BillingMode is PROVISIONED");
  }
  spec["BillingMode"] = mode;
  if (auto it = req.find("TableClass"); it != req.end() && it->is_string()) spec["TableClass"] = *it;
  Outcome saved = Save(call, table, spec);
  if (!saved.ok()) return saved;
  table.spec_json = spec.dump();
  FRESHET_ASSIGN_OR_RETURN(query::TableStats stats, call.backend.tables->Stats(table));
  return Json{{"TableDescription", DescribeJson(call, table, &stats, "ACTIVE")}};
}

Outcome TagResource(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, TableOfArn(call));
  auto tags = call.request.find("Tags");
  if (tags == call.request.end() || !tags->is_array()) return MissingMember("Tags");
  Json spec = Spec(table);
  Json current = spec.value("Tags", Json::array());
  for (const Json& tag : *tags) {
    FRESHET_CHECKED_ASSIGN(std::string key, RequiredString(tag, "Key"));
    FRESHET_CHECKED_ASSIGN(std::string value, RequiredString(tag, "Value"));
    if (auto e = CheckLength(key, "Tags.member.key", 1, 128)) return std::move(*e);
    if (auto e = CheckLength(value, "Tags.member.value", 0, 256)) return std::move(*e);
    auto same = std::find_if(current.begin(), current.end(), [&](const Json& t) { return t.value("Key", "") == key; });
    if (same != current.end()) current.erase(same);
    current.push_back({{"Key", key}, {"Value", value}});
  }
  if (current.size() > 50) return Validation("The number of tags exceeds the limit of 50");
  spec["Tags"] = current;
  return Save(call, table, spec);
}

Outcome UntagResource(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, TableOfArn(call));
  auto keys = call.request.find("TagKeys");
  if (keys == call.request.end() || !keys->is_array()) return MissingMember("TagKeys");
  Json spec = Spec(table);
  Json kept = Json::array();
  for (const Json& tag : spec.value("Tags", Json::array())) {
    if (std::find(keys->begin(), keys->end(), tag.value("Key", Json())) == keys->end()) kept.push_back(tag);
  }
  spec["Tags"] = kept;
  return Save(call, table, spec);
}

Outcome ListTagsOfResource(const Call& call) {
  FRESHET_CHECKED_ASSIGN(TableDescription table, TableOfArn(call));
  Json tags = Spec(table).value("Tags", Json::array());
  return Json{{"Tags", tags.is_array() ? tags : Json::array()}};
}

}  // namespace

void RegisterDynamoDbTableSettingOps(Registry* r) {
  r->Add({"UpdateTable", Service::kDynamoDb, true, &UpdateTable});
  r->Add({"TagResource", Service::kDynamoDb, true, &TagResource});
  r->Add({"UntagResource", Service::kDynamoDb, true, &UntagResource});
  r->Add({"ListTagsOfResource", Service::kDynamoDb, false, &ListTagsOfResource});
}

}  // namespace freshet::protocol::dynamodb
