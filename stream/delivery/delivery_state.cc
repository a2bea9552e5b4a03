// The delivery state records (delivery_state.h): seals and the object manifest.
#include "stream/delivery/delivery_state.h"

#include <nlohmann/json.hpp>

#include "storage/codec.h"

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;
using storage::Cf;

std::string StatePrefix(uint32_t id) {
  std::string key(1, codec::kMetaDeliveryState);
  codec::PutFixed32(&key, id);
  return key;
}

Json SealToJson(const Seal& s) {
  Json ranges = Json::array();
  for (const ShardRange& r : s.ranges) ranges.push_back({r.shard, r.first, r.last});
  Json j = {{"ordinal", s.ordinal},
            {"bucket", s.bucket},
            {"key", s.key},
            {"entry", s.entry_name},
            {"compression", CompressionName(s.compression)},
            {"first_arrival_ms", s.first_arrival_ms},
            {"ranges", ranges},
            {"records", s.records},
            {"bytes", s.bytes}};
  if (!s.processing_json.empty()) {
    j["processing"] = s.processing_json;
    j["error_key"] = s.error_key;
  }
  return j;
}

Result<Seal> SealFromJson(const Json& j) {
  Seal s;
  s.ordinal = j.at("ordinal").get<uint64_t>();
  s.bucket = j.at("bucket").get<std::string>();
  s.key = j.at("key").get<std::string>();
  s.entry_name = j.at("entry").get<std::string>();
  FRESHET_ASSIGN_OR_RETURN(s.compression, ParseCompression(j.at("compression").get<std::string>()));
  s.first_arrival_ms = j.at("first_arrival_ms").get<uint64_t>();
  for (const Json& r : j.at("ranges")) {
    s.ranges.push_back({r.at(0).get<uint32_t>(), r.at(1).get<uint64_t>(), r.at(2).get<uint64_t>()});
  }
  s.records = j.at("records").get<uint64_t>();
  s.bytes = j.at("bytes").get<uint64_t>();
  s.processing_json = j.value("processing", "");
  s.error_key = j.value("error_key", "");
  return s;
}

}  // namespace

std::string Seal::ToJson() const { return SealToJson(*this).dump(); }

Result<Seal> Seal::FromJson(std::string_view json) {
  try {
    return SealFromJson(Json::parse(json));
  } catch (const std::exception& e) {
    return Status::Corruption("delivery seal is malformed: " + std::string(e.what()));
  }
}

std::string SealKey(uint32_t delivery_id) { return StatePrefix(delivery_id) + "p"; }

std::string ManifestKey(uint32_t delivery_id, uint64_t ordinal) {
  std::string key = StatePrefix(delivery_id) + "o";
  codec::PutFixed64(&key, ordinal);
  return key;
}

std::pair<std::string, std::string> StateRange(uint32_t delivery_id) {
  std::string prefix = StatePrefix(delivery_id);
  return {prefix, codec::PrefixSuccessor(prefix)};
}

std::string ManifestJson(const ManifestEntry& entry) {
  Json j = SealToJson(entry.seal);
  j["object_bytes"] = entry.object_bytes;
  j["delivered_ms"] = entry.delivered_ms;
  if (!entry.seal.processing_json.empty()) {
    j["object_written"] = entry.object_written;
    j["error_written"] = entry.error_written;
    j["error_object_bytes"] = entry.error_object_bytes;
    j["processed_ok"] = entry.processed_ok;
    j["dropped"] = entry.dropped;
    j["failed"] = entry.failed;
  }
  return j.dump();
}

Result<std::optional<Seal>> LoadSeal(const storage::Db& db, uint32_t delivery_id) {
  std::string value;
  Status s = db.Get(Cf::kMeta, SealKey(delivery_id), &value);
  if (s.IsNotFound()) return std::optional<Seal>();
  FRESHET_RETURN_IF_ERROR(s);
  FRESHET_ASSIGN_OR_RETURN(Seal seal, Seal::FromJson(value));
  return std::optional<Seal>(std::move(seal));
}

Result<std::vector<ManifestEntry>> LoadManifest(const storage::Db& db, uint32_t delivery_id, uint64_t from,
                                                size_t limit) {
  std::string prefix = StatePrefix(delivery_id) + "o";
  auto it = db.NewIterator(Cf::kMeta, ManifestKey(delivery_id, from), codec::PrefixSuccessor(prefix));
  std::vector<ManifestEntry> out;
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    try {
      Json j = Json::parse(it->value());
      ManifestEntry e;
      FRESHET_ASSIGN_OR_RETURN(e.seal, SealFromJson(j));
      e.object_bytes = j.at("object_bytes").get<uint64_t>();
      e.delivered_ms = j.at("delivered_ms").get<uint64_t>();
      e.object_written = j.value("object_written", true);
      e.error_written = j.value("error_written", false);
      e.error_object_bytes = j.value("error_object_bytes", uint64_t{0});
      e.processed_ok = j.value("processed_ok", uint64_t{0});
      e.dropped = j.value("dropped", uint64_t{0});
      e.failed = j.value("failed", uint64_t{0});
      out.push_back(std::move(e));
    } catch (const std::exception& e) {
      return Status::Corruption("delivery manifest entry is malformed: " + std::string(e.what()));
    }
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Result<uint64_t> LastOrdinal(const storage::Db& db, uint32_t delivery_id) {
  std::string prefix = StatePrefix(delivery_id) + "o";
  auto it = db.NewIterator(Cf::kMeta, prefix, codec::PrefixSuccessor(prefix));
  it->SeekToLast();
  if (!it->Valid()) {
    FRESHET_RETURN_IF_ERROR(it->status());
    return uint64_t{0};
  }
  std::string_view key = it->key();
  if (key.size() != prefix.size() + 8) return Status::Corruption("malformed delivery manifest key");
  return codec::DecodeFixed64(key.data() + prefix.size());
}

}  // namespace freshet::stream::delivery
