// OpsPanels (see panels.h).
#include "tools/dashboard/panels.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace freshet::dashboard {
namespace {

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

uint64_t U64(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_unsigned() || it->is_number_integer()) return it->get<uint64_t>();
  if (it->is_string()) return std::strtoull(it->get<std::string>().c_str(), nullptr, 10);
  return 0;
}

constexpr uint64_t kRateWindowMs = 60000;

}  // namespace

Result<Json> OpsPanels::Call(protocol::Service service, std::string_view operation, const Json& request) const {
  protocol::RequestContext context;
  context.now_ms = NowMs();
  protocol::Reply reply = dispatcher_->Dispatch(protocol::Target(service, operation), request, context);
  if (reply.ok()) return std::move(reply.body);
  return protocol::StatusForErrorBody(reply.http_status, reply.body);
}

Result<std::vector<std::string>> OpsPanels::StreamNames() const {
  std::vector<std::string> names;
  Json request = Json::object();
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(Json page, Call(protocol::Service::kKinesis, "ListStreams", request));
    for (const Json& n : page.value("StreamNames", Json::array())) names.push_back(n.get<std::string>());
    if (!page.value("HasMoreStreams", false) || names.empty()) break;
    request["ExclusiveStartStreamName"] = names.back();
  }
  return names;
}

void OpsPanels::Record(const std::string& stream, uint64_t now_ms, uint64_t counter) {
  auto& s = samples_[stream];
  if (!s.empty() && counter < s.back().second) s.clear();  // the stream was deleted and made again
  if (s.empty() || now_ms >= s.back().first + 1000) s.emplace_back(now_ms, counter);
  while (s.size() > 2 && s[1].first + kRateWindowMs <= now_ms) s.pop_front();
}

std::optional<double> OpsPanels::RateOf(const std::string& stream, uint64_t now_ms) {
  auto it = samples_.find(stream);
  if (it == samples_.end() || it->second.size() < 2) return std::nullopt;
  const auto& [t0, c0] = it->second.front();
  const auto& [t1, c1] = it->second.back();
  if (t1 <= t0 || t0 + 2 * kRateWindowMs < now_ms) return std::nullopt;
  return std::round(static_cast<double>(c1 - c0) * 10000.0 / static_cast<double>(t1 - t0)) / 10.0;
}

std::optional<uint64_t> OpsPanels::OldestArrival(const std::string& stream, const Json& shard) {
  if (!shard.contains("FirstSequenceNumber")) return std::nullopt;
  const std::string shard_id = shard.value("ShardId", "");
  const std::string first = shard.value("FirstSequenceNumber", "");
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = oldest_.find({stream, shard_id});
    if (it != oldest_.end() && it->second.first == first) return it->second.second;
  }
  auto iterator = Call(protocol::Service::kKinesis, "GetShardIterator",
                       {{"StreamName", stream}, {"ShardId", shard_id}, {"ShardIteratorType", "TRIM_HORIZON"}});
  if (!iterator.ok()) return std::nullopt;
  auto records = Call(protocol::Service::kKinesis, "GetRecords",
                      {{"ShardIterator", iterator->value("ShardIterator", "")}, {"Limit", 1}});
  if (!records.ok() || records->value("Records", Json::array()).empty()) return std::nullopt;
  const Json& arrival = (*records)["Records"][0]["ApproximateArrivalTimestamp"];
  if (!arrival.is_number()) return std::nullopt;
  const uint64_t ms = static_cast<uint64_t>(std::llround(arrival.get<double>() * 1000));
  std::lock_guard<std::mutex> lock(mu_);
  oldest_[{stream, shard_id}] = {first, ms};
  return ms;
}

Status OpsPanels::Sample() { return Streams().status(); }

Result<Json> OpsPanels::Streams() {
  FRESHET_ASSIGN_OR_RETURN(auto names, StreamNames());
  const uint64_t now = NowMs();
  Json out = Json::array();
  for (const std::string& name : names) {
    auto stats = Call(protocol::Service::kFreshet, "DescribeStreamStats", {{"StreamName", name}});
    if (!stats.ok()) {
      if (stats.status().IsNotFound()) continue;  // deleted since it was listed
      return stats.status();
    }
    uint64_t records = 0, counter = 0, open = 0;
    std::optional<uint64_t> oldest;
    const Json shards = stats->value("Shards", Json::array());
    for (const Json& shard : shards) {
      records += U64(shard, "RecordCount");
      // Sequence numbers are dense per shard, so the sum of the shards' last numbers counts every
      // record ever put (trimmed ones too): the put counter the rate is measured on.
      counter += std::max(U64(shard, "LastSequenceNumber"), U64(shard, "TrimHorizon"));
      if (shard.value("Open", false)) ++open;
      if (auto ms = OldestArrival(name, shard)) oldest = oldest ? std::min(*oldest, *ms) : *ms;
    }
    std::optional<double> rate;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Record(name, now, counter);
      rate = RateOf(name, now);
    }
    out.push_back({{"name", name},
                   {"open_shards", open},
                   {"shards", shards.size()},
                   {"records", records},
                   {"retention_hours", stats->value("RetentionPeriodHours", 0)},
                   {"put_rate", rate ? Json(*rate) : Json(nullptr)},
                   {"oldest_arrival_ms", oldest ? Json(*oldest) : Json(nullptr)}});
  }
  return Json{{"streams", std::move(out)}, {"now_ms", now}};
}

Result<Json> OpsPanels::Consumers() {
  FRESHET_ASSIGN_OR_RETURN(Json listed, Call(protocol::Service::kFreshet, "ListConsumers", Json::object()));
  Json out = Json::array();
  for (const Json& c : listed.value("Consumers", Json::array())) {
    const std::string name = c.value("ConsumerName", "");
    auto d = Call(protocol::Service::kFreshet, "DescribeConsumer", {{"ConsumerName", name}});
    if (!d.ok()) {
      if (d.status().IsNotFound()) continue;
      return d.status();
    }
    uint64_t behind = 0, ms_behind = 0;
    Json shards = Json::array();
    for (const Json& s : d->value("Shards", Json::array())) {
      behind += U64(s, "RecordsBehind");
      ms_behind = std::max(ms_behind, U64(s, "MillisBehind"));
      shards.push_back({{"shard_id", s.value("ShardId", "")},
                        {"cursor", s.value("Cursor", Json(nullptr))},
                        {"tip", s.value("Tip", "")},
                        {"records_behind", U64(s, "RecordsBehind")},
                        {"ms_behind", U64(s, "MillisBehind")}});
    }
    out.push_back({{"name", name},
                   {"stream", d->value("StreamName", "")},
                   {"records_behind", behind},
                   {"ms_behind", ms_behind},
                   {"shards", std::move(shards)}});
  }
  return Json{{"consumers", std::move(out)}};
}

Result<Json> OpsPanels::Functions() {
  FRESHET_ASSIGN_OR_RETURN(Json functions, Call(protocol::Service::kLambda, "ListFunctions", Json::object()));
  FRESHET_ASSIGN_OR_RETURN(Json mappings, Call(protocol::Service::kLambda, "ListEventSourceMappings", Json::object()));
  Json items = Json::array();
  std::map<std::string, Json> by_name;  // function name -> its configuration
  for (const Json& f : functions.value("Functions", Json::array())) by_name[f.value("FunctionName", "")] = f;
  std::set<std::string> mapped;
  for (const Json& m : mappings.value("EventSourceMappings", Json::array())) {
    const std::string arn = m.value("FunctionArn", "");
    const std::string function = arn.substr(arn.rfind(':') + 1);
    const std::string source = m.value("EventSourceArn", "");
    mapped.insert(function);
    uint64_t behind = 0, ms_behind = 0;
    auto d = Call(protocol::Service::kFreshet, "DescribeConsumer", {{"ConsumerName", "esm:" + m.value("UUID", "")}});
    if (d.ok()) {
      for (const Json& sh : d->value("Shards", Json::array())) {
        behind += U64(sh, "RecordsBehind");
        ms_behind = std::max(ms_behind, U64(sh, "MillisBehind"));
      }
    }
    const Json& f = by_name[function];
    items.push_back({{"function", function},
                     {"runtime", f.value("Runtime", "")},
                     {"handler", f.value("Handler", "")},
                     {"source", source.substr(source.rfind('/') + 1)},
                     {"state", m.value("State", "")},
                     {"records_behind", behind},
                     {"ms_behind", ms_behind},
                     {"last_result", m.value("LastProcessingResult", "")}});
  }
  for (const auto& [name, f] : by_name) {
    if (mapped.count(name)) continue;
    items.push_back({{"function", name},
                     {"runtime", f.value("Runtime", "")},
                     {"handler", f.value("Handler", "")},
                     {"source", "-"},
                     {"state", f.value("State", "")},
                     {"records_behind", 0},
                     {"ms_behind", 0},
                     {"last_result", "-"}});
  }
  return Json{{"items", std::move(items)}};
}

Result<Json> OpsPanels::Deliveries() {
  FRESHET_ASSIGN_OR_RETURN(Json listed, Call(protocol::Service::kFirehose, "ListDeliveryStreams", {{"Limit", 10000}}));
  Json items = Json::array();
  for (const Json& n : listed.value("DeliveryStreamNames", Json::array())) {
    const std::string name = n.get<std::string>();
    auto d = Call(protocol::Service::kFirehose, "DescribeDeliveryStream", {{"DeliveryStreamName", name}});
    if (!d.ok()) {
      if (d.status().IsNotFound()) continue;
      return d.status();
    }
    const Json desc = d->value("DeliveryStreamDescription", Json::object());
    Json dest = Json::object();
    for (const Json& x : desc.value("Destinations", Json::array())) {
      dest = x.value("ExtendedS3DestinationDescription", x.value("S3DestinationDescription", Json::object()));
      break;
    }
    const std::string bucket = dest.value("BucketARN", "");
    const Json hints = dest.value("BufferingHints", Json::object());
    std::string source = "DirectPut";
    if (desc.contains("Source")) {
      const std::string arn =
          desc["Source"].value("KinesisStreamSourceDescription", Json::object()).value("KinesisStreamARN", "");
      if (!arn.empty()) source = arn.substr(arn.rfind('/') + 1);
    }
    items.push_back({{"name", name},
                     {"type", desc.value("DeliveryStreamType", "")},
                     {"status", desc.value("DeliveryStreamStatus", "")},
                     {"source", source},
                     {"bucket", bucket.substr(bucket.rfind(':') + 1)},
                     {"prefix", dest.value("Prefix", "")},
                     {"compression", dest.value("CompressionFormat", "")},
                     {"buffer", std::to_string(U64(hints, "SizeInMBs")) + " MB / " +
                                    std::to_string(U64(hints, "IntervalInSeconds")) + " s"}});
  }
  return Json{{"items", std::move(items)}};
}

Result<Json> OpsPanels::Tables() {
  std::vector<std::string> names;
  Json request = Json::object();
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(Json page, Call(protocol::Service::kDynamoDb, "ListTables", request));
    for (const Json& n : page.value("TableNames", Json::array())) names.push_back(n.get<std::string>());
    if (!page.contains("LastEvaluatedTableName")) break;
    request["ExclusiveStartTableName"] = page["LastEvaluatedTableName"];
  }
  Json out = Json::array();
  for (const std::string& name : names) {
    auto d = Call(protocol::Service::kDynamoDb, "DescribeTable", {{"TableName", name}});
    if (!d.ok()) {
      if (d.status().IsNotFound()) continue;
      return d.status();
    }
    const Json& t = (*d)["Table"];
    std::string pk, sk;
    for (const Json& k : t.value("KeySchema", Json::array())) {
      (k.value("KeyType", "") == "HASH" ? pk : sk) = k.value("AttributeName", "");
    }
    out.push_back({{"name", name},
                   {"partition_key", pk},
                   {"sort_key", sk},
                   {"items", U64(t, "ItemCount")},
                   {"size_bytes", U64(t, "TableSizeBytes")}});
  }
  return Json{{"tables", std::move(out)}};
}

}  // namespace freshet::dashboard
