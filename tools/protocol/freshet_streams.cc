// Freshet_20261129 operations about streams and consumers that AWS has no operation for:
// TrimStream (apply retention now), DescribeStreamStats (per-shard first/last sequence numbers
// and record counts), ListConsumers, DescribeConsumer (per-shard lag), ResetConsumer.
#include "stream/consumer/cursors.h"
#include "stream/shard_router.h"
#include "stream/stream_log.h"
#include "tools/protocol/freshet_fields.h"
#include "tools/protocol/kinesis_codec.h"

namespace freshet::protocol {
namespace {

Result<Json> TrimStream(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
  FRESHET_ASSIGN_OR_RETURN(auto d, b.log->Get(name));
  FRESHET_ASSIGN_OR_RETURN(uint64_t removed, b.log->TrimExpired(d, stream::NowMs()));
  return Json{{"RemovedRecords", removed}};
}

// Sequence numbers here are the log's own (small integers), as `freshet stream describe` shows them.
Result<Json> DescribeStreamStats(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "StreamName"));
  FRESHET_RETURN_IF_ERROR(b.db->CatchUp());
  FRESHET_ASSIGN_OR_RETURN(auto d, b.log->Get(name));
  FRESHET_ASSIGN_OR_RETURN(auto shards, b.log->DescribeShards(d));
  Json out = {{"StreamName", d.name},
              {"ShardCount", d.shard_count},
              {"RetentionPeriodHours", d.retention_hours},
              {"CreatedMs", d.created_ms},
              {"Shards", Json::array()}};
  for (const auto& s : shards) {
    Json sj = {{"ShardId", stream::ShardId(s.shard)},
               {"StartingHashKey", stream::FormatHashKey(s.range.start)},
               {"EndingHashKey", stream::FormatHashKey(s.range.end)},
               {"RecordCount", s.record_count},
               {"TrimHorizon", std::to_string(s.trim_horizon)}};
    if (s.first_sequence) sj["FirstSequenceNumber"] = std::to_string(*s.first_sequence);
    if (s.last_sequence) sj["LastSequenceNumber"] = std::to_string(*s.last_sequence);
    if (s.parent) sj["ParentShardId"] = stream::ShardId(*s.parent);
    if (s.adjacent_parent) sj["AdjacentParentShardId"] = stream::ShardId(*s.adjacent_parent);
    sj["Open"] = s.open();
    out["Shards"].push_back(std::move(sj));
  }
  return out;
}

Result<Json> ListConsumers(const Backend& b, const Json&) {
  FRESHET_ASSIGN_OR_RETURN(auto consumers, stream::ListConsumers(*b.db, *b.log));
  Json out = {{"Consumers", Json::array()}};
  for (const auto& c : consumers) {
    out["Consumers"].push_back({{"ConsumerName", c.name}, {"StreamName", c.stream}, {"Shards", c.shards_with_cursor}});
  }
  return out;
}

Result<Json> DescribeConsumer(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "ConsumerName"));
  FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*b.db, *b.log, name));
  FRESHET_ASSIGN_OR_RETURN(auto lags, stream::ConsumerLag(*b.db, name, d));
  Json shards = Json::array();
  for (const auto& l : lags) {
    Json s = {{"ShardId", stream::ShardId(l.shard)},
              {"Tip", std::to_string(l.tip)},
              {"RecordsBehind", l.behind},
              {"MillisBehind", l.ms_behind}};
    s["Cursor"] = l.cursor ? Json(std::to_string(*l.cursor)) : Json(nullptr);
    shards.push_back(std::move(s));
  }
  return Json{{"ConsumerName", name}, {"StreamName", d.name}, {"Shards", shards}};
}

Result<Json> ResetConsumer(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "ConsumerName"));
  FRESHET_ASSIGN_OR_RETURN(std::string to, StringField(req, "To"));
  FRESHET_ASSIGN_OR_RETURN(auto position, stream::Position::Parse(to));
  if (position.kind != stream::Position::Kind::kTrimHorizon && position.kind != stream::Position::Kind::kLatest) {
    return Status::InvalidArgument("--to must be trim-horizon or latest");
  }
  FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*b.db, *b.log, name));
  FRESHET_RETURN_IF_ERROR(stream::ResetConsumer(b.db, name, d, position));
  return Json{{"StreamName", d.name}};
}

}  // namespace

void RegisterFreshetStreamOps(Registry* r) {
  r->Add({"TrimStream", Service::kFreshet, true, &Adapt<TrimStream>});
  r->Add({"DescribeStreamStats", Service::kFreshet, false, &Adapt<DescribeStreamStats>});
  r->Add({"ListConsumers", Service::kFreshet, false, &Adapt<ListConsumers>});
  r->Add({"DescribeConsumer", Service::kFreshet, false, &Adapt<DescribeConsumer>});
  r->Add({"ResetConsumer", Service::kFreshet, true, &Adapt<ResetConsumer>});
}

}  // namespace freshet::protocol
