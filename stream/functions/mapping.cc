// Event-source mappings as stored (mapping.h).
#include "stream/functions/mapping.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/consumer/cursors.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

using nlohmann::json;
using storage::Cf;

std::string EventSourceMapping::ToJson() const {
  json j = {{"uuid", uuid},
            {"function", function},
            {"stream", stream},
            {"starting_position", starting_position},
            {"starting_timestamp_ms", starting_timestamp_ms},
            {"batch_size", batch_size},
            {"batching_window_seconds", batching_window_seconds},
            {"max_retry_attempts", max_retry_attempts},
            {"max_record_age_seconds", max_record_age_seconds},
            {"bisect_on_error", bisect_on_error},
            {"report_batch_item_failures", report_batch_item_failures},
            {"on_failure_stream", on_failure_stream},
            {"on_failure_arn", on_failure_arn},
            {"enabled", enabled},
            {"exactly_once", exactly_once},
            {"initial_shards", initial_shards},
            {"stream_id", stream_id},
            {"last_modified_ms", last_modified_ms},
            {"state_reason", state_reason},
            {"last_result", last_result}};
  return j.dump();
}

Result<EventSourceMapping> EventSourceMapping::FromJson(std::string_view text) {
  try {
    json j = json::parse(text);
    EventSourceMapping m;
    m.uuid = j.at("uuid").get<std::string>();
    m.function = j.at("function").get<std::string>();
    m.stream = j.at("stream").get<std::string>();
    m.starting_position = j.at("starting_position").get<std::string>();
    m.starting_timestamp_ms = j.at("starting_timestamp_ms").get<uint64_t>();
    m.batch_size = j.at("batch_size").get<int64_t>();
    m.batching_window_seconds = j.at("batching_window_seconds").get<int64_t>();
    m.max_retry_attempts = j.at("max_retry_attempts").get<int64_t>();
    m.max_record_age_seconds = j.at("max_record_age_seconds").get<int64_t>();
    m.bisect_on_error = j.at("bisect_on_error").get<bool>();
    m.report_batch_item_failures = j.at("report_batch_item_failures").get<bool>();
    m.on_failure_stream = j.at("on_failure_stream").get<std::string>();
    m.on_failure_arn = j.at("on_failure_arn").get<std::string>();
    m.enabled = j.at("enabled").get<bool>();
    m.exactly_once = j.at("exactly_once").get<bool>();
    m.initial_shards = j.at("initial_shards").get<uint32_t>();
    m.stream_id = j.at("stream_id").get<uint32_t>();
    m.last_modified_ms = j.at("last_modified_ms").get<uint64_t>();
    m.state_reason = j.value("state_reason", "User action");
    m.last_result = j.value("last_result", "No records processed");
    return m;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("malformed event source mapping: ") + e.what());
  }
}

Status EventSourceMapping::Validate() const {
  if (function.empty()) return Status::InvalidArgument("FunctionName must not be empty");
  if (batch_size < 1 || batch_size > kMaxMappingBatchSize) {
    return Status::InvalidArgument("BatchSize must be between 1 and 10000");
  }
  if (batching_window_seconds < 0 || batching_window_seconds > kMaxBatchingWindowSeconds) {
    return Status::InvalidArgument("MaximumBatchingWindowInSeconds must be between 0 and 300");
  }
  if (max_retry_attempts < -1 || max_retry_attempts > kMaxRetryAttemptsLimit) {
    return Status::InvalidArgument("MaximumRetryAttempts must be -1 or between 0 and 10000");
  }
  if (max_record_age_seconds != -1 && (max_record_age_seconds < 60 || max_record_age_seconds > kMaxRecordAgeLimit)) {
    return Status::InvalidArgument("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800");
  }
  if (starting_position != "LATEST" && starting_position != "TRIM_HORIZON" && starting_position != "AT_TIMESTAMP") {
    return Status::InvalidArgument("StartingPosition must be one of LATEST, TRIM_HORIZON, AT_TIMESTAMP");
  }
  return Status::OK();
}

std::string CursorName(const std::string& uuid) { return "esm:" + uuid; }

std::string NewUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // OpenSSL's generator failing is exceptional; fall back to the clock and address bits.
    uint64_t t = NowMs();
    for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>((t >> ((i % 8) * 8)) ^ (i * 37));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

namespace {

Result<Position> StartPosition(const EventSourceMapping& m) {
  Position p;
  if (m.starting_position == "TRIM_HORIZON") {
    p.kind = Position::Kind::kTrimHorizon;
  } else if (m.starting_position == "AT_TIMESTAMP") {
    p.kind = Position::Kind::kAtTimestamp;
    p.timestamp_ms = m.starting_timestamp_ms;
  } else {
    p.kind = Position::Kind::kLatest;
  }
  return p;
}

}  // namespace

Status CreateMapping(StreamLog* log, EventSourceMapping* mapping) {
  FRESHET_RETURN_IF_ERROR(mapping->Validate());
  FRESHET_ASSIGN_OR_RETURN(StreamDescription stream, log->Get(mapping->stream));
  if (!mapping->on_failure_stream.empty()) {
    FRESHET_RETURN_IF_ERROR(log->Get(mapping->on_failure_stream).status());
  }
  if (mapping->uuid.empty()) mapping->uuid = NewUuid();
  mapping->stream_id = stream.id;
  mapping->initial_shards = stream.shard_count;
  mapping->last_modified_ms = NowMs();
  FRESHET_ASSIGN_OR_RETURN(Position start, StartPosition(*mapping));
  storage::Batch batch;
  batch.Put(Cf::kMeta, codec::MetaKey(codec::kMetaEventSourceMapping, mapping->uuid), mapping->ToJson());
  for (uint32_t shard = 0; shard < stream.shard_count; ++shard) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t first, ResolvePosition(*log->db(), stream, shard, start));
    AddCursor(CursorName(mapping->uuid), stream.id, shard, first == 0 ? 0 : first - 1, &batch);
  }
  return log->db()->Write(&batch);
}

Result<EventSourceMapping> GetMapping(const storage::Db& db, const std::string& uuid) {
  auto text = storage::GetNamed(db, codec::kMetaEventSourceMapping, uuid);
  if (!text.ok()) {
    if (text.status().IsNotFound()) {
      return Status::NotFound("The resource you requested does not exist. (Service: Lambda; event source mapping " +
                              uuid + ")");
    }
    return text.status();
  }
  return EventSourceMapping::FromJson(*text);
}

Result<std::vector<EventSourceMapping>> ListMappings(const storage::Db& db) {
  FRESHET_ASSIGN_OR_RETURN(auto named, storage::ListNamed(db, codec::kMetaEventSourceMapping));
  std::vector<EventSourceMapping> out;
  for (auto& [name, text] : named) {
    FRESHET_ASSIGN_OR_RETURN(auto m, EventSourceMapping::FromJson(text));
    out.push_back(std::move(m));
  }
  return out;
}

Status PutMapping(storage::Db* db, const EventSourceMapping& mapping) {
  FRESHET_RETURN_IF_ERROR(GetMapping(*db, mapping.uuid).status());
  FRESHET_RETURN_IF_ERROR(mapping.Validate());
  storage::Batch batch;
  batch.Put(Cf::kMeta, codec::MetaKey(codec::kMetaEventSourceMapping, mapping.uuid), mapping.ToJson());
  return db->Write(&batch);
}

Status DeleteMapping(storage::Db* db, const std::string& uuid) {
  FRESHET_RETURN_IF_ERROR(GetMapping(*db, uuid).status());
  storage::Batch batch;
  batch.Delete(Cf::kMeta, codec::MetaKey(codec::kMetaEventSourceMapping, uuid));
  std::string prefix = codec::CursorKey::ConsumerPrefix(CursorName(uuid));
  batch.DeleteRange(Cf::kCursors, prefix, codec::PrefixSuccessor(prefix));
  return db->Write(&batch);
}

}  // namespace freshet::stream
