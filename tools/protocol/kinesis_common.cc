#include "tools/protocol/kinesis_common.h"

#include "query/item_json.h"
#include "stream/stream_log.h"
#include "tools/protocol/kinesis_shards.h"

namespace freshet::protocol::kinesis {

Checked<stream::StreamDescription> LoadStreamNamed(const Call& call, const std::string& name) {
  auto d = call.backend.log->Get(name);
  if (!d.ok()) {
    if (d.status().IsNotFound()) return StreamNotFound(call.context, name);
    return ErrorForStatus(Service::kKinesis, d.status());
  }
  return std::move(d.value());
}

Checked<stream::StreamDescription> LoadStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, StreamNameOf(call.request));
  return LoadStreamNamed(call, name);
}

Result<uint64_t> AccountOpenShards(const Backend& backend) {
  FRESHET_ASSIGN_OR_RETURN(auto streams, backend.log->List());
  uint64_t n = 0;
  for (const auto& d : streams) n += OpenShardCount(d);
  return n;
}

std::string EncodeToken(const Json& state, uint64_t now_ms) {
  Json j = state;
  j["t"] = now_ms;
  return query::EncodeBase64(j.dump());
}

Checked<Json> DecodeToken(const std::string& token, uint64_t now_ms) {
  std::string text;
  Json j;
  if (query::DecodeBase64(token, &text)) j = Json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("t") || !j["t"].is_number_unsigned()) {
    return AwsError::Client("InvalidArgumentException", "NextToken " + token + " is not valid.");
  }
  if (now_ms > j["t"].get<uint64_t>() + 300000) {
    return AwsError::Client("ExpiredNextTokenException", "The timestamp of the NextToken has expired.");
  }
  return j;
}

}  // namespace freshet::protocol::kinesis
