// Kinesis stream operations: CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary,
// ListStreams, ListShards, DescribeLimits, ListStreamConsumers. Shapes: AWS's Kinesis API
// reference (Kinesis_20131202, JSON 1.1).
#include <algorithm>

#include "stream/stream_attributes.h"
#include "stream/stream_log.h"
#include "tools/protocol/kinesis_common.h"
#include "tools/protocol/kinesis_shards.h"

namespace freshet::protocol::kinesis {
namespace {

using stream::StreamDescription;

constexpr uint32_t kOnDemandStreamLimit = 50;

bool ValidStreamNameChars(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

Json ModeDetails(const std::string& mode) { return {{"StreamMode", mode}}; }

Checked<std::map<std::string, std::string>> TagsMember(const Json& request) {
  std::map<std::string, std::string> tags;
  auto it = request.find("Tags");
  if (it == request.end() || it->is_null()) return tags;
  if (!it->is_object()) return WrongType("Tags", "a map of tag keys to values");
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) return WrongType("Tags", "a map of tag keys to string values");
    if (auto e = CheckLength(k, "Tags", 1, 128)) return std::move(*e);
    if (auto e = CheckLength(v.get<std::string>(), "Tags", 0, 256)) return std::move(*e);
    tags[k] = v.get<std::string>();
  }
  return tags;
}

Outcome CreateStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(call.request, "StreamName"));
  if (auto e = CheckLength(name, "StreamName", 1, 128)) return std::move(*e);
  if (!ValidStreamNameChars(name)) {
    return ValidationError("StreamName", "'" + name + "'",
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  std::string mode = "PROVISIONED";
  if (auto it = call.request.find("StreamModeDetails"); it != call.request.end() && !it->is_null()) {
    FRESHET_CHECKED_ASSIGN(mode, RequiredString(*it, "StreamMode"));
    if (mode != "PROVISIONED" && mode != "ON_DEMAND") {
      return ValidationError("StreamModeDetails.StreamMode", "'" + mode + "'",
                             "Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]");
    }
  }
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> shard_count, OptionalInteger(call.request, "ShardCount", 1, INT32_MAX));
  if (mode == "PROVISIONED" && !shard_count) {
    return AwsError::Client("InvalidArgumentException", "ShardCount is required for streams in PROVISIONED mode.");
  }
  if (mode == "ON_DEMAND") shard_count = call.settings.on_demand_default_shards;
  FRESHET_CHECKED_ASSIGN(auto tags, TagsMember(call.request));
  if (tags.size() > 50) {
    return AwsError::Client("InvalidArgumentException", "A stream can have at most 50 tags.");
  }
  FRESHET_ASSIGN_OR_RETURN(uint64_t open, AccountOpenShards(call.backend));
  if (open + static_cast<uint64_t>(*shard_count) > call.settings.account_shard_limit) {
    return AwsError::Client("LimitExceededException",
                            "This request would exceed the shard limit for the account " + call.context.account_id +
                                " in " + call.context.region + ". Current shard count for the account: " +
                                std::to_string(open) + ". Limit: " + std::to_string(call.settings.account_shard_limit) +
                                ". Number of additional shards that would have resulted from this request: " +
                                std::to_string(*shard_count) + ".");
  }
  if (*shard_count > static_cast<int64_t>(stream::kMaxShards)) {
    return AwsError::Client("InvalidArgumentException",
                            "freshet streams hold at most " + std::to_string(stream::kMaxShards) + " shards.");
  }
  auto created = call.backend.log->Create(name, static_cast<uint32_t>(*shard_count), stream::kDefaultRetentionHours);
  if (!created.ok()) {
    if (created.status().code() == Status::Code::kAlreadyExists) {
      AwsError e = AwsError::Client("ResourceInUseException", "Stream " + name + " under account " +
                                                                  call.context.account_id + " already exists.");
      e.engine_code = Status::Code::kAlreadyExists;
      return e;
    }
    return created.status();
  }
  if (mode != "PROVISIONED" || !tags.empty()) {
    stream::StreamAttributes attributes;
    attributes.mode = mode;
    attributes.tags = std::move(tags);
    FRESHET_RETURN_IF_ERROR(stream::SaveStreamAttributes(call.backend.db, created->id, attributes));
  }
  return Json::object();
}

Outcome DeleteStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_RETURN_IF_ERROR(call.backend.log->Delete(d.name));
  return Json::object();
}

Outcome DescribeStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 10000));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartShardId"));
  FRESHET_ASSIGN_OR_RETURN(auto attributes, stream::LoadStreamAttributes(*call.backend.db, d.id));
  std::optional<uint32_t> after;
  if (start) {
    auto index = stream::ParseShardId(*start, UINT32_MAX);
    if (!index.ok()) return AwsError::Client("InvalidArgumentException", "Invalid ExclusiveStartShardId " + *start);
    after = *index;
  }
  Json shards = Json::array();
  bool more = false;
  const size_t max = static_cast<size_t>(limit.value_or(100));
  for (const auto& s : ShardsOf(d)) {
    if (after && s.index <= *after) continue;
    if (shards.size() == max) {
      more = true;
      break;
    }
    shards.push_back(ShardJson(s));
  }
  return Json{{"StreamDescription",
               {{"StreamName", d.name},
                {"StreamARN", StreamArn(call.context, d.name)},
                {"StreamStatus", "ACTIVE"},
                {"StreamModeDetails", ModeDetails(attributes.mode)},
                {"Shards", std::move(shards)},
                {"HasMoreShards", more},
                {"RetentionPeriodHours", d.retention_hours},
                {"StreamCreationTimestamp", EpochSeconds(d.created_ms)},
                {"EnhancedMonitoring", Json::array({{{"ShardLevelMetrics", Json::array()}}})},
                {"EncryptionType", "NONE"}}}};
}

Outcome DescribeStreamSummary(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_ASSIGN_OR_RETURN(auto attributes, stream::LoadStreamAttributes(*call.backend.db, d.id));
  return Json{{"StreamDescriptionSummary",
               {{"StreamName", d.name},
                {"StreamARN", StreamArn(call.context, d.name)},
                {"StreamStatus", "ACTIVE"},
                {"StreamModeDetails", ModeDetails(attributes.mode)},
                {"RetentionPeriodHours", d.retention_hours},
                {"StreamCreationTimestamp", EpochSeconds(d.created_ms)},
                {"EnhancedMonitoring", Json::array({{{"ShardLevelMetrics", Json::array()}}})},
                {"EncryptionType", "NONE"},
                {"OpenShardCount", OpenShardCount(d)},
                {"ConsumerCount", 0}}}};
}

Outcome ListStreams(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 10000));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartStreamName"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> token, OptionalString(call.request, "NextToken"));
  if (token) {
    FRESHET_CHECKED_ASSIGN(Json state, DecodeToken(*token, call.context.now_ms));
    if (!state.contains("after") || !state["after"].is_string()) {
      return AwsError::Client("InvalidArgumentException", "NextToken " + *token + " is not valid.");
    }
    start = state["after"].get<std::string>();
  }
  FRESHET_ASSIGN_OR_RETURN(auto streams, call.backend.log->List());  // in name order
  const size_t max = static_cast<size_t>(limit.value_or(100));
  Json names = Json::array(), summaries = Json::array();
  bool more = false;
  std::string last;
  for (const auto& d : streams) {
    if (start && d.name <= *start) continue;
    if (names.size() == max) {
      more = true;
      break;
    }
    FRESHET_ASSIGN_OR_RETURN(auto attributes, stream::LoadStreamAttributes(*call.backend.db, d.id));
    names.push_back(d.name);
    summaries.push_back({{"StreamName", d.name},
                         {"StreamARN", StreamArn(call.context, d.name)},
                         {"StreamStatus", "ACTIVE"},
                         {"StreamModeDetails", ModeDetails(attributes.mode)},
                         {"StreamCreationTimestamp", EpochSeconds(d.created_ms)}});
    last = d.name;
  }
  Json out = {{"StreamNames", names}, {"HasMoreStreams", more}, {"StreamSummaries", summaries}};
  if (more) out["NextToken"] = EncodeToken({{"after", last}}, call.context.now_ms);
  return out;
}

// Whether shard `s` passes a ListShards ShardFilter.
bool PassesFilter(const ShardView& s, const std::vector<ShardView>& all, const std::string& type,
                  std::optional<uint32_t> after, uint64_t ts_ms) {
  if (type == "AFTER_SHARD_ID") return !after || s.index > *after;
  if (type == "AT_LATEST") return s.open();
  if (type == "FROM_TRIM_HORIZON") return true;
  if (type == "AT_TRIM_HORIZON") {  // the oldest shards still kept: none of their parents is kept
    return (!s.parent || !FindShard(all, *s.parent)) && (!s.adjacent_parent || !FindShard(all, *s.adjacent_parent));
  }
  if (type == "AT_TIMESTAMP") return s.created_ms <= ts_ms && (!s.closed_ms || *s.closed_ms > ts_ms);
  if (type == "FROM_TIMESTAMP") return !s.closed_ms || *s.closed_ms > ts_ms;
  return true;
}

Outcome ListShards(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> token, OptionalString(call.request, "NextToken"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> max_results, OptionalInteger(call.request, "MaxResults", 1, 10000));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartShardId"));
  std::string name;
  Json filter = call.request.value("ShardFilter", Json(nullptr));
  std::optional<uint32_t> after;
  if (token) {
    if (call.request.contains("StreamName") || call.request.contains("ExclusiveStartShardId") ||
        call.request.contains("ShardFilter")) {
      return AwsError::Client("InvalidArgumentException",
                              "NextToken and StreamName, ExclusiveStartShardId or ShardFilter cannot be provided "
                              "together.");
    }
    FRESHET_CHECKED_ASSIGN(Json state, DecodeToken(*token, call.context.now_ms));
    if (!state.contains("stream") || !state["stream"].is_string() || !state.contains("after")) {
      return AwsError::Client("InvalidArgumentException", "NextToken " + *token + " is not valid.");
    }
    name = state["stream"].get<std::string>();
    after = state["after"].get<uint32_t>();
    filter = state.value("filter", Json(nullptr));
  } else {
    FRESHET_CHECKED_ASSIGN(name, StreamNameOf(call.request));
    if (start) {
      auto index = stream::ParseShardId(*start, UINT32_MAX);
      if (!index.ok()) return AwsError::Client("InvalidArgumentException", "Invalid ExclusiveStartShardId " + *start);
      after = *index;
    }
  }
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStreamNamed(call, name));
  std::string type = "FROM_TRIM_HORIZON";
  std::optional<uint32_t> filter_after;
  uint64_t ts_ms = 0;
  if (filter.is_object()) {
    FRESHET_CHECKED_ASSIGN(type, RequiredString(filter, "Type"));
    static const char* const kTypes[] = {"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON",
                                         "AT_LATEST",      "AT_TIMESTAMP",    "FROM_TIMESTAMP"};
    if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return type == t; })) {
      return ValidationError("ShardFilter.Type", "'" + type + "'",
                             "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, "
                             "FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]");
    }
    if (type == "AFTER_SHARD_ID") {
      FRESHET_CHECKED_ASSIGN(std::string id, RequiredString(filter, "ShardId"));
      auto index = stream::ParseShardId(id, UINT32_MAX);
      if (!index.ok()) return AwsError::Client("InvalidArgumentException", "Invalid ShardId " + id);
      filter_after = *index;
    }
    if (type == "AT_TIMESTAMP" || type == "FROM_TIMESTAMP") {
      FRESHET_CHECKED_ASSIGN(std::optional<double> ts, OptionalNumber(filter, "Timestamp"));
      if (!ts) return AwsError::Client("InvalidArgumentException", "ShardFilter " + type + " needs a Timestamp.");
      ts_ms = static_cast<uint64_t>(std::max(0.0, *ts * 1000.0));
    }
  }
  const auto all = ShardsOf(d);
  const size_t max = static_cast<size_t>(max_results.value_or(1000));
  Json shards = Json::array();
  bool more = false;
  uint32_t last = 0;
  for (const auto& s : all) {
    if (after && s.index <= *after) continue;
    if (!PassesFilter(s, all, type, filter_after, ts_ms)) continue;
    if (shards.size() == max) {
      more = true;
      break;
    }
    shards.push_back(ShardJson(s));
    last = s.index;
  }
  Json out = {{"Shards", shards}};
  if (more)
    out["NextToken"] = EncodeToken({{"stream", d.name}, {"after", last}, {"filter", filter}}, call.context.now_ms);
  return out;
}

Outcome DescribeLimits(const Call& call) {
  FRESHET_ASSIGN_OR_RETURN(auto streams, call.backend.log->List());
  uint64_t open = 0, on_demand = 0;
  for (const auto& d : streams) {
    open += OpenShardCount(d);
    FRESHET_ASSIGN_OR_RETURN(auto attributes, stream::LoadStreamAttributes(*call.backend.db, d.id));
    on_demand += attributes.mode == "ON_DEMAND";
  }
  return Json{{"ShardLimit", call.settings.account_shard_limit},
              {"OpenShardCount", open},
              {"OnDemandStreamCount", on_demand},
              {"OnDemandStreamCountLimit", kOnDemandStreamLimit}};
}

Outcome ListStreamConsumers(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string arn, RequiredString(call.request, "StreamARN"));
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  (void)d;  // freshet has no enhanced fan-out consumers: an existing stream has none
  return Json{{"Consumers", Json::array()}};
}

}  // namespace
}  // namespace freshet::protocol::kinesis

namespace freshet::protocol {

void RegisterKinesisStreamOps(Registry* r) {
  using namespace kinesis;  // NOLINT
  r->Add({"CreateStream", Service::kKinesis, true, &CreateStream});
  r->Add({"DeleteStream", Service::kKinesis, true, &DeleteStream});
  r->Add({"DescribeStream", Service::kKinesis, false, &DescribeStream});
  r->Add({"DescribeStreamSummary", Service::kKinesis, false, &DescribeStreamSummary});
  r->Add({"ListStreams", Service::kKinesis, false, &ListStreams});
  r->Add({"ListShards", Service::kKinesis, false, &ListShards});
  r->Add({"DescribeLimits", Service::kKinesis, false, &DescribeLimits});
  r->Add({"ListStreamConsumers", Service::kKinesis, false, &ListStreamConsumers});
}

}  // namespace freshet::protocol
