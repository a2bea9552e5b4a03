// Lambda's Kinesis event and OnFailure record (kinesis_event.h).
#include "stream/functions/kinesis_event.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "storage/text.h"
#include "stream/shard_router.h"

namespace freshet::stream {

std::string EventNames::StreamArn(const std::string& stream) const {
  return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + stream;
}
std::string EventNames::FunctionArn(const std::string& function) const {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + function;
}
std::string EventNames::RoleArn() const { return "arn:aws:iam::" + account + ":role/lambda-role"; }

std::string EventNames::Sequence(uint32_t shard, uint64_t sequence) const {
  return sequence_text ? sequence_text(shard, sequence) : std::to_string(sequence);
}

std::optional<uint64_t> EventNames::ParseSequence(uint32_t shard, const std::string& text) const {
  if (parse_sequence) return parse_sequence(shard, text);
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

namespace {

// "2019-11-14T00:38:04.835Z".
std::string IsoMillis(uint64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::string KinesisEvent(const EventNames& names, const std::string& stream, const std::vector<Record>& records,
                         size_t begin, size_t end) {
  const std::string arn = names.StreamArn(stream);
  const std::string role = names.RoleArn();
  std::string out = "{\"Records\":[";
  for (size_t i = begin; i < end; ++i) {
    const Record& r = records[i];
    if (i != begin) out += ',';
    std::string seq = names.Sequence(r.shard, r.sequence);
    out += "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":";
    text::AppendJsonString(r.partition_key, &out);
    out += ",\"sequenceNumber\":\"" + seq + "\",\"data\":\"";
    out += text::EncodeBase64(r.data);
    char ts[40];
    std::snprintf(ts, sizeof ts, "%llu.%03u", static_cast<unsigned long long>(r.arrival_ms / 1000),
                  static_cast<unsigned>(r.arrival_ms % 1000));
    out += "\",\"approximateArrivalTimestamp\":";
    out += ts;
    out += "},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventID\":\"";
    out += ShardId(r.shard) + ":" + seq;
    out += "\",\"eventName\":\"aws:kinesis:record\",\"invokeIdentityArn\":";
    text::AppendJsonString(role, &out);
    out += ",\"awsRegion\":";
    text::AppendJsonString(names.region, &out);
    out += ",\"eventSourceARN\":";
    text::AppendJsonString(arn, &out);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string OnFailureRecord(const EventNames& names, const std::string& stream, const FailureInfo& info,
                            const std::vector<Record>& records, size_t begin, size_t end, uint64_t now_ms) {
  const Record& first = records[begin];
  const Record& last = records[end - 1];
  nlohmann::json response = {{"statusCode", info.status_code}, {"executedVersion", "$LATEST"}};
  if (!info.function_error.empty()) response["functionError"] = info.function_error;
  nlohmann::json j = {{"requestContext",
                       {{"requestId", info.request_id},
                        {"functionArn", names.FunctionArn(info.function)},
                        {"condition", info.condition},
                        {"approximateInvokeCount", info.invoke_count}}},
                      {"responseContext", response},
                      {"version", "1.0"},
                      {"timestamp", IsoMillis(now_ms)},
                      {"KinesisBatchInfo",
                       {{"shardId", ShardId(first.shard)},
                        {"startSequenceNumber", names.Sequence(first.shard, first.sequence)},
                        {"endSequenceNumber", names.Sequence(last.shard, last.sequence)},
                        {"approximateArrivalOfFirstRecord", IsoMillis(first.arrival_ms)},
                        {"approximateArrivalOfLastRecord", IsoMillis(last.arrival_ms)},
                        {"batchSize", end - begin},
                        {"streamArn", names.StreamArn(stream)}}}};
  return j.dump();
}

std::optional<ItemFailures> ParseItemFailures(const EventNames& names, const std::string& payload, uint32_t shard,
                                              const std::vector<Record>& records, size_t begin, size_t end) {
  ItemFailures out;
  if (payload.empty()) return out;
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  // Lambda: a null or absent response, or an empty list, means every record succeeded.
  if (j.is_null()) return out;
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("batchItemFailures");
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return std::nullopt;
  for (const auto& f : *it) {
    if (!f.is_object()) return std::nullopt;
    auto id = f.find("itemIdentifier");
    if (id == f.end() || !id->is_string()) return std::nullopt;
    auto seq = names.ParseSequence(shard, id->get<std::string>());
    if (!seq) return std::nullopt;
    bool in_batch = false;
    for (size_t i = begin; i < end; ++i) {
      if (records[i].sequence == *seq) {
        in_batch = true;
        break;
      }
    }
    if (!in_batch) return std::nullopt;
    if (out.all_ok || *seq < out.first_failed) out.first_failed = *seq;
    out.all_ok = false;
  }
  return out;
}

}  // namespace freshet::stream
