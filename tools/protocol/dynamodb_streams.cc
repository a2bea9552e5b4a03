// DynamoDB Streams (DynamoDBStreams_20120810, JSON 1.0): ListStreams, DescribeStream,
// GetShardIterator, GetRecords over the change records TableStore writes with each item change
// (query/change_stream.h).
//
// A stream is a table's records under one label (the time it was enabled); it has one shard,
// "shardId-<label ms, 20 digits>-00000001". Sequence numbers are the records' numbers as 21-digit
// decimals. A shard iterator is "<table id>:<label ms>:<last sequence read>" (opaque to clients).
// When the stream is disabled its shard is closed: EndingSequenceNumber is set, and GetRecords
// omits NextShardIterator once it has returned the last record.
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "query/change_stream.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

constexpr char kArnMarker[] = "/stream/";

AwsError NotFound(const std::string& what) {
  return AwsError::Client("ResourceNotFoundException", "Requested resource not found: " + what);
}

std::string ShardIdOf(uint64_t label_ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "shardId-%020" PRIu64 "-00000001", label_ms);
  return buf;
}

std::string SequenceText(uint64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%021" PRIu64, sequence);
  return buf;
}

bool ParseSequence(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 21) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// A stream: the table it belongs to and its label.
struct StreamRef {
  TableDescription table;
  uint64_t label_ms = 0;
  bool current = false;  // the table's latest stream (else an older, closed one)
  bool open() const { return current && table.stream.enabled; }
};

Checked<StreamRef> FindStream(const Call& call, const std::string& arn) {
  const std::string prefix = TableArn(call, "");
  const size_t marker = arn.find(kArnMarker);
  if (arn.rfind(prefix, 0) != 0 || marker == std::string::npos || marker <= prefix.size()) {
    return ValidationError("StreamArn", "'" + arn + "'", "Member must be a DynamoDB stream ARN");
  }
  const std::string name = arn.substr(prefix.size(), marker - prefix.size());
  uint64_t label_ms = 0;
  if (!ParseStreamLabel(arn.substr(marker + sizeof(kArnMarker) - 1), &label_ms)) {
    return NotFound("Stream: " + arn + " not found");
  }
  auto table = call.backend.tables->Get(name);
  if (!table.ok() || table->stream.label_ms == 0 || label_ms > table->stream.label_ms) {
    return NotFound("Stream: " + arn + " not found");
  }
  StreamRef ref{*table, label_ms, label_ms == table->stream.label_ms};
  return ref;
}

Json KeySchemaJson(const TableDescription& table) {
  Json schema = Json::array({{{"AttributeName", table.partition_key.name}, {"KeyType", "HASH"}}});
  if (table.sort_key) schema.push_back({{"AttributeName", table.sort_key->name}, {"KeyType", "RANGE"}});
  return schema;
}

Outcome ListStreams(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> table_name, OptionalString(call.request, "TableName"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 100));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartStreamArn"));
  FRESHET_ASSIGN_OR_RETURN(auto tables, call.backend.tables->List());
  Json streams = Json::array();
  std::string last;
  bool more = false;
  for (const TableDescription& t : tables) {
    if (t.stream.label_ms == 0 || (table_name && t.name != *table_name)) continue;
    const std::string arn = StreamArn(call, t);
    if (start && arn <= *start) continue;
    if (limit && streams.size() == static_cast<size_t>(*limit)) {
      more = true;
      break;
    }
    streams.push_back({{"StreamArn", arn}, {"TableName", t.name}, {"StreamLabel", StreamLabel(t.stream.label_ms)}});
    last = arn;
  }
  if (table_name && !call.backend.tables->Get(*table_name).ok()) {
    return NotFound("Table: " + *table_name + " not found");
  }
  Json out = {{"Streams", streams}};
  if (more) out["LastEvaluatedStreamArn"] = last;
  return out;
}

Outcome DescribeStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string arn, RequiredString(call.request, "StreamArn"));
  FRESHET_CHECKED_ASSIGN(StreamRef ref, FindStream(call, arn));
  FRESHET_ASSIGN_OR_RETURN(auto bounds, query::ChangeBounds(*call.backend.db, ref.table.id, ref.label_ms));
  Json range = {{"StartingSequenceNumber", SequenceText(bounds.first == 0 ? 1 : bounds.first)}};
  if (!ref.open()) range["EndingSequenceNumber"] = SequenceText(bounds.second);
  Json shard = {{"ShardId", ShardIdOf(ref.label_ms)}, {"SequenceNumberRange", range}};
  return Json{{"StreamDescription",
               {{"StreamArn", arn},
                {"StreamLabel", StreamLabel(ref.label_ms)},
                {"StreamStatus", ref.open() ? "ENABLED" : "DISABLED"},
                {"StreamViewType", std::string(query::StreamViewName(ref.table.stream.view))},
                {"CreationRequestDateTime", static_cast<double>(ref.label_ms) / 1000.0},
                {"TableName", ref.table.name},
                {"KeySchema", KeySchemaJson(ref.table)},
                {"Shards", Json::array({shard})}}}};
}

std::string IteratorText(uint32_t table_id, uint64_t label_ms, uint64_t after) {
  return std::to_string(table_id) + ":" + std::to_string(label_ms) + ":" + std::to_string(after);
}

Outcome GetShardIterator(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string arn, RequiredString(call.request, "StreamArn"));
  FRESHET_CHECKED_ASSIGN(std::string shard, RequiredString(call.request, "ShardId"));
  FRESHET_CHECKED_ASSIGN(std::string type, RequiredString(call.request, "ShardIteratorType"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> seq_text, OptionalString(call.request, "SequenceNumber"));
  FRESHET_CHECKED_ASSIGN(StreamRef ref, FindStream(call, arn));
  if (shard != ShardIdOf(ref.label_ms)) return NotFound("Shard: " + shard + " in Stream: " + arn + " not found");
  FRESHET_ASSIGN_OR_RETURN(auto bounds, query::ChangeBounds(*call.backend.db, ref.table.id, ref.label_ms));
  uint64_t after = 0;
  if (type == "TRIM_HORIZON") {
    after = bounds.first == 0 ? 0 : bounds.first - 1;
  } else if (type == "LATEST") {
    after = bounds.second;
  } else if (type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER") {
    uint64_t n = 0;
    if (!seq_text) {
      return Validation("Must specify a sequence number when ShardIteratorType is " + type);
    }
    if (!ParseSequence(*seq_text, &n) || n == 0) {
      return ValidationError("SequenceNumber", "'" + *seq_text + "'", "Member must be a sequence number");
    }
    if (bounds.first != 0 && n < bounds.first) {
      return AwsError::Client("TrimmedDataAccessException",
                              "The requested sequence number " + *seq_text + " is beyond the trim horizon");
    }
    after = type == "AT_SEQUENCE_NUMBER" ? n - 1 : n;
  } else {
    return ValidationError("ShardIteratorType", "'" + type + "'",
                           "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, "
                           "TRIM_HORIZON]");
  }
  return Json{{"ShardIterator", IteratorText(ref.table.id, ref.label_ms, after)}};
}

Outcome GetRecords(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string iterator, RequiredString(call.request, "ShardIterator"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 1000));
  uint32_t table_id = 0;
  uint64_t label_ms = 0, after = 0;
  if (std::sscanf(iterator.c_str(), "%" SCNu32 ":%" SCNu64 ":%" SCNu64, &table_id, &label_ms, &after) != 3) {
    return ValidationError("ShardIterator", "'" + iterator + "'", "Member must be a shard iterator");
  }
  // The table owning the stream (for its state and region-independent fields).
  FRESHET_ASSIGN_OR_RETURN(auto tables, call.backend.tables->List());
  const TableDescription* table = nullptr;
  for (const TableDescription& t : tables) {
    if (t.id == table_id) table = &t;
  }
  if (!table) return NotFound("Shard iterator of a deleted table");
  FRESHET_ASSIGN_OR_RETURN(
      std::vector<query::ChangeRecord> records,
      query::ReadChanges(*call.backend.db, table_id, label_ms, after, static_cast<size_t>(limit.value_or(1000))));
  Json out_records = Json::array();
  for (const query::ChangeRecord& r : records) {
    Json stored = Json::parse(r.json, nullptr, false);
    if (stored.is_discarded()) return Status::Corruption("malformed change record in table " + table->name);
    Json d = {{"ApproximateCreationDateTime", stored.value("t", uint64_t{0}) / 1000},
              {"Keys", stored["k"]},
              {"SequenceNumber", SequenceText(r.sequence)},
              {"SizeBytes", stored.value("s", uint64_t{0})},
              {"StreamViewType", stored.value("v", std::string())}};
    if (stored.contains("n")) d["NewImage"] = stored["n"];
    if (stored.contains("o")) d["OldImage"] = stored["o"];
    Json record = {{"eventID", SequenceText(r.sequence)},
                   {"eventName", stored.value("e", std::string())},
                   {"eventVersion", "1.1"},
                   {"eventSource", "aws:dynamodb"},
                   {"awsRegion", call.context.region},
                   {"dynamodb", d}};
    if (stored.value("ttl", false)) {
      record["userIdentity"] = {{"Type", "Service"}, {"PrincipalId", "dynamodb.amazonaws.com"}};
    }
    out_records.push_back(std::move(record));
    after = r.sequence;
  }
  Json out = {{"Records", out_records}};
  const bool open = table->stream.enabled && table->stream.label_ms == label_ms;
  if (open || !records.empty()) out["NextShardIterator"] = IteratorText(table_id, label_ms, after);
  return out;
}

}  // namespace

std::string StreamLabel(uint64_t label_ms) {
  const std::time_t seconds = static_cast<std::time_t>(label_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(label_ms % 1000));
  return buf;
}

bool ParseStreamLabel(const std::string& label, uint64_t* label_ms) {
  std::tm tm{};
  int ms = 0;
  if (label.size() != 23 || std::sscanf(label.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t seconds = timegm(&tm);
  if (seconds < 0) return false;
  *label_ms = static_cast<uint64_t>(seconds) * 1000 + static_cast<uint64_t>(ms);
  return true;
}

std::string StreamArn(const Call& call, const TableDescription& table) {
  return TableArn(call, table.name) + kArnMarker + StreamLabel(table.stream.label_ms);
}

void RegisterDynamoDbStreamsOps(Registry* r) {
  r->Add({"ListStreams", Service::kDynamoDbStreams, false, &ListStreams});
  r->Add({"DescribeStream", Service::kDynamoDbStreams, false, &DescribeStream});
  r->Add({"GetShardIterator", Service::kDynamoDbStreams, false, &GetShardIterator});
  r->Add({"GetRecords", Service::kDynamoDbStreams, false, &GetRecords});
}

}  // namespace freshet::protocol::dynamodb
