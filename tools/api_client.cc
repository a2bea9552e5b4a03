#include "tools/api_client.h"

#include "query/item_json.h"
#include "stream/api_fields.h"
#include "stream/shard_router.h"

namespace freshet::cli {

using api::Json;

namespace {

Json TypedItem(const query::Item& item) { return Json::parse(query::ItemToTypedJson(item)); }

Json TypedValue(const query::AttributeValue& value) {
  query::Item wrapper;
  wrapper.Set("v", value);
  return TypedItem(wrapper)["v"];
}

Result<query::Item> ItemOf(const Json& j) { return query::ParseItemJson(j.dump()); }

Result<query::Page> PageOf(const Json& response) {
  query::Page page;
  for (const Json& item : response.value("Items", Json::array())) {
    FRESHET_ASSIGN_OR_RETURN(query::Item parsed, ItemOf(item));
    page.items.push_back(std::move(parsed));
  }
  if (response.contains("NextToken")) page.next_token = response["NextToken"].get<std::string>();
  page.keys_read = response.value("KeysRead", uint64_t{0});
  return page;
}

Json AttributesJson(const std::vector<std::string>& attributes) {
  return attributes.empty() ? Json(nullptr) : Json(attributes);
}

}  // namespace

Result<stream::StreamDescription> StreamClient::Create(const std::string& name, uint32_t shards,
                                                       uint32_t retention_hours) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("CreateStream", {{"StreamName", name},
                                                               {"ShardCount", shards},
                                                               {"RetentionPeriodHours", retention_hours}}));
  return stream::StreamDescription::FromJson(r["Stream"].dump());
}

Result<std::vector<stream::StreamDescription>> StreamClient::List() {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("ListStreams", Json::object()));
  std::vector<stream::StreamDescription> out;
  for (const Json& s : r["Streams"]) {
    FRESHET_ASSIGN_OR_RETURN(auto d, stream::StreamDescription::FromJson(s.dump()));
    out.push_back(std::move(d));
  }
  return out;
}

Result<Json> StreamClient::Describe(const std::string& name) {
  return api_->Call("DescribeStream", {{"StreamName", name}});
}

Result<stream::StreamDescription> StreamClient::Get(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("DescribeStream", {{"StreamName", name}, {"Shards", false}}));
  return stream::StreamDescription::FromJson(r["Stream"].dump());
}

Status StreamClient::Delete(const std::string& name) { return api_->Call("DeleteStream", {{"StreamName", name}}).status(); }

Status StreamClient::SetRetention(const std::string& name, uint32_t hours) {
  return api_->Call("UpdateRetention", {{"StreamName", name}, {"RetentionPeriodHours", hours}}).status();
}

Result<uint64_t> StreamClient::Trim(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("TrimStream", {{"StreamName", name}}));
  return r["RemovedRecords"].get<uint64_t>();
}

Result<std::vector<stream::PutResult>> StreamClient::Put(const std::string& name,
                                                         const std::vector<stream::PutRecord>& records) {
  Json request = {{"StreamName", name}, {"Records", Json::array()}};
  for (const auto& r : records) {
    Json rj = {{"PartitionKey", r.partition_key}};
    api::PutData(&rj, r.data);
    if (r.explicit_hash_key) rj["ExplicitHashKey"] = *r.explicit_hash_key;
    request["Records"].push_back(std::move(rj));
  }
  FRESHET_ASSIGN_OR_RETURN(Json response, api_->Call("PutRecords", request));
  std::vector<stream::PutResult> out;
  for (const Json& r : response["Records"]) {
    FRESHET_ASSIGN_OR_RETURN(uint32_t shard, stream::ParseShardId(r["ShardId"].get<std::string>(), UINT32_MAX));
    out.push_back({shard, std::stoull(r["SequenceNumber"].get<std::string>())});
  }
  return out;
}

Result<uint64_t> StreamClient::Resolve(const stream::StreamDescription& d, uint32_t shard,
                                       const std::string& position) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("GetShardIterator", {{"StreamName", d.name},
                                                                   {"ShardId", stream::ShardId(shard)},
                                                                   {"Position", position}}));
  std::string it = r["ShardIterator"].get<std::string>();
  return std::stoull(it.substr(it.rfind('/') + 1));
}

Result<std::vector<stream::Record>> StreamClient::Read(const stream::StreamDescription& d, uint32_t shard,
                                                       uint64_t from, size_t limit) {
  std::string iterator = std::to_string(d.id) + "/" + std::to_string(shard) + "/" + std::to_string(from);
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("GetRecords", {{"StreamName", d.name},
                                                             {"ShardIterator", iterator},
                                                             {"Limit", limit}}));
  std::vector<stream::Record> out;
  for (const Json& rj : r["Records"]) {
    stream::Record rec;
    rec.shard = shard;
    rec.sequence = std::stoull(rj["SequenceNumber"].get<std::string>());
    rec.arrival_ms = rj["ApproximateArrivalTimestamp"].get<uint64_t>();
    rec.partition_key = rj["PartitionKey"].get<std::string>();
    if (rj.contains("ExplicitHashKey")) rec.explicit_hash_key = rj["ExplicitHashKey"].get<std::string>();
    FRESHET_ASSIGN_OR_RETURN(rec.data, api::GetData(rj));
    out.push_back(std::move(rec));
  }
  return out;
}

Result<query::TableDescription> TableClient::Create(const std::string& spec_json) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("CreateTable", {{"Spec", spec_json}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<query::TableDescription> TableClient::CreateFromFlags(const std::string& name, const std::string& pk,
                                                             const std::string& sk) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("CreateTable",
                                              {{"TableName", name}, {"PartitionKey", pk}, {"SortKey", sk}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<query::TableDescription> TableClient::Get(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("DescribeTable", {{"TableName", name}, {"Counts", false}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<std::vector<query::TableDescription>> TableClient::List() {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("ListTables", Json::object()));
  std::vector<query::TableDescription> out;
  for (const Json& t : r["Tables"]) {
    FRESHET_ASSIGN_OR_RETURN(auto d, query::DescriptionFromJson(t.dump()));
    out.push_back(std::move(d));
  }
  return out;
}

Result<query::TableStats> TableClient::Stats(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("DescribeTable", {{"TableName", name}}));
  return query::TableStats{r["ItemCount"].get<uint64_t>(), r["SizeBytes"].get<uint64_t>()};
}

Status TableClient::Delete(const std::string& name) { return api_->Call("DeleteTable", {{"TableName", name}}).status(); }

Result<std::optional<query::Item>> TableClient::GetItem(const std::string& table, const query::Item& key) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("GetItem", {{"TableName", table}, {"Key", TypedItem(key)}}));
  if (!r.contains("Item")) return std::optional<query::Item>();
  FRESHET_ASSIGN_OR_RETURN(query::Item item, ItemOf(r["Item"]));
  return std::optional<query::Item>(std::move(item));
}

Status TableClient::PutItem(const std::string& table, const query::Item& item) {
  return api_->Call("PutItem", {{"TableName", table}, {"Item", TypedItem(item)}}).status();
}

Status TableClient::PutItems(const std::string& table, const std::vector<query::Item>& items) {
  Json request = {{"TableName", table}, {"Items", Json::array()}};
  for (const auto& item : items) request["Items"].push_back(TypedItem(item));
  return api_->Call("BatchWriteItem", request).status();
}

Result<bool> TableClient::DeleteItem(const std::string& table, const query::Item& key) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("DeleteItem", {{"TableName", table}, {"Key", TypedItem(key)}}));
  return r["Existed"].get<bool>();
}

Result<query::Item> TableClient::UpdateItem(const std::string& table, const query::Item& key, const query::Item& set,
                                            const std::vector<std::string>& remove) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("UpdateItem", {{"TableName", table},
                                                             {"Key", TypedItem(key)},
                                                             {"Set", TypedItem(set)},
                                                             {"Remove", remove}}));
  return ItemOf(r["Attributes"]);
}

Result<query::Page> TableClient::Query(const std::string& table, const query::QueryRequest& q) {
  static const char* const kOps[] = {"eq", "lt", "le", "gt", "ge", "between", "begins_with"};
  Json request = {{"TableName", table},
                  {"PartitionKey", TypedValue(q.partition)},
                  {"Limit", q.limit},
                  {"Reverse", q.reverse},
                  {"StartAfter", q.start_after},
                  {"Attributes", AttributesJson(q.attributes)}};
  if (q.condition) {
    Json values = Json::array({TypedValue(q.condition->value)});
    if (q.condition->op == query::SortKeyCondition::Op::kBetween) values.push_back(TypedValue(q.condition->value2));
    request["Condition"] = {{"Op", kOps[static_cast<int>(q.condition->op)]}, {"Values", values}};
  }
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("Query", request));
  return PageOf(r);
}

Result<query::Page> TableClient::Scan(const std::string& table, const query::ScanRequest& s) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call("Scan", {{"TableName", table},
                                                       {"Limit", s.limit},
                                                       {"StartAfter", s.start_after},
                                                       {"Attributes", AttributesJson(s.attributes)}}));
  return PageOf(r);
}

}  // namespace freshet::cli
