// StreamDescription: what the meta column family records about one stream.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::stream {

inline constexpr uint32_t kMaxShards = 1024;
inline constexpr uint32_t kDefaultRetentionHours = 24;
inline constexpr uint32_t kMaxRetentionHours = 24 * 365;

struct StreamDescription {
  std::string name;
  uint32_t id = 0;
  uint32_t shard_count = 1;
  uint32_t retention_hours = kDefaultRetentionHours;
  uint64_t created_ms = 0;

  uint64_t retention_ms() const { return uint64_t{retention_hours} * 3600 * 1000; }
  std::string ToJson() const;
  // Corruption if `json` is not a description freshet wrote.
  static Result<StreamDescription> FromJson(std::string_view json);
};

// Stream names: 1..128 characters of [A-Za-z0-9_.-] (as Kinesis). InvalidArgument otherwise.
Status ValidateStreamName(std::string_view name);

}  // namespace freshet::stream
