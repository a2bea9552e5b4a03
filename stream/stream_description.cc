#include "stream/stream_description.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace freshet::stream {

namespace {
constexpr HashKey kMaxHashKey = ~HashKey{0};
}

void StreamDescription::SetUniformShards(uint32_t count) {
  shard_count = count;
  shards.clear();
  for (uint32_t i = 0; i < count; ++i) {
    ShardDescription s;
    s.index = i;
    s.range = ShardHashRange(i, count);
    shards.push_back(s);
  }
}

uint32_t StreamDescription::open_shard_count() const {
  return static_cast<uint32_t>(std::count_if(shards.begin(), shards.end(), [](auto& s) { return s.open(); }));
}

std::vector<uint32_t> StreamDescription::OpenShards() const {
  std::vector<uint32_t> out;
  for (const auto& s : shards) {
    if (s.open()) out.push_back(s.index);
  }
  std::sort(out.begin(), out.end(),
            [&](uint32_t a, uint32_t b) { return shards[a].range.start < shards[b].range.start; });
  return out;
}

std::vector<uint32_t> StreamDescription::ChildShards(uint32_t shard) const {
  std::vector<uint32_t> out;
  for (const auto& s : shards) {
    if (s.HasParent(shard)) out.push_back(s.index);
  }
  return out;
}

uint32_t StreamDescription::OpenShardForHashKey(HashKey hash_key) const {
  for (const auto& s : shards) {
    if (s.open() && s.range.start <= hash_key && hash_key <= s.range.end) return s.index;
  }
  return 0;  // unreachable for a valid description
}

bool StreamDescription::resharded() const {
  return std::any_of(shards.begin(), shards.end(), [](auto& s) { return !s.open() || s.parent; });
}

std::string StreamDescription::ToJson() const {
  nlohmann::json j = {{"name", name},
                      {"id", id},
                      {"shard_count", shard_count},
                      {"retention_hours", retention_hours},
                      {"created_ms", created_ms}};
  if (resharded()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : shards) {
      nlohmann::json e = {{"start", FormatHashKey(s.range.start)},
                          {"end", FormatHashKey(s.range.end)},
                          {"starting_sequence", s.starting_sequence}};
      if (s.parent) e["parent"] = *s.parent;
      if (s.adjacent_parent) e["adjacent_parent"] = *s.adjacent_parent;
      if (s.ending_sequence) e["ending_sequence"] = *s.ending_sequence;
      if (s.closed_ms) e["closed_ms"] = *s.closed_ms;
      list.push_back(std::move(e));
    }
    j["shards"] = std::move(list);
  }
  return j.dump();
}

namespace {

HashKey ParseStoredHashKey(const nlohmann::json& j) {
  auto key = ParseHashKey(j.get<std::string>());
  if (!key.ok()) throw std::out_of_range("hash key");
  return *key;
}

// The open shards' ranges must tile [0, 2^128) exactly: routing depends on it.
bool OpenRangesPartition(const StreamDescription& d) {
  std::vector<uint32_t> open = d.OpenShards();
  if (open.empty() || open.size() > kMaxShards) return false;
  HashKey next = 0;
  for (size_t i = 0; i < open.size(); ++i) {
    const HashRange& r = d.shards[open[i]].range;
    if (r.start != next || r.end < r.start) return false;
    if (i + 1 == open.size()) return r.end == kMaxHashKey;
    next = r.end + 1;
  }
  return false;
}

}  // namespace

Result<StreamDescription> StreamDescription::FromJson(std::string_view json) {
  try {
    auto j = nlohmann::json::parse(json);
    StreamDescription d;
    d.name = j.at("name").get<std::string>();
    d.id = j.at("id").get<uint32_t>();
    d.shard_count = j.at("shard_count").get<uint32_t>();
    d.retention_hours = j.at("retention_hours").get<uint32_t>();
    d.created_ms = j.at("created_ms").get<uint64_t>();
    if (!j.contains("shards")) {
      if (d.shard_count == 0 || d.shard_count > kMaxShards) throw std::out_of_range("shard_count");
      d.SetUniformShards(d.shard_count);
      return d;
    }
    const auto& list = j.at("shards");
    if (!list.is_array() || list.size() != d.shard_count) throw std::out_of_range("shards");
    for (uint32_t i = 0; i < d.shard_count; ++i) {
      const auto& e = list[i];
      ShardDescription s;
      s.index = i;
      s.range = {ParseStoredHashKey(e.at("start")), ParseStoredHashKey(e.at("end"))};
      s.starting_sequence = e.at("starting_sequence").get<uint64_t>();
      if (e.contains("parent")) s.parent = e["parent"].get<uint32_t>();
      if (e.contains("adjacent_parent")) s.adjacent_parent = e["adjacent_parent"].get<uint32_t>();
      if (e.contains("ending_sequence")) s.ending_sequence = e["ending_sequence"].get<uint64_t>();
      if (e.contains("closed_ms")) s.closed_ms = e["closed_ms"].get<uint64_t>();
      if ((s.parent && *s.parent >= i) || (s.adjacent_parent && *s.adjacent_parent >= i)) {
        throw std::out_of_range("parent of shard " + std::to_string(i));
      }
      d.shards.push_back(s);
    }
    if (!OpenRangesPartition(d)) throw std::out_of_range("open shard ranges");
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
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) {
      return Status::InvalidArgument("stream name '" + std::string(name) +
                                     "' may only contain letters, digits, '_', '-' and '.'");
    }
  }
  return Status::OK();
}

}  // namespace freshet::stream
