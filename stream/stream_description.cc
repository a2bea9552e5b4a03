#include "stream/stream_description.h"

#include <nlohmann/json.hpp>

namespace freshet::stream {

std::string StreamDescription::ToJson() const {
  nlohmann::json j = {{"name", name},
                      {"id", id},
                      {"shard_count", shard_count},
                      {"retention_hours", retention_hours},
                      {"created_ms", created_ms}};
  return j.dump();
}

Result<StreamDescription> StreamDescription::FromJson(std::string_view json) {
  try {
    auto j = nlohmann::json::parse(json);
    StreamDescription d;
    d.name = j.at("name").get<std::string>();
    d.id = j.at("id").get<uint32_t>();
    d.shard_count = j.at("shard_count").get<uint32_t>();
    d.retention_hours = j.at("retention_hours").get<uint32_t>();
    d.created_ms = j.at("created_ms").get<uint64_t>();
    if (d.shard_count == 0 || d.shard_count > kMaxShards) throw std::out_of_range("shard_count");
    return d;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("stream description is malformed: ") + e.what());
  }
}

Status ValidateStreamName(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return Status::InvalidArgument("stream name must be 1 to 128 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) {
      return Status::InvalidArgument("stream name '" + std::string(name) +
                                     "' may only contain letters, digits, '_', '-' and '.'");
    }
  }
  return Status::OK();
}

}  // namespace freshet::stream
