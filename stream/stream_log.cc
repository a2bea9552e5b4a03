#include "stream/stream_log.h"

#include <chrono>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

using storage::Batch;
using storage::Cf;

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

namespace {

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

Status NoSuchStream(std::string_view name) {
  return Status::NotFound("stream '" + std::string(name) + "' does not exist");
}

}  // namespace

Status ValidateRecord(const PutRecord& r) {
  size_t key_chars = Utf8Length(r.partition_key);
  if (key_chars == 0 || key_chars > kMaxPartitionKeyChars) {
    return Status::InvalidArgument("partition key must be 1 to 256 characters (got " + std::to_string(key_chars) +
                                   ")");
  }
  if (r.data.size() > kMaxDataBytes) {
    return Status::InvalidArgument("record data is " + std::to_string(r.data.size()) +
                                   " bytes; the limit is 1 MiB (1048576 bytes)");
  }
  if (r.explicit_hash_key) FRESHET_RETURN_IF_ERROR(ParseHashKey(*r.explicit_hash_key).status());
  return Status::OK();
}

Result<StreamDescription> StreamLog::Create(const std::string& name, uint32_t shard_count,
                                            uint32_t retention_hours) {
  FRESHET_RETURN_IF_ERROR(ValidateStreamName(name));
  if (shard_count < 1 || shard_count > kMaxShards) {
    return Status::InvalidArgument("shard count must be 1 to 1024 (got " + std::to_string(shard_count) + ")");
  }
  if (retention_hours < 1 || retention_hours > kMaxRetentionHours) {
    return Status::InvalidArgument("retention must be 1 to 8760 hours (got " + std::to_string(retention_hours) +
                                   ")");
  }
  StreamDescription d;
  d.name = name;
  d.shard_count = shard_count;
  d.retention_hours = retention_hours;
  d.created_ms = NowMs();
  auto id = storage::CreateNamed(db_, codec::kMetaStream, name, [&](uint32_t new_id) {
    d.id = new_id;
    return d.ToJson();
  });
  if (!id.ok()) {
    if (id.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("stream '" + name + "' already exists");
    }
    return id.status();
  }
  return d;
}

Result<StreamDescription> StreamLog::Get(const std::string& name) const {
  auto json = storage::GetNamed(*db_, codec::kMetaStream, name);
  if (!json.ok()) return json.status().IsNotFound() ? NoSuchStream(name) : json.status();
  return StreamDescription::FromJson(*json);
}

Result<std::vector<StreamDescription>> StreamLog::List() const {
  FRESHET_ASSIGN_OR_RETURN(auto entries, storage::ListNamed(*db_, codec::kMetaStream));
  std::vector<StreamDescription> out;
  for (auto& [name, json] : entries) {
    FRESHET_ASSIGN_OR_RETURN(auto d, StreamDescription::FromJson(json));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<ShardInfo>> StreamLog::DescribeShards(const StreamDescription& stream) const {
  std::vector<ShardInfo> shards;
  for (uint32_t s = 0; s < stream.shard_count; ++s) {
    ShardInfo info;
    info.shard = s;
    info.range = ShardHashRange(s, stream.shard_count);
    FRESHET_ASSIGN_OR_RETURN(info.trim_horizon, TrimHorizon(*db_, stream.id, s));
    std::string prefix = codec::LogKey::ShardPrefix(stream.id, s);
    auto it = db_->NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
    codec::LogKey key;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!codec::LogKey::Decode(it->key(), &key)) return Status::Corruption("malformed log key");
      if (!info.first_sequence) info.first_sequence = key.sequence;
      info.last_sequence = key.sequence;
      ++info.record_count;
    }
    FRESHET_RETURN_IF_ERROR(it->status());
    shards.push_back(info);
  }
  return shards;
}

Status StreamLog::Delete(const std::string& name) {
  FRESHET_ASSIGN_OR_RETURN(auto d, Get(name));
  Batch batch;
  batch.Delete(Cf::kMeta, codec::MetaKey(codec::kMetaStream, name));
  batch.DeleteRange(Cf::kLog, codec::LogKey::StreamPrefix(d.id), codec::LogKey::StreamPrefix(d.id + 1));
  batch.DeleteRange(Cf::kMeta, codec::TrimHorizonKey(d.id, 0), codec::TrimHorizonKey(d.id + 1, 0));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch, [&](Batch*) {
    for (uint32_t s = 0; s < d.shard_count; ++s) next_sequence_.erase({d.id, s});
    return Status::OK();
  }));
  return db_->CompactRange(Cf::kLog, codec::LogKey::StreamPrefix(d.id), codec::LogKey::StreamPrefix(d.id + 1));
}

Status StreamLog::SetRetention(const std::string& name, uint32_t retention_hours) {
  if (retention_hours < 1 || retention_hours > kMaxRetentionHours) {
    return Status::InvalidArgument("retention must be 1 to 8760 hours (got " + std::to_string(retention_hours) +
                                   ")");
  }
  FRESHET_ASSIGN_OR_RETURN(auto d, Get(name));
  d.retention_hours = retention_hours;
  Batch batch;
  batch.Put(Cf::kMeta, codec::MetaKey(codec::kMetaStream, name), d.ToJson());
  return db_->Write(&batch);
}

Result<uint64_t*> StreamLog::NextSequence(uint32_t stream_id, uint32_t shard) {
  auto it = next_sequence_.find({stream_id, shard});
  if (it != next_sequence_.end()) return &it->second;
  FRESHET_ASSIGN_OR_RETURN(uint64_t tip, ShardTip(*db_, stream_id, shard));
  return &next_sequence_.emplace(std::make_pair(stream_id, shard), tip).first->second;
}

Status StreamLog::AppendRecords(const StreamDescription& stream, const std::vector<PutRecord>& records,
                                uint64_t arrival_ms, Batch* batch, std::vector<PutResult>* results) {
  std::string key, value;
  for (const PutRecord& r : records) {
    HashKey hash = 0;
    std::string hash_bytes;
    if (r.explicit_hash_key) {
      FRESHET_ASSIGN_OR_RETURN(hash, ParseHashKey(*r.explicit_hash_key));
      hash_bytes = HashKeyBytes(hash);
    } else {
      hash = Md5HashKey(r.partition_key);
    }
    uint32_t shard = ShardForHashKey(hash, stream.shard_count);
    FRESHET_ASSIGN_OR_RETURN(uint64_t * next, NextSequence(stream.id, shard));
    codec::LogKey log_key{stream.id, shard, (*next)++};
    key.clear();
    log_key.AppendTo(&key);
    value.clear();
    codec::LogValue log_value{arrival_ms, r.partition_key, std::nullopt, r.data};
    if (r.explicit_hash_key) log_value.explicit_hash_key = hash_bytes;
    log_value.AppendTo(&value);
    batch->Put(Cf::kLog, key, value);
    if (results) results->push_back({shard, log_key.sequence});
  }
  return Status::OK();
}

Result<std::vector<PutResult>> StreamLog::Put(const StreamDescription& stream,
                                              const std::vector<PutRecord>& records) {
  if (records.empty()) return std::vector<PutResult>{};
  if (records.size() > kMaxBatchRecords) {
    return Status::InvalidArgument("a batch holds at most 500 records (got " + std::to_string(records.size()) +
                                   ")");
  }
  size_t bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Status s = ValidateRecord(records[i]);
    if (!s.ok()) return records.size() == 1 ? s : s.WithContext("record " + std::to_string(i + 1));
    bytes += records[i].data.size() + records[i].partition_key.size();
  }
  if (bytes > kMaxBatchBytes) {
    return Status::InvalidArgument("a batch holds at most 5 MiB (got " + std::to_string(bytes) + " bytes)");
  }
  Batch batch;
  std::vector<PutResult> results;
  results.reserve(records.size());
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch, [&](Batch* b) {
    results.clear();
    return AppendRecords(stream, records, NowMs(), b, &results);
  }));
  NotifyPut();
  return results;
}

Result<uint64_t> StreamLog::TrimExpired(const StreamDescription& stream, uint64_t now_ms) {
  if (now_ms <= stream.retention_ms()) return uint64_t{0};
  const uint64_t cutoff = now_ms - stream.retention_ms();
  uint64_t removed = 0;
  for (uint32_t s = 0; s < stream.shard_count; ++s) {
    std::string prefix = codec::LogKey::ShardPrefix(stream.id, s);
    auto it = db_->NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
    uint64_t expired = 0, first = 0, keep_from = 0;
    codec::LogKey key;
    codec::LogValue value;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!codec::LogKey::Decode(it->key(), &key) || !codec::LogValue::Decode(it->value(), &value)) {
        return Status::Corruption("malformed log record in stream '" + stream.name + "'");
      }
      if (expired == 0) first = key.sequence;
      keep_from = key.sequence + 1;
      if (value.arrival_ms >= cutoff) {
        keep_from = key.sequence;
        break;
      }
      ++expired;
    }
    FRESHET_RETURN_IF_ERROR(it->status());
    if (expired == 0) continue;
    std::string begin = codec::LogKey{stream.id, s, first}.Encode();
    std::string end = codec::LogKey{stream.id, s, keep_from}.Encode();
    std::string horizon;
    codec::PutFixed64(&horizon, keep_from);
    Batch batch;
    batch.DeleteRange(Cf::kLog, begin, end);
    batch.Put(Cf::kMeta, codec::TrimHorizonKey(stream.id, s), horizon);
    FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
    FRESHET_RETURN_IF_ERROR(db_->CompactRange(Cf::kLog, begin, end));
    removed += expired;
  }
  return removed;
}

void StreamLog::NotifyPut() {
  {
    std::lock_guard lock(put_mu_);
    ++put_version_;
  }
  put_cv_.notify_all();
}

uint64_t StreamLog::put_version() const {
  std::lock_guard lock(put_mu_);
  return put_version_;
}

uint64_t StreamLog::WaitForPut(uint64_t seen_version, int timeout_ms) {
  std::unique_lock lock(put_mu_);
  put_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return put_version_ != seen_version; });
  return put_version_;
}

Result<uint64_t> TrimHorizon(const storage::Db& db, uint32_t stream_id, uint32_t shard) {
  std::string value;
  Status s = db.Get(Cf::kMeta, codec::TrimHorizonKey(stream_id, shard), &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return s;
  if (value.size() != 8) return Status::Corruption("malformed trim horizon");
  return codec::DecodeFixed64(value.data());
}

}  // namespace freshet::stream
