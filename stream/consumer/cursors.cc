#include "stream/consumer/cursors.h"

#include <map>

#include "storage/codec.h"

namespace freshet::stream {

using storage::Cf;

Result<std::optional<uint64_t>> LoadCursor(const storage::Db& db, const std::string& consumer, uint32_t stream_id,
                                           uint32_t shard) {
  std::string value;
  Status s = db.Get(Cf::kCursors, codec::CursorKey{consumer, stream_id, shard}.Encode(), &value);
  if (s.IsNotFound()) return std::optional<uint64_t>();
  if (!s.ok()) return s;
  if (value.size() != 8) return Status::Corruption("malformed cursor of consumer '" + consumer + "'");
  return std::optional<uint64_t>(codec::DecodeFixed64(value.data()));
}

void AddCursor(const std::string& consumer, uint32_t stream_id, uint32_t shard, uint64_t sequence,
               storage::Batch* batch) {
  std::string value;
  codec::PutFixed64(&value, sequence);
  batch->Put(Cf::kCursors, codec::CursorKey{consumer, stream_id, shard}.Encode(), value);
}

Result<std::vector<ConsumerInfo>> ListConsumers(const storage::Db& db, const StreamLog& log) {
  FRESHET_ASSIGN_OR_RETURN(auto streams, log.List());
  std::map<uint32_t, std::string> names;
  for (auto& s : streams) names[s.id] = s.name;
  std::vector<ConsumerInfo> out;
  auto it = db.NewIterator(Cf::kCursors, "", "");
  codec::CursorKey key;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!codec::CursorKey::Decode(it->key(), &key)) return Status::Corruption("malformed cursor key");
    if (out.empty() || out.back().name != key.consumer) {
      auto name = names.find(key.stream_id);
      out.push_back({key.consumer, name == names.end() ? "?" : name->second, 0});
    }
    ++out.back().shards_with_cursor;
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Result<StreamDescription> ConsumerStream(const storage::Db& db, const StreamLog& log, const std::string& consumer) {
  std::string prefix = codec::CursorKey::ConsumerPrefix(consumer);
  auto it = db.NewIterator(Cf::kCursors, prefix, codec::PrefixSuccessor(prefix));
  codec::CursorKey key;
  FRESHET_ASSIGN_OR_RETURN(auto streams, log.List());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!codec::CursorKey::Decode(it->key(), &key)) return Status::Corruption("malformed cursor key");
    for (auto& s : streams) {
      if (s.id == key.stream_id) return s;
    }
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return Status::NotFound("consumer '" + consumer + "' has no cursor on any existing stream");
}

Result<std::vector<ShardLag>> ConsumerLag(const storage::Db& db, const std::string& consumer,
                                          const StreamDescription& stream) {
  std::vector<ShardLag> out;
  for (uint32_t s = 0; s < stream.shard_count; ++s) {
    ShardLag lag;
    lag.shard = s;
    FRESHET_ASSIGN_OR_RETURN(lag.cursor, LoadCursor(db, consumer, stream.id, s));
    FRESHET_ASSIGN_OR_RETURN(uint64_t next, ShardTip(db, stream.id, s));
    lag.tip = next - 1;
    uint64_t from = lag.cursor ? *lag.cursor + 1 : 0;
    // Count and date the unapplied records: the oldest one and the newest.
    FRESHET_ASSIGN_OR_RETURN(auto oldest, ReadShard(db, stream, s, from, 1));
    if (!oldest.empty()) {
      FRESHET_ASSIGN_OR_RETURN(auto newest, ReadShard(db, stream, s, lag.tip, 1));
      // Sequence numbers are dense within a shard: no need to read what lies between.
      lag.behind = lag.tip - oldest[0].sequence + 1;
      if (!newest.empty() && newest[0].arrival_ms > oldest[0].arrival_ms) {
        lag.ms_behind = newest[0].arrival_ms - oldest[0].arrival_ms;
      }
    }
    out.push_back(lag);
  }
  return out;
}

Status ResetConsumer(storage::Db* db, const std::string& consumer, const StreamDescription& stream,
                     const Position& position) {
  storage::Batch batch;
  for (uint32_t s = 0; s < stream.shard_count; ++s) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t first, ResolvePosition(*db, stream, s, position));
    AddCursor(consumer, stream.id, s, first - 1, &batch);
  }
  return db->Write(&batch);
}

}  // namespace freshet::stream
