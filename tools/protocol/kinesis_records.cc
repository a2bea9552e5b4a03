// Kinesis record operations: PutRecord, PutRecords, GetShardIterator, GetRecords.
// Data is base64 on the wire; arrival timestamps are epoch seconds; sequence numbers and
// iterators are described in kinesis_codec.h.
#include <algorithm>

#include "query/item_json.h"
#include "stream/shard_router.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"
#include "tools/protocol/kinesis_common.h"
#include "tools/protocol/kinesis_shards.h"

namespace freshet::protocol::kinesis {
namespace {

using stream::StreamDescription;

bool IsHashKeyText(const std::string& s) {
  if (s.empty() || s.size() > 39 || (s.size() > 1 && s[0] == '0')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One record of a put request, checked as AWS checks it. `index` is the record's place in
// PutRecords (1-based; 0 for PutRecord), named in validation messages as "Records.3.member.Data";
// the names are only built for an error.
Checked<stream::PutRecord> RecordOf(const Json& r, size_t index) {
  auto where = [index](const char* member) {
    return index == 0 ? std::string(member) : "Records." + std::to_string(index) + ".member." + member;
  };
  if (!r.is_object()) return WrongType(index == 0 ? "Record" : where(""), "an object");
  stream::PutRecord out;
  auto data = r.find("Data");
  if (data == r.end() || data->is_null()) return MissingMember("Data");
  if (!data->is_string()) return WrongType("Data", "a string");
  if (!query::DecodeBase64(data->get_ref<const std::string&>(), &out.data)) {
    return AwsError::Client("SerializationException",
                            "Data of " + (index == 0 ? std::string("the record") : where("")) + " is not valid base64");
  }
  if (out.data.size() > stream::kMaxDataBytes) {
    return ValidationError(where("Data"),
                           "'java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(out.data.size()) + "]'",
                           "Member must have length less than or equal to 1048576");
  }
  FRESHET_CHECKED_ASSIGN(out.partition_key, RequiredString(r, "PartitionKey"));
  if (out.partition_key.empty() || out.partition_key.size() > 256) {  // else 1..256 code points
    if (auto e = CheckLength(out.partition_key, where("PartitionKey").c_str(), 1, 256)) return std::move(*e);
  }
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> hash, OptionalString(r, "ExplicitHashKey"));
  if (hash) {
    if (!IsHashKeyText(*hash)) {
      return ValidationError(where("ExplicitHashKey"), "'" + *hash + "'",
                             "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
    }
    if (!stream::ParseHashKey(*hash).ok()) {
      return AwsError::Client("InvalidArgumentException",
                              "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                              "Specified value was " +
                                  *hash);
    }
    out.explicit_hash_key = std::move(*hash);
  }
  return out;
}

Outcome PutRecord(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(stream::PutRecord record, RecordOf(call.request, 0));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> ordering,
                         OptionalString(call.request, "SequenceNumberForOrdering"));
  if (ordering && !ParseSequenceNumber(*ordering)) {
    // Every sequence number freshet hands out is larger than any earlier one of the same shard,
    // so ordering holds by construction; only the form of the argument is checked.
    return AwsError::Client("InvalidArgumentException",
                            "ExclusiveMinimumSequenceNumber " + *ordering + " used in PutRecord on stream " + d.name +
                                " under account " + call.context.account_id + " is invalid.");
  }
  FRESHET_ASSIGN_OR_RETURN(auto results, call.backend.log->Put(d, {std::move(record)}));
  return Json{{"ShardId", stream::ShardId(results[0].shard)},
              {"SequenceNumber", SequenceNumberText(results[0].shard, results[0].sequence)},
              {"EncryptionType", "NONE"}};
}

Outcome PutRecords(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  auto it = call.request.find("Records");
  if (it == call.request.end() || it->is_null()) return MissingMember("Records");
  if (!it->is_array()) return WrongType("Records", "a list");
  if (it->empty()) return ValidationError("Records", "'[]'", "Member must have length greater than or equal to 1");
  if (it->size() > stream::kMaxBatchRecords) {
    return ValidationError("Records", "'[...]' (" + std::to_string(it->size()) + " records)",
                           "Member must have length less than or equal to 500");
  }
  std::vector<stream::PutRecord> records;
  records.reserve(it->size());
  size_t bytes = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    FRESHET_CHECKED_ASSIGN(stream::PutRecord r, RecordOf((*it)[i], i + 1));
    bytes += r.data.size() + r.partition_key.size();
    records.push_back(std::move(r));
  }
  if (bytes > stream::kMaxBatchBytes) {
    return AwsError::Client("InvalidArgumentException", "Records size exceeds 5 MB limit (" + std::to_string(bytes) +
                                                            " bytes in " + std::to_string(records.size()) +
                                                            " records)");
  }
  // One atomic, durable batch: every record is acknowledged or none is.
  FRESHET_ASSIGN_OR_RETURN(auto results, call.backend.log->Put(d, records));
  Json out_records = Json::array();
  for (const auto& r : results) {
    out_records.push_back(
        {{"SequenceNumber", SequenceNumberText(r.shard, r.sequence)}, {"ShardId", stream::ShardId(r.shard)}});
  }
  return Json{{"FailedRecordCount", 0}, {"Records", std::move(out_records)}, {"EncryptionType", "NONE"}};
}

Checked<uint32_t> ShardOf(const Call& call, const StreamDescription& d, const std::vector<ShardView>& shards) {
  FRESHET_CHECKED_ASSIGN(std::string id, RequiredString(call.request, "ShardId"));
  auto index = stream::ParseShardId(id, UINT32_MAX);
  if (!index.ok() || !FindShard(shards, *index)) {
    return AwsError::Client("ResourceNotFoundException", "Shard " + id + " in stream " + d.name + " under account " +
                                                             call.context.account_id + " does not exist");
  }
  return *index;
}

Outcome GetShardIterator(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  const auto shards = ShardsOf(d);
  FRESHET_CHECKED_ASSIGN(uint32_t shard, ShardOf(call, d, shards));
  FRESHET_CHECKED_ASSIGN(std::string type, RequiredString(call.request, "ShardIteratorType"));
  stream::Position position;
  if (type == "TRIM_HORIZON") {
    position.kind = stream::Position::Kind::kTrimHorizon;
  } else if (type == "LATEST") {
    position.kind = stream::Position::Kind::kLatest;
  } else if (type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER") {
    FRESHET_CHECKED_ASSIGN(std::optional<std::string> text, OptionalString(call.request, "StartingSequenceNumber"));
    if (!text) {
      return AwsError::Client("InvalidArgumentException",
                              "StartingSequenceNumber is required for ShardIteratorType " + type + ".");
    }
    auto parsed = ParseSequenceNumber(*text);
    if (!parsed) {
      return AwsError::Client("InvalidArgumentException", "StartingSequenceNumber " + *text +
                                                              " used in "
                                                              "GetShardIterator on shard " +
                                                              stream::ShardId(shard) + " in stream " + d.name +
                                                              " under account " + call.context.account_id +
                                                              " is invalid.");
    }
    if (parsed->shard != shard) {
      return AwsError::Client("InvalidArgumentException",
                              "Invalid StartingSequenceNumber. It encodes " + stream::ShardId(parsed->shard) +
                                  ", while it was used in a call to a shard with " + stream::ShardId(shard));
    }
    position.kind =
        type == "AT_SEQUENCE_NUMBER" ? stream::Position::Kind::kAtSequence : stream::Position::Kind::kAfterSequence;
    position.sequence = parsed->sequence;
  } else if (type == "AT_TIMESTAMP") {
    FRESHET_CHECKED_ASSIGN(std::optional<double> ts, OptionalNumber(call.request, "Timestamp"));
    if (!ts) {
      return AwsError::Client("InvalidArgumentException",
                              "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current "
                              "request has no timestamp parameter.");
    }
    position.kind = stream::Position::Kind::kAtTimestamp;
    position.timestamp_ms = static_cast<uint64_t>(std::max(0.0, *ts * 1000.0));
  } else {
    return ValidationError("ShardIteratorType", "'" + type + "'",
                           "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, "
                           "TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
  }
  FRESHET_RETURN_IF_ERROR(call.backend.db->CatchUp());
  FRESHET_ASSIGN_OR_RETURN(uint64_t next, stream::ResolvePosition(*call.backend.db, d, shard, position));
  return Json{{"ShardIterator", EncodeIterator({d.name, d.id, shard, next, call.context.now_ms})}};
}

Outcome GetRecords(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string iterator_text, RequiredString(call.request, "ShardIterator"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, kMaxGetRecordsLimit));
  auto state = DecodeIterator(iterator_text);
  if (!state) return AwsError::Client("InvalidArgumentException", "Invalid ShardIterator.");
  if (call.context.now_ms > state->issued_ms + kIteratorLifetimeMs) {
    return AwsError::Client("ExpiredIteratorException",
                            "Iterator expired. The iterator was created at time " + std::to_string(state->issued_ms) +
                                " while right now it is " + std::to_string(call.context.now_ms) +
                                " which is further in the future than the tolerated delay of " +
                                std::to_string(kIteratorLifetimeMs) + " milliseconds.");
  }
  FRESHET_RETURN_IF_ERROR(call.backend.db->CatchUp());
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStreamNamed(call, state->stream));
  if (d.id != state->stream_id) return StreamNotFound(call.context, state->stream);  // deleted and re-created
  const auto shards = ShardsOf(d);
  const ShardView* shard = FindShard(shards, state->shard);
  if (!shard) return AwsError::Client("InvalidArgumentException", "Invalid ShardIterator.");
  const size_t max_records = static_cast<size_t>(limit.value_or(kMaxGetRecordsLimit));
  uint64_t to = state->next;
  std::vector<stream::Record> records;
  if (!shard->ending_sequence || state->next <= *shard->ending_sequence) {
    FRESHET_ASSIGN_OR_RETURN(
        records, stream::ReadShard(*call.backend.db, d, state->shard, state->next, max_records, kMaxGetRecordsBytes));
  }
  // The page is written as JSON text straight from the records read (a 10,000-record page
  // built as a DOM and dumped costs several times more).
  std::string text = "{\"Records\":[";
  text.reserve(records.size() * 200 + 256);
  size_t bytes = 0, count = 0;
  for (const auto& r : records) {
    if (shard->ending_sequence && r.sequence > *shard->ending_sequence) break;
    if (count++) text += ',';
    text += "{\"SequenceNumber\":\"";
    text += SequenceNumberText(r.shard, r.sequence);
    text += "\",\"ApproximateArrivalTimestamp\":";
    AppendEpochSeconds(r.arrival_ms, &text);
    text += ",\"Data\":\"";
    text += query::EncodeBase64(r.data);
    text += "\",\"PartitionKey\":";
    query::AppendJsonString(r.partition_key, &text);
    if (r.explicit_hash_key) {
      // Not in AWS's GetRecords shape (SDKs ignore it); freshet's CLI shows it.
      text += ",\"ExplicitHashKey\":\"";
      text += *r.explicit_hash_key;
      text += '"';
    }
    text += '}';
    bytes += r.data.size();
    to = r.sequence + 1;
  }
  const bool caught_up = count < max_records && bytes < kMaxGetRecordsBytes;
  const uint64_t behind =
      caught_up || records.empty() ? 0 : call.context.now_ms - std::min(call.context.now_ms, records.back().arrival_ms);
  text += "],\"MillisBehindLatest\":" + std::to_string(behind);
  if (shard->ending_sequence && to > *shard->ending_sequence) {
    // The end of a closed shard: no next iterator; its children are where reading goes on.
    Json children = Json::array();
    for (const auto& s : shards) {
      if ((s.parent && *s.parent == shard->index) || (s.adjacent_parent && *s.adjacent_parent == shard->index)) {
        Json parents = Json::array({stream::ShardId(*s.parent)});
        if (s.adjacent_parent) parents.push_back(stream::ShardId(*s.adjacent_parent));
        children.push_back({{"ShardId", stream::ShardId(s.index)},
                            {"ParentShards", parents},
                            {"HashKeyRange",
                             {{"StartingHashKey", stream::FormatHashKey(s.range.start)},
                              {"EndingHashKey", stream::FormatHashKey(s.range.end)}}}});
      }
    }
    text += ",\"ChildShards\":" + children.dump();
  } else {
    text += ",\"NextShardIterator\":\"" + EncodeIterator({d.name, d.id, state->shard, to, call.context.now_ms}) + '"';
  }
  text += '}';
  return RawJson{std::move(text)};
}

}  // namespace
}  // namespace freshet::protocol::kinesis

namespace freshet::protocol {

void RegisterKinesisRecordOps(Registry* r) {
  using namespace kinesis;  // NOLINT
  r->Add({"PutRecord", Service::kKinesis, true, &PutRecord});
  r->Add({"PutRecords", Service::kKinesis, true, &PutRecords});
  r->Add({"GetShardIterator", Service::kKinesis, false, &GetShardIterator});
  r->Add({"GetRecords", Service::kKinesis, false, &GetRecords});
}

}  // namespace freshet::protocol
