// Lambda_20150331 event-source mapping operations (Lambda's REST API reaches them through the
// Lambda HttpService, which maps /2015-03-31/event-source-mappings/ paths onto these targets and
// puts path and query parameters into the JSON request: UUID, FunctionName, EventSourceArn,
// Marker, MaxItems):
//   CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings,
//   UpdateEventSourceMapping, DeleteEventSourceMapping.
// Responses are Lambda's EventSourceMappingConfiguration; errors Lambda's
// (ResourceNotFoundException 404, InvalidParameterValueException 400,
// ResourceConflictException 409).
//
// freshet's exactly-once switch (stream/functions/mapping_runner.h): the request member
// "FreshetExactlyOnce": false, or the tag "freshet:exactly-once" = "false" (Tags, which the aws
// CLI and the SDKs can send), turns it off for the mapping; it is on by default.
//
// Thread-safety: handlers are called concurrently; the store functions are safe for that.
#include <algorithm>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/functions/mapping.h"
#include "stream/functions/mapping_status.h"
#include "tools/protocol/fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol {
namespace {

using stream::EventSourceMapping;

AwsError NotFound(const std::string& what) {
  return AwsError{"ResourceNotFoundException", what, 404, Status::Code::kNotFound};
}
AwsError BadParameter(const std::string& what) {
  return AwsError{"InvalidParameterValueException", what, 400, Status::Code::kInvalidArgument};
}

// "NAME", "ACCOUNT:function:NAME", "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]" -> NAME.
std::string FunctionNameOf(const std::string& given) {
  auto pos = given.find("function:");
  if (pos == std::string::npos) return given;
  std::string rest = given.substr(pos + 9);
  auto colon = rest.find(':');
  return colon == std::string::npos ? rest : rest.substr(0, colon);
}

// "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME" -> NAME; nullopt for anything else.
std::optional<std::string> StreamNameOf(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0 || arn.find(":kinesis:") == std::string::npos) return std::nullopt;
  auto pos = arn.find(":stream/");
  if (pos == std::string::npos) return std::nullopt;
  std::string name = arn.substr(pos + 8);
  if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
  return name;
}

std::string FunctionArn(const Call& call, const std::string& name) {
  return "arn:aws:lambda:" + call.context.region + ":" + call.context.account_id + ":function:" + name;
}

Json Describe(const Call& call, const EventSourceMapping& m, const std::string& state) {
  Json j = {{"UUID", m.uuid},
            {"StartingPosition", m.starting_position},
            {"BatchSize", m.batch_size},
            {"MaximumBatchingWindowInSeconds", m.batching_window_seconds},
            {"ParallelizationFactor", 1},
            {"EventSourceArn",
             "arn:aws:kinesis:" + call.context.region + ":" + call.context.account_id + ":stream/" + m.stream},
            {"FunctionArn", FunctionArn(call, m.function)},
            {"LastModified", static_cast<double>(m.last_modified_ms) / 1000.0},
            {"LastProcessingResult", stream::MappingStatus::Global().LastResult(m.uuid, m.last_result)},
            {"State", state},
            {"StateTransitionReason", m.state_reason},
            {"DestinationConfig", Json::object()},
            {"MaximumRecordAgeInSeconds", m.max_record_age_seconds},
            {"BisectBatchOnFunctionError", m.bisect_on_error},
            {"MaximumRetryAttempts", m.max_retry_attempts},
            {"TumblingWindowInSeconds", 0},
            {"FunctionResponseTypes",
             m.report_batch_item_failures ? Json::array({"ReportBatchItemFailures"}) : Json::array()},
            {"EventSourceMappingArn", "arn:aws:lambda:" + call.context.region + ":" + call.context.account_id +
                                          ":event-source-mapping:" + m.uuid},
            {"FreshetExactlyOnce", m.exactly_once}};
  if (m.starting_position == "AT_TIMESTAMP") {
    j["StartingPositionTimestamp"] = static_cast<double>(m.starting_timestamp_ms) / 1000.0;
  }
  if (!m.on_failure_arn.empty()) j["DestinationConfig"] = {{"OnFailure", {{"Destination", m.on_failure_arn}}}};
  return j;
}

std::string StateOf(const EventSourceMapping& m) { return m.enabled ? "Enabled" : "Disabled"; }

// Applies the optional members shared by Create and Update to `m`.
std::optional<AwsError> ApplyOptions(const Call& call, const Json& r, EventSourceMapping* m) {
  auto integer = [&](const char* member, int64_t min, int64_t max, int64_t* out) -> std::optional<AwsError> {
    auto v = OptionalInteger(r, member, min, max);
    if (!v.ok()) return BadParameter(v.error().message);
    if (v.value()) *out = *v.value();
    return std::nullopt;
  };
  auto boolean = [&](const char* member, bool* out) -> std::optional<AwsError> {
    auto it = r.find(member);
    if (it == r.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) return WrongType(member, "a boolean");
    *out = it->get<bool>();
    return std::nullopt;
  };
  if (auto e = integer("BatchSize", 1, stream::kMaxMappingBatchSize, &m->batch_size)) return e;
  if (auto e = integer("MaximumBatchingWindowInSeconds", 0, stream::kMaxBatchingWindowSeconds,
                       &m->batching_window_seconds)) {
    return e;
  }
  if (auto e = integer("MaximumRetryAttempts", -1, stream::kMaxRetryAttemptsLimit, &m->max_retry_attempts)) return e;
  if (auto e = integer("MaximumRecordAgeInSeconds", -1, stream::kMaxRecordAgeLimit, &m->max_record_age_seconds)) {
    return e;
  }
  int64_t parallelization = 1;
  if (auto e = integer("ParallelizationFactor", 1, 10, &parallelization)) return e;
  if (parallelization != 1) {
    return BadParameter("freshet runs one batch per shard at a time: ParallelizationFactor must be 1");
  }
  if (auto e = boolean("BisectBatchOnFunctionError", &m->bisect_on_error)) return e;
  if (auto e = boolean("Enabled", &m->enabled)) return e;
  if (auto e = boolean("FreshetExactlyOnce", &m->exactly_once)) return e;
  if (auto it = r.find("FunctionResponseTypes"); it != r.end() && !it->is_null()) {
    if (!it->is_array()) return WrongType("FunctionResponseTypes", "a list");
    m->report_batch_item_failures = false;
    for (const auto& t : *it) {
      if (t != "ReportBatchItemFailures") {
        return BadParameter("FunctionResponseTypes may only hold ReportBatchItemFailures");
      }
      m->report_batch_item_failures = true;
    }
  }
  if (auto it = r.find("DestinationConfig"); it != r.end() && it->is_object()) {
    auto on_failure = it->find("OnFailure");
    if (on_failure != it->end() && on_failure->is_object()) {
      auto dest = on_failure->find("Destination");
      if (dest == on_failure->end() || dest->is_null() || (dest->is_string() && dest->get<std::string>().empty())) {
        m->on_failure_arn.clear();
        m->on_failure_stream.clear();
      } else {
        if (!dest->is_string()) return WrongType("Destination", "a string");
        auto name = StreamNameOf(dest->get<std::string>());
        if (!name) {
          return BadParameter(
              "freshet sends OnFailure records to Kinesis streams only: Destination must be a stream "
              "ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
        }
        auto dest_stream = call.backend.log->Get(*name);
        if (!dest_stream.ok()) return BadParameter("OnFailure destination stream " + *name + " does not exist");
        m->on_failure_arn = dest->get<std::string>();
        m->on_failure_stream = *name;
      }
    }
  }
  if (auto it = r.find("Tags"); it != r.end() && it->is_object()) {
    auto tag = it->find("freshet:exactly-once");
    if (tag != it->end() && tag->is_string()) m->exactly_once = *tag != "false";
  }
  if (Status s = m->Validate(); !s.ok()) return BadParameter(s.message());
  return std::nullopt;
}

Outcome CreateEventSourceMapping(const Call& call) {
  const Json& r = call.request;
  FRESHET_CHECKED_ASSIGN(std::string function_given, RequiredString(r, "FunctionName"));
  FRESHET_CHECKED_ASSIGN(std::string source, RequiredString(r, "EventSourceArn"));
  EventSourceMapping m;
  m.function = FunctionNameOf(function_given);
  auto stream_name = StreamNameOf(source);
  if (!stream_name) {
    return BadParameter(
        "freshet maps Kinesis streams only: EventSourceArn must be arn:aws:kinesis:REGION:ACCOUNT:"
        "stream/NAME, not " +
        source);
  }
  m.stream = *stream_name;
  if (!storage::GetNamed(*call.backend.db, codec::kMetaFunction, m.function).ok()) {
    return NotFound("Function not found: " + FunctionArn(call, m.function));
  }
  if (!call.backend.log->Get(m.stream).ok()) {
    return BadParameter("Stream not found: " + source);
  }
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> position, OptionalString(r, "StartingPosition"));
  if (!position) return BadParameter("StartingPosition is required for a Kinesis event source");
  m.starting_position = *position;
  if (m.starting_position == "AT_TIMESTAMP") {
    FRESHET_CHECKED_ASSIGN(std::optional<double> ts, OptionalNumber(r, "StartingPositionTimestamp"));
    if (!ts) return BadParameter("StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP");
    m.starting_timestamp_ms = static_cast<uint64_t>(*ts * 1000.0);
  }
  if (auto e = ApplyOptions(call, r, &m)) return *e;
  m.state_reason = "User action";
  if (Status s = stream::CreateMapping(call.backend.log, &m); !s.ok()) {
    if (s.IsInvalidArgument()) return BadParameter(s.message());
    return s;
  }
  return Describe(call, m, "Creating");
}

Checked<EventSourceMapping> Load(const Call& call) {
  auto uuid = RequiredString(call.request, "UUID");
  if (!uuid.ok()) return uuid.error();
  auto m = stream::GetMapping(*call.backend.db, uuid.value());
  if (!m.ok()) {
    if (m.status().IsNotFound()) {
      return NotFound("The resource you requested does not exist. (event source mapping " + uuid.value() + ")");
    }
    return ErrorForStatus(Service::kLambda, m.status());
  }
  return std::move(*m);
}

Outcome GetEventSourceMapping(const Call& call) {
  FRESHET_CHECKED_ASSIGN(EventSourceMapping m, Load(call));
  return Describe(call, m, StateOf(m));
}

Outcome UpdateEventSourceMapping(const Call& call) {
  FRESHET_CHECKED_ASSIGN(EventSourceMapping m, Load(call));
  const Json& r = call.request;
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> function_given, OptionalString(r, "FunctionName"));
  if (function_given) {
    std::string name = FunctionNameOf(*function_given);
    if (!storage::GetNamed(*call.backend.db, codec::kMetaFunction, name).ok()) {
      return NotFound("Function not found: " + FunctionArn(call, name));
    }
    m.function = name;
  }
  bool was_enabled = m.enabled;
  if (auto e = ApplyOptions(call, r, &m)) return *e;
  if (was_enabled != m.enabled) m.state_reason = "User action";
  m.last_modified_ms = stream::NowMs();
  if (Status s = stream::PutMapping(call.backend.db, m); !s.ok()) return s;
  return Describe(call, m, "Updating");
}

Outcome DeleteEventSourceMapping(const Call& call) {
  FRESHET_CHECKED_ASSIGN(EventSourceMapping m, Load(call));
  if (Status s = stream::DeleteMapping(call.backend.db, m.uuid); !s.ok()) return s;
  return Describe(call, m, "Deleting");
}

Outcome ListEventSourceMappings(const Call& call) {
  const Json& r = call.request;
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> function_given, OptionalString(r, "FunctionName"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> source, OptionalString(r, "EventSourceArn"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> marker, OptionalString(r, "Marker"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> max_items, OptionalInteger(r, "MaxItems", 1, 10000));
  auto all = stream::ListMappings(*call.backend.db);
  if (!all.ok()) return all.status();
  std::optional<std::string> stream_filter;
  if (source) {
    stream_filter = StreamNameOf(*source);
    if (!stream_filter) return BadParameter("EventSourceArn must be a Kinesis stream ARN");
  }
  std::string function_filter = function_given ? FunctionNameOf(*function_given) : "";
  size_t limit = static_cast<size_t>(max_items.value_or(100));
  Json list = Json::array();
  std::optional<std::string> next;
  for (const auto& m : *all) {
    if (marker && m.uuid <= *marker) continue;
    if (!function_filter.empty() && m.function != function_filter) continue;
    if (stream_filter && m.stream != *stream_filter) continue;
    if (list.size() == limit) {
      next = list.back()["UUID"].get<std::string>();
      break;
    }
    list.push_back(Describe(call, m, StateOf(m)));
  }
  Json out = {{"EventSourceMappings", list}};
  if (next) out["NextMarker"] = *next;
  return out;
}

}  // namespace

void RegisterLambdaMappingOps(Registry* registry) {
  registry->Add({"CreateEventSourceMapping", Service::kLambda, true, CreateEventSourceMapping});
  registry->Add({"GetEventSourceMapping", Service::kLambda, false, GetEventSourceMapping});
  registry->Add({"ListEventSourceMappings", Service::kLambda, false, ListEventSourceMappings});
  registry->Add({"UpdateEventSourceMapping", Service::kLambda, true, UpdateEventSourceMapping});
  registry->Add({"DeleteEventSourceMapping", Service::kLambda, true, DeleteEventSourceMapping});
}

}  // namespace freshet::protocol
