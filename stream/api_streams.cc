// Stream operations of the Api (Kinesis-shaped; fields in docs/api.md).
#include "stream/api_fields.h"
#include "stream/local_api.h"
#include "stream/shard_router.h"
#include "stream/stream_reader.h"

namespace freshet::api {
namespace {

using stream::StreamDescription;

Json DescriptionJson(const StreamDescription& d) {
  return Json::parse(d.ToJson());
}

Result<StreamDescription> GetStream(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
  return b.log->Get(name);
}

Result<Json> DescribeStream(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto d, GetStream(b, req));
  if (!BoolField(req, "Shards", true)) return Json{{"Stream", DescriptionJson(d)}};
  FRESHET_ASSIGN_OR_RETURN(auto shards, b.log->DescribeShards(d));
  Json out = {{"Stream", DescriptionJson(d)}, {"Shards", Json::array()}};
  for (const auto& s : shards) {
    Json sj = {{"ShardId", stream::ShardId(s.shard)},
               {"StartingHashKey", stream::FormatHashKey(s.range.start)},
               {"EndingHashKey", stream::FormatHashKey(s.range.end)},
               {"RecordCount", s.record_count},
               {"TrimHorizon", std::to_string(s.trim_horizon)}};
    if (s.first_sequence) sj["FirstSequenceNumber"] = std::to_string(*s.first_sequence);
    if (s.last_sequence) sj["LastSequenceNumber"] = std::to_string(*s.last_sequence);
    out["Shards"].push_back(sj);
  }
  return out;
}

Result<Json> PutRecords(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto d, GetStream(b, req));
  auto records_it = req.find("Records");
  if (records_it == req.end() || !records_it->is_array()) {
    return Status::InvalidArgument("request field Records (an array) is missing");
  }
  std::vector<stream::PutRecord> records;
  records.reserve(records_it->size());
  for (const Json& r : *records_it) {
    stream::PutRecord record;
    FRESHET_ASSIGN_OR_RETURN(record.partition_key, StringField(r, "PartitionKey"));
    FRESHET_ASSIGN_OR_RETURN(record.data, GetData(r));
    record.explicit_hash_key = OptionalString(r, "ExplicitHashKey");
    records.push_back(std::move(record));
  }
  FRESHET_ASSIGN_OR_RETURN(auto results, b.log->Put(d, records));
  Json out = {{"FailedRecordCount", 0}, {"Records", Json::array()}};
  for (const auto& r : results) {
    out["Records"].push_back({{"ShardId", stream::ShardId(r.shard)}, {"SequenceNumber", std::to_string(r.sequence)}});
  }
  return out;
}

// A shard iterator is "<stream id>/<shard>/<next sequence number>": the stream id (not the
// name) so an iterator of a deleted and re-created stream is refused.
std::string Iterator(const StreamDescription& d, uint32_t shard, uint64_t next) {
  return std::to_string(d.id) + "/" + std::to_string(shard) + "/" + std::to_string(next);
}

Result<Json> GetShardIterator(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto d, GetStream(b, req));
  FRESHET_ASSIGN_OR_RETURN(std::string shard_id, StringField(req, "ShardId"));
  FRESHET_ASSIGN_OR_RETURN(uint32_t shard, stream::ParseShardId(shard_id, d.shard_count));
  FRESHET_ASSIGN_OR_RETURN(std::string position_text, StringField(req, "Position"));
  FRESHET_ASSIGN_OR_RETURN(auto position, stream::Position::Parse(position_text));
  FRESHET_ASSIGN_OR_RETURN(uint64_t next, stream::ResolvePosition(*b.db, d, shard, position));
  return Json{{"ShardIterator", Iterator(d, shard, next)}};
}

Result<Json> GetRecords(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto d, GetStream(b, req));
  FRESHET_ASSIGN_OR_RETURN(std::string iterator, StringField(req, "ShardIterator"));
  unsigned long long id = 0, next = 0;
  unsigned shard = 0;
  int consumed = 0;
  if (std::sscanf(iterator.c_str(), "%llu/%u/%llu%n", &id, &shard, &next, &consumed) != 3 ||
      consumed != static_cast<int>(iterator.size()) || id != d.id || shard >= d.shard_count) {
    return Status::InvalidArgument("invalid shard iterator '" + iterator + "' for stream " + d.name);
  }
  FRESHET_ASSIGN_OR_RETURN(uint64_t limit, UintField(req, "Limit", 10000, 10000));
  FRESHET_RETURN_IF_ERROR(b.db->CatchUp());
  FRESHET_ASSIGN_OR_RETURN(auto records, stream::ReadShard(*b.db, d, shard, next, limit));
  Json out = {{"Records", Json::array()}};
  for (const auto& r : records) {
    Json rj = {{"SequenceNumber", std::to_string(r.sequence)},
               {"ApproximateArrivalTimestamp", r.arrival_ms},
               {"PartitionKey", r.partition_key}};
    if (r.explicit_hash_key) rj["ExplicitHashKey"] = *r.explicit_hash_key;
    PutData(&rj, r.data);
    out["Records"].push_back(std::move(rj));
  }
  out["NextShardIterator"] = Iterator(d, shard, records.empty() ? next : records.back().sequence + 1);
  return out;
}

}  // namespace

Result<Json> CallStreamOp(const Backend& b, std::string_view op, const Json& req) {
  if (op == "PutRecords") return PutRecords(b, req);
  if (op == "GetRecords") return GetRecords(b, req);
  if (op == "GetShardIterator") return GetShardIterator(b, req);
  if (op == "DescribeStream") return DescribeStream(b, req);
  if (op == "ListStreams") {
    FRESHET_ASSIGN_OR_RETURN(auto streams, b.log->List());
    Json out = {{"Streams", Json::array()}};
    for (const auto& d : streams) out["Streams"].push_back(DescriptionJson(d));
    return out;
  }
  if (op == "CreateStream") {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
    FRESHET_ASSIGN_OR_RETURN(uint64_t shards, UintField(req, "ShardCount", 1, UINT32_MAX));
    FRESHET_ASSIGN_OR_RETURN(uint64_t hours,
                             UintField(req, "RetentionPeriodHours", stream::kDefaultRetentionHours, UINT32_MAX));
    FRESHET_ASSIGN_OR_RETURN(auto d, b.log->Create(name, static_cast<uint32_t>(shards), static_cast<uint32_t>(hours)));
    return Json{{"Stream", DescriptionJson(d)}};
  }
  if (op == "DeleteStream") {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
    FRESHET_RETURN_IF_ERROR(b.log->Delete(name));
    return Json::object();
  }
  if (op == "UpdateRetention") {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
    FRESHET_ASSIGN_OR_RETURN(uint64_t hours, UintField(req, "RetentionPeriodHours", 0, UINT32_MAX));
    FRESHET_RETURN_IF_ERROR(b.log->SetRetention(name, static_cast<uint32_t>(hours)));
    return Json::object();
  }
  if (op == "TrimStream") {
    FRESHET_ASSIGN_OR_RETURN(auto d, GetStream(b, req));
    FRESHET_ASSIGN_OR_RETURN(uint64_t removed, b.log->TrimExpired(d, stream::NowMs()));
    return Json{{"RemovedRecords", removed}};
  }
  return Status::NotFound("unknown operation " + std::string(op));
}

}  // namespace freshet::api
