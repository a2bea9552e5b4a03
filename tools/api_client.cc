#include "tools/api_client.h"

#include <algorithm>
#include <cmath>

#include "query/item_json.h"
#include "query/item_key.h"
#include "query/key_condition.h"
#include "stream/shard_router.h"
#include "tools/protocol/kinesis_codec.h"

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

std::string Dynamo(std::string_view op) { return protocol::Target(protocol::Service::kDynamoDb, op); }

}  // namespace

namespace {

StreamSummary SummaryOf(const Json& d) {
  StreamSummary s;
  s.name = d.value("StreamName", std::string());
  s.open_shards = d.value("OpenShardCount", 0u);
  s.retention_hours = d.value("RetentionPeriodHours", 0u);
  s.created_ms = static_cast<uint64_t>(std::llround(d.value("StreamCreationTimestamp", 0.0) * 1000.0));
  s.mode = d.contains("StreamModeDetails") ? d["StreamModeDetails"].value("StreamMode", std::string()) : "";
  return s;
}

// freshet's log number for a sequence number freshet issued, else the text as it is.
std::string PeopleSequence(const std::string& text) {
  auto parsed = protocol::kinesis::ParseSequenceNumber(text);
  return parsed ? std::to_string(parsed->sequence) : text;
}

bool IsUnknownOperation(const Status& s) { return s.message().rfind("UnknownOperationException", 0) == 0; }

}  // namespace

Result<StreamSummary> StreamClient::Create(const std::string& name, uint32_t shards, uint32_t retention_hours) {
  FRESHET_RETURN_IF_ERROR(
      api_->Call(api::Kinesis("CreateStream"), {{"StreamName", name}, {"ShardCount", shards}}).status());
  if (retention_hours != stream::kDefaultRetentionHours) FRESHET_RETURN_IF_ERROR(SetRetention(name, retention_hours));
  return Get(name);
}

Result<std::vector<StreamSummary>> StreamClient::List() {
  std::vector<StreamSummary> out;
  Json request = Json::object();
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Kinesis("ListStreams"), request));
    for (const Json& name : r.value("StreamNames", Json::array())) {
      auto s = Get(name.get<std::string>());
      if (!s.ok() && s.status().IsNotFound()) continue;  // deleted meanwhile
      FRESHET_RETURN_IF_ERROR(s.status());
      out.push_back(std::move(s.value()));
    }
    if (!r.value("HasMoreStreams", false) || !r.contains("NextToken")) return out;
    request = {{"NextToken", r["NextToken"]}};
  }
}

Result<StreamSummary> StreamClient::Get(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Kinesis("DescribeStreamSummary"), {{"StreamName", name}}));
  return SummaryOf(r["StreamDescriptionSummary"]);
}

Result<Json> StreamClient::DescribeStats(const std::string& name) {
  return api_->Call(api::Freshet("DescribeStreamStats"), {{"StreamName", name}});
}

Result<std::vector<std::string>> StreamClient::ShardIds(const std::string& name) {
  std::vector<std::string> out;
  Json request = {{"StreamName", name}};
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Kinesis("ListShards"), request));
    for (const Json& s : r.value("Shards", Json::array())) out.push_back(s["ShardId"].get<std::string>());
    if (!r.contains("NextToken")) return out;
    request = {{"NextToken", r["NextToken"]}};
  }
}

Status StreamClient::Delete(const std::string& name) {
  return api_->Call(api::Kinesis("DeleteStream"), {{"StreamName", name}}).status();
}

Status StreamClient::SetRetention(const std::string& name, uint32_t hours) {
  FRESHET_ASSIGN_OR_RETURN(StreamSummary s, Get(name));
  if (hours == s.retention_hours) return Status::OK();
  const char* op = hours > s.retention_hours ? "IncreaseStreamRetentionPeriod" : "DecreaseStreamRetentionPeriod";
  return api_->Call(api::Kinesis(op), {{"StreamName", name}, {"RetentionPeriodHours", hours}}).status();
}

Result<uint64_t> StreamClient::Trim(const std::string& name) {
  auto r = api_->Call(api::Freshet("TrimStream"), {{"StreamName", name}});
  if (!r.ok() && IsUnknownOperation(r.status())) return uint64_t{0};
  FRESHET_RETURN_IF_ERROR(r.status());
  return (*r)["RemovedRecords"].get<uint64_t>();
}

Result<Json> StreamClient::PutRecords(const std::string& name, std::vector<stream::PutRecord>&& records) {
  Json list = Json::array();
  list.get_ref<Json::array_t&>().reserve(records.size());
  for (auto& r : records) {
    Json rj = {{"PartitionKey", std::move(r.partition_key)}, {"Data", query::EncodeBase64(r.data)}};
    if (r.explicit_hash_key) rj["ExplicitHashKey"] = std::move(*r.explicit_hash_key);
    list.push_back(std::move(rj));
  }
  FRESHET_ASSIGN_OR_RETURN(
      Json response, api_->Call(api::Kinesis("PutRecords"), {{"StreamName", name}, {"Records", std::move(list)}}));
  if (response.value("FailedRecordCount", 0) != 0) {
    // freshet puts a batch atomically; another Kinesis endpoint may fail single records.
    for (const Json& r : response["Records"]) {
      if (r.contains("ErrorCode")) {
        return Status::FailedPrecondition("the endpoint refused records of the batch: " +
                                          r["ErrorCode"].get<std::string>() + ": " + r.value("ErrorMessage", ""));
      }
    }
  }
  return response;
}

Result<std::vector<PutAck>> StreamClient::Put(const std::string& name, std::vector<stream::PutRecord> records) {
  FRESHET_ASSIGN_OR_RETURN(Json response, PutRecords(name, std::move(records)));
  std::vector<PutAck> out;
  for (const Json& r : response["Records"]) {
    out.push_back({r["ShardId"].get<std::string>(), PeopleSequence(r["SequenceNumber"].get<std::string>())});
  }
  return out;
}

Status StreamClient::PutAll(const std::string& name, std::vector<stream::PutRecord>&& records) {
  return PutRecords(name, std::move(records)).status();
}

Result<std::string> StreamClient::Iterator(const std::string& name, const std::string& shard_id,
                                           const std::string& position) {
  FRESHET_ASSIGN_OR_RETURN(stream::Position p, stream::Position::Parse(position));
  FRESHET_ASSIGN_OR_RETURN(uint32_t shard, stream::ParseShardId(shard_id, UINT32_MAX));
  Json request = {{"StreamName", name}, {"ShardId", shard_id}};
  switch (p.kind) {
    case stream::Position::Kind::kTrimHorizon: request["ShardIteratorType"] = "TRIM_HORIZON"; break;
    case stream::Position::Kind::kLatest: request["ShardIteratorType"] = "LATEST"; break;
    case stream::Position::Kind::kAtSequence:
    case stream::Position::Kind::kAfterSequence:
      request["ShardIteratorType"] =
          p.kind == stream::Position::Kind::kAtSequence ? "AT_SEQUENCE_NUMBER" : "AFTER_SEQUENCE_NUMBER";
      request["StartingSequenceNumber"] = protocol::kinesis::SequenceNumberText(shard, p.sequence);
      break;
    case stream::Position::Kind::kAtTimestamp:
      request["ShardIteratorType"] = "AT_TIMESTAMP";
      request["Timestamp"] = static_cast<double>(p.timestamp_ms) / 1000.0;
      break;
  }
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Kinesis("GetShardIterator"), request));
  return r["ShardIterator"].get<std::string>();
}

Result<ReadPage> StreamClient::Read(const std::string& iterator, size_t limit) {
  FRESHET_ASSIGN_OR_RETURN(Json r,
                           api_->Call(api::Kinesis("GetRecords"), {{"ShardIterator", iterator}, {"Limit", limit}}));
  ReadPage page;
  for (const Json& rj : r["Records"]) {
    ReadRecord rec;
    const std::string seq = rj["SequenceNumber"].get<std::string>();
    auto parsed = protocol::kinesis::ParseSequenceNumber(seq);
    rec.shard_id = parsed ? stream::ShardId(parsed->shard) : "";
    rec.sequence = PeopleSequence(seq);
    rec.arrival_ms = static_cast<uint64_t>(std::llround(rj["ApproximateArrivalTimestamp"].get<double>() * 1000.0));
    rec.partition_key = rj["PartitionKey"].get<std::string>();
    if (rj.contains("ExplicitHashKey")) rec.explicit_hash_key = rj["ExplicitHashKey"].get<std::string>();
    if (!query::DecodeBase64(rj["Data"].get<std::string>(), &rec.data)) {
      return Status::Internal("the endpoint sent record data that is not base64");
    }
    page.records.push_back(std::move(rec));
  }
  if (r.contains("NextShardIterator") && r["NextShardIterator"].is_string()) {
    page.next_iterator = r["NextShardIterator"].get<std::string>();
  }
  return page;
}

Result<query::TableDescription> TableClient::Create(const std::string& spec_json) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Freshet("CreateTable"), {{"Spec", spec_json}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<query::TableDescription> TableClient::CreateFromFlags(const std::string& name, const std::string& pk,
                                                             const std::string& sk) {
  FRESHET_ASSIGN_OR_RETURN(
      Json r, api_->Call(api::Freshet("CreateTable"), {{"TableName", name}, {"PartitionKey", pk}, {"SortKey", sk}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<query::TableDescription> TableClient::Get(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Freshet("DescribeTable"), {{"TableName", name}, {"Counts", false}}));
  return query::DescriptionFromJson(r["Table"].dump());
}

Result<std::vector<query::TableDescription>> TableClient::List() {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Freshet("ListTables"), Json::object()));
  std::vector<query::TableDescription> out;
  for (const Json& t : r["Tables"]) {
    FRESHET_ASSIGN_OR_RETURN(auto d, query::DescriptionFromJson(t.dump()));
    out.push_back(std::move(d));
  }
  return out;
}

Result<query::TableStats> TableClient::Stats(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(api::Freshet("DescribeTable"), {{"TableName", name}}));
  return query::TableStats{r["ItemCount"].get<uint64_t>(), r["SizeBytes"].get<uint64_t>()};
}

Status TableClient::Delete(const std::string& name) {
  return api_->Call(api::Freshet("DeleteTable"), {{"TableName", name}}).status();
}

// The item and read operations use DynamoDB's API (DynamoDB_20120810), so they work against
// a freshet in process, its owner, or a DynamoDB endpoint. Page tokens stay freshet's (hex of the
// last key, as before): LastEvaluatedKey and ExclusiveStartKey are converted with the table's
// description. A page of `limit` items asks for limit + 1 and keeps `limit`, so a token is
// printed only when more items follow, as TableStore's own pages do.
Result<std::optional<query::Item>> TableClient::GetItem(const std::string& table, const query::Item& key) {
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(Dynamo("GetItem"), {{"TableName", table}, {"Key", TypedItem(key)}}));
  if (!r.contains("Item")) return std::optional<query::Item>();
  FRESHET_ASSIGN_OR_RETURN(query::Item item, ItemOf(r["Item"]));
  return std::optional<query::Item>(std::move(item));
}

Status TableClient::PutItem(const std::string& table, const query::Item& item) {
  return api_->Call(Dynamo("PutItem"), {{"TableName", table}, {"Item", TypedItem(item)}}).status();
}

// DynamoDB has no atomic write of more than 100 items, so an all-or-nothing file of any size uses
// freshet's own BatchWriteItem (one Db::Write).
Status TableClient::PutItems(const std::string& table, const std::vector<query::Item>& items) {
  Json request = {{"TableName", table}, {"Items", Json::array()}};
  for (const auto& item : items) request["Items"].push_back(TypedItem(item));
  return api_->Call(api::Freshet("BatchWriteItem"), request).status();
}

Result<bool> TableClient::DeleteItem(const std::string& table, const query::Item& key) {
  FRESHET_ASSIGN_OR_RETURN(
      Json r,
      api_->Call(Dynamo("DeleteItem"), {{"TableName", table}, {"Key", TypedItem(key)}, {"ReturnValues", "ALL_OLD"}}));
  return r.contains("Attributes");
}

Result<query::Item> TableClient::UpdateItem(const std::string& table, const query::Item& key, const query::Item& set,
                                            const std::vector<std::string>& remove) {
  Json names = Json::object(), values = Json::object();
  std::string set_clause, remove_clause;
  size_t n = 0;
  for (const auto& [name, value] : set) {
    const std::string id = std::to_string(n++);
    names["#a" + id] = name;
    values[":v" + id] = TypedValue(value);
    set_clause += (set_clause.empty() ? "SET " : ", ") + ("#a" + id + " = :v" + id);
  }
  for (const std::string& name : remove) {
    const std::string id = std::to_string(n++);
    names["#a" + id] = name;
    remove_clause += (remove_clause.empty() ? "REMOVE " : ", ") + ("#a" + id);
  }
  Json request = {{"TableName", table}, {"Key", TypedItem(key)}, {"ReturnValues", "ALL_NEW"}};
  if (n > 0) {
    request["UpdateExpression"] = set_clause + (set_clause.empty() || remove_clause.empty() ? "" : " ") + remove_clause;
    request["ExpressionAttributeNames"] = names;
    if (!values.empty()) request["ExpressionAttributeValues"] = values;
  }
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(Dynamo("UpdateItem"), request));
  return ItemOf(r.value("Attributes", Json::object()));
}

namespace {

// Adds Limit, ProjectionExpression and ExclusiveStartKey to a Query or Scan request.
Status AddPaging(const query::TableDescription& t, const query::KeyRange& range, size_t limit,
                 const std::string& start_after, const std::vector<std::string>& attributes, Json* request) {
  if (limit != 0) (*request)["Limit"] = limit + 1;
  if (!attributes.empty()) {
    std::vector<std::string> unique;
    for (const std::string& a : attributes) {
      if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
    }
    std::string projection;
    for (size_t i = 0; i < unique.size(); ++i) {
      (*request)["ExpressionAttributeNames"]["#p" + std::to_string(i)] = unique[i];
      projection += (i == 0 ? "#p" : ", #p") + std::to_string(i);
    }
    (*request)["ProjectionExpression"] = projection;
  }
  if (!start_after.empty()) {
    FRESHET_ASSIGN_OR_RETURN(std::string key, query::DecodePageToken(t.id, start_after, range));
    query::Item start;
    if (!query::DecodeItemKey(t, key, &start)) return Status::InvalidArgument("invalid page token");
    (*request)["ExclusiveStartKey"] = TypedItem(start);
  }
  return Status::OK();
}

// The page of a Query or Scan response asked with AddPaging.
Result<query::Page> PageFrom(const query::TableDescription& t, size_t limit, const Json& r) {
  query::Page page;
  for (const Json& item : r.value("Items", Json::array())) {
    FRESHET_ASSIGN_OR_RETURN(query::Item parsed, ItemOf(item));
    page.items.push_back(std::move(parsed));
  }
  page.keys_read = r.value("ScannedCount", uint64_t{0});
  std::optional<query::Item> last;
  if (limit != 0 && page.items.size() > limit) {
    page.items.resize(limit);
    last = page.items.back();
  } else if (r.contains("LastEvaluatedKey")) {
    FRESHET_ASSIGN_OR_RETURN(last, ItemOf(r["LastEvaluatedKey"]));
  }
  if (last) {
    std::string key;
    FRESHET_RETURN_IF_ERROR(query::AppendItemKey(t, *last, &key));
    page.next_token = query::EncodePageToken(key);
  }
  return page;
}

}  // namespace

Result<query::Page> TableClient::Query(const std::string& table, const query::QueryRequest& q) {
  using Op = query::SortKeyCondition::Op;
  FRESHET_ASSIGN_OR_RETURN(query::TableDescription t, Get(table));
  FRESHET_ASSIGN_OR_RETURN(query::KeyRange range, query::QueryRange(t, q.partition, q.condition));
  Json request = {{"TableName", table},
                  {"ScanIndexForward", !q.reverse},
                  {"ExpressionAttributeNames", {{"#k0", t.partition_key.name}}},
                  {"ExpressionAttributeValues", {{":k0", TypedValue(q.partition)}}}};
  std::string condition = "#k0 = :k0";
  if (q.condition) {
    request["ExpressionAttributeNames"]["#k1"] = t.sort_key ? t.sort_key->name : "";
    request["ExpressionAttributeValues"][":k1"] = TypedValue(q.condition->value);
    static const char* const kCompare[] = {" = ", " < ", " <= ", " > ", " >= "};
    switch (q.condition->op) {
      case Op::kBetween:
        request["ExpressionAttributeValues"][":k2"] = TypedValue(q.condition->value2);
        condition += " AND #k1 BETWEEN :k1 AND :k2";
        break;
      case Op::kBeginsWith: condition += " AND begins_with(#k1, :k1)"; break;
      default: condition += std::string(" AND #k1") + kCompare[static_cast<int>(q.condition->op)] + ":k1";
    }
  }
  request["KeyConditionExpression"] = condition;
  FRESHET_RETURN_IF_ERROR(AddPaging(t, range, q.limit, q.start_after, q.attributes, &request));
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(Dynamo("Query"), request));
  return PageFrom(t, q.limit, r);
}

Result<query::Page> TableClient::Scan(const std::string& table, const query::ScanRequest& s) {
  FRESHET_ASSIGN_OR_RETURN(query::TableDescription t, Get(table));
  Json request = {{"TableName", table}};
  FRESHET_RETURN_IF_ERROR(AddPaging(t, query::TableRange(t.id), s.limit, s.start_after, s.attributes, &request));
  FRESHET_ASSIGN_OR_RETURN(Json r, api_->Call(Dynamo("Scan"), request));
  return PageFrom(t, s.limit, r);
}

}  // namespace freshet::cli
