// Fuzzes what stream/ and storage/ parse or decode: pipeline specs, stream positions, hash keys
// and shard ids (command-line and API values), records mapped by the built-in pipelines, and
// the storage key codec.
//
// The first byte of the input picks the mode ((byte - '0') mod kModes, so seeds stay readable);
// the rest is the payload. Documented round trips are checked; a broken one aborts:
//   0  ParsePipelineSpec; a spec whose targets all declare key_schema maps a sample record
//   1  Position::Parse, ParseHashKey (FormatHashKey round trip), ParseShardId
//   2  RecordMapper::Map of the payload as a record, with every built-in pipeline
//   3  codec::CanonicalNumber / PutOrderedNumber / GetOrderedNumber round trip on text
//   4  codec decoders on raw bytes: GetOrderedBytes, GetOrderedNumber, LogValue, LogKey,
//      CursorKey, varints; whatever decodes re-encodes to the same value
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/codec.h"
#include "stream/consumer/pipeline_spec.h"
#include "stream/consumer/record_mapper.h"
#include "stream/shard_router.h"
#include "stream/stream_reader.h"

namespace freshet::stream {
namespace {

constexpr int kModes = 5;

void Check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::string_view kSampleRecord =
    R"({"station":"USW00093721","station_name":"BALTIMORE","date":"2016-01-23","element":"SNOW",)"
    R"("value":"741","mflag":"","qflag":"","sflag":"7","obs_time":"0700","source":"cdo-csv",)"
    R"("reading":{"value":1.5},"sensor_id":"s1","ts":"2024-01-01T00:00:00Z"})";

void FuzzPipelineSpec(std::string_view payload) {
  Result<PipelineSpec> spec = ParsePipelineSpec(payload, "fuzz.json");
  if (!spec.ok()) return;
  std::vector<query::TableDescription> tables;
  for (const TargetSpec& t : spec->targets) {
    if (!t.key_schema) return;  // the consumer would read these from the table store
    tables.push_back(*t.key_schema);
  }
  RecordMapper mapper(&*spec, std::move(tables));
  std::vector<MappedItem> out;
  (void)mapper.Map(kSampleRecord, &out);
}

void FuzzValues(std::string_view payload) {
  (void)Position::Parse(payload);
  Result<HashKey> key = ParseHashKey(payload);
  if (key.ok()) {
    std::string text = FormatHashKey(*key);
    Result<HashKey> again = ParseHashKey(text);
    Check(again.ok() && *again == *key);
    Check(HashKeyFromBytes(HashKeyBytes(*key)) == *key);
    for (uint32_t shards : {1u, 3u, 64u}) {
      uint32_t shard = ShardForHashKey(*key, shards);
      Check(shard < shards);
      HashRange range = ShardHashRange(shard, shards);
      Check(range.start <= *key && *key <= range.end);
    }
  }
  for (uint32_t shards : {1u, 4u, 1000u}) {
    Result<uint32_t> shard = ParseShardId(payload, shards);
    if (shard.ok()) {
      Check(*shard < shards);
      Result<uint32_t> again = ParseShardId(ShardId(*shard), shards);
      Check(again.ok() && *again == *shard);
    }
  }
}

struct Pipeline {
  PipelineSpec spec;
  std::unique_ptr<RecordMapper> mapper;
};

const std::vector<std::unique_ptr<Pipeline>>& BuiltinMappers() {
  static const auto* pipelines = [] {
    auto* all = new std::vector<std::unique_ptr<Pipeline>>;
    for (const std::string& name : BuiltinPipelineNames()) {
      Result<PipelineSpec> spec = LoadPipeline(name);
      Check(spec.ok());
      auto p = std::make_unique<Pipeline>();
      p->spec = std::move(*spec);
      std::vector<query::TableDescription> tables;
      for (const TargetSpec& t : p->spec.targets) {
        Check(t.key_schema.has_value());
        tables.push_back(*t.key_schema);
      }
      p->mapper = std::make_unique<RecordMapper>(&p->spec, std::move(tables));
      all->push_back(std::move(p));
    }
    return all;
  }();
  return *pipelines;
}

void FuzzMapRecord(std::string_view payload) {
  for (const auto& p : BuiltinMappers()) {
    std::vector<MappedItem> out;
    Status st = p->mapper->Map(payload, &out);
    if (!st.ok()) Check(out.empty());  // "leaves *out unchanged"
    for (const MappedItem& m : out) Check(m.target < p->spec.targets.size());
  }
}

void FuzzNumberText(std::string_view payload) {
  Result<std::string> canonical = codec::CanonicalNumber(payload);
  std::string encoded;
  Status put = codec::PutOrderedNumber(&encoded, payload);
  Check(put.ok() == canonical.ok());
  if (!canonical.ok()) return;
  Result<std::string> again = codec::CanonicalNumber(*canonical);
  Check(again.ok() && *again == *canonical);
  std::string_view in = encoded;
  std::string decoded;
  Check(codec::GetOrderedNumber(&in, &decoded));
  Check(in.empty() && decoded == *canonical);
  std::string encoded_again;
  Check(codec::PutOrderedNumber(&encoded_again, *canonical).ok() && encoded_again == encoded);
}

void FuzzCodecBytes(std::string_view payload) {
  {
    std::string_view in = payload;
    std::string value;
    if (codec::GetOrderedBytes(&in, &value)) {
      std::string encoded;
      codec::PutOrderedBytes(&encoded, value);
      Check(encoded == payload.substr(0, payload.size() - in.size()));
    }
  }
  {
    std::string_view in = payload;
    std::string decimal;
    // The decoder also reads numbers no writer makes (over 38 digits: the grammar has no
    // limit, PutOrderedNumber has); what the writer accepts reads back the same.
    std::string encoded;
    if (codec::GetOrderedNumber(&in, &decimal) && codec::PutOrderedNumber(&encoded, decimal).ok()) {
      std::string_view again_in = encoded;
      std::string again;
      Check(codec::GetOrderedNumber(&again_in, &again) && again == decimal);
    }
  }
  {
    codec::LogValue value;
    if (codec::LogValue::Decode(payload, &value)) {
      std::string encoded;
      value.AppendTo(&encoded);
      codec::LogValue again;
      Check(codec::LogValue::Decode(encoded, &again));
      Check(again.arrival_ms == value.arrival_ms && again.partition_key == value.partition_key &&
            again.explicit_hash_key == value.explicit_hash_key && again.data == value.data);
    }
  }
  {
    codec::LogKey key;
    if (codec::LogKey::Decode(payload, &key)) Check(key.Encode() == payload);
  }
  {
    codec::CursorKey key;
    if (codec::CursorKey::Decode(payload, &key)) Check(key.Encode() == payload);
  }
  {
    std::string_view in = payload;
    uint32_t v = 0;
    if (codec::GetVarint32(&in, &v)) {
      std::string encoded;
      codec::PutVarint32(&encoded, v);
      std::string_view again_in = encoded;
      uint32_t again = 0;
      Check(codec::GetVarint32(&again_in, &again) && again == v);
    }
  }
}

}  // namespace
}  // namespace freshet::stream

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::stream;
  if (size == 0) return 0;
  int mode = static_cast<uint8_t>(data[0] - '0') % kModes;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0: FuzzPipelineSpec(payload); break;
    case 1: FuzzValues(payload); break;
    case 2: FuzzMapRecord(payload); break;
    case 3: FuzzNumberText(payload); break;
    default: FuzzCodecBytes(payload); break;
  }
  return 0;
}
