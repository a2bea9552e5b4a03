#include "tools/stream_format.h"

#include <ctime>

#include "stream/shard_router.h"
#include "tools/output.h"

namespace freshet::cli {

nlohmann::json RecordJson(const ReadRecord& r) {
  nlohmann::json j;
  j["shard_id"] = r.shard_id;
  j["sequence_number"] = r.sequence;
  j["partition_key"] = r.partition_key;
  if (r.explicit_hash_key) j["explicit_hash_key"] = *r.explicit_hash_key;
  j["arrival_ms"] = r.arrival_ms;
  if (IsValidUtf8(r.data)) {
    j["data"] = r.data;
  } else {
    j["data"] = Base64Encode(r.data);
    j["encoding"] = "base64";
  }
  return j;
}

nlohmann::json AckJson(const PutAck& ack, const std::string& partition_key) {
  return {{"shard_id", ack.shard_id}, {"sequence_number", ack.sequence}, {"partition_key", partition_key}};
}

std::string FormatIsoMs(uint64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace freshet::cli
