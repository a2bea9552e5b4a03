#include "stream/stream_log.h"

#include <algorithm>
#include <chrono>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

using storage::Batch;
using storage::Cf;

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
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

namespace {

// The limits that do not need the explicit hash key parsed (Encode parses it).
Status CheckLimits(const PutRecord& r) {
  size_t key_chars = Utf8Length(r.partition_key);
  if (key_chars == 0 || key_chars > kMaxPartitionKeyChars) {
    return Status::InvalidArgument("partition key must be 1 to 256 characters (got " + std::to_string(key_chars) + ")");
  }
  if (r.data.size() > kMaxDataBytes) {
    return Status::InvalidArgument("record data is " + std::to_string(r.data.size()) +
                                   " bytes; the limit is 1 MiB (1048576 bytes)");
  }
  return Status::OK();
}

void EncodeBigEndian(uint64_t v, int bytes, char* out) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

Status ValidateRecord(const PutRecord& r) {
  FRESHET_RETURN_IF_ERROR(CheckLimits(r));
  if (r.explicit_hash_key) FRESHET_RETURN_IF_ERROR(ParseHashKey(*r.explicit_hash_key).status());
  return Status::OK();
}

Result<StreamDescription> StreamLog::Create(const std::string& name, uint32_t shard_count, uint32_t retention_hours) {
  FRESHET_RETURN_IF_ERROR(ValidateStreamName(name));
  return CreateChecked(name, shard_count, retention_hours);
}

Result<StreamDescription> StreamLog::CreateInternal(const std::string& name, uint32_t shard_count,
                                                    uint32_t retention_hours) {
  if (!IsInternalStreamName(name) || name.size() > 256) {
    return Status::InvalidArgument("internal stream name '" + name + "' must start with '" +
                                   std::string(kInternalStreamPrefix) + "'");
  }
  return CreateChecked(name, shard_count, retention_hours);
}

Result<StreamDescription> StreamLog::CreateChecked(const std::string& name, uint32_t shard_count,
                                                   uint32_t retention_hours) {
  if (shard_count < 1 || shard_count > kMaxShards) {
    return Status::InvalidArgument("shard count must be 1 to 1024 (got " + std::to_string(shard_count) + ")");
  }
  if (retention_hours < 1 || retention_hours > kMaxRetentionHours) {
    return Status::InvalidArgument("retention must be 1 to 8760 hours (got " + std::to_string(retention_hours) + ")");
  }
  StreamDescription d;
  d.name = name;
  d.SetUniformShards(shard_count);
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
    if (IsInternalStreamName(name)) continue;
    FRESHET_ASSIGN_OR_RETURN(auto d, StreamDescription::FromJson(json));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<ShardInfo>> StreamLog::DescribeShards(const StreamDescription& stream) const {
  std::vector<ShardInfo> shards;
  for (const ShardDescription& sd : stream.shards) {
    ShardInfo info;
    info.shard = sd.index;
    info.range = sd.range;
    info.parent = sd.parent;
    info.adjacent_parent = sd.adjacent_parent;
    info.starting_sequence = sd.starting_sequence;
    info.ending_sequence = sd.ending_sequence;
    info.closed_ms = sd.closed_ms;
    FRESHET_ASSIGN_OR_RETURN(info.trim_horizon, TrimHorizon(*db_, stream.id, sd.index));
    // Sequence numbers are dense and retention removes a prefix: first and last say it all.
    std::string prefix = codec::LogKey::ShardPrefix(stream.id, sd.index);
    auto it = db_->NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
    codec::LogKey key;
    it->SeekToFirst();
    if (it->Valid()) {
      if (!codec::LogKey::Decode(it->key(), &key)) return Status::Corruption("malformed log key");
      info.first_sequence = key.sequence;
      it->SeekToLast();
      if (!it->Valid() || !codec::LogKey::Decode(it->key(), &key)) {
        FRESHET_RETURN_IF_ERROR(it->status());
        return Status::Corruption("malformed log key");
      }
      info.last_sequence = key.sequence;
      info.record_count = key.sequence - *info.first_sequence + 1;
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
    storage::MutexLock lock(&seq_mu_);
    Forget(d.id, d.name);
    return Status::OK();
  }));
  return db_->CompactRange(Cf::kLog, codec::LogKey::StreamPrefix(d.id), codec::LogKey::StreamPrefix(d.id + 1));
}

Status StreamLog::SetRetention(const std::string& name, uint32_t retention_hours) {
  if (retention_hours < 1 || retention_hours > kMaxRetentionHours) {
    return Status::InvalidArgument("retention must be 1 to 8760 hours (got " + std::to_string(retention_hours) + ")");
  }
  return ChangeDescription(name,
                           [&](StreamDescription* d, uint64_t) {
                             d->retention_hours = retention_hours;
                             return Status::OK();
                           })
      .status();
}

Result<uint64_t*> StreamLog::NextSequence(uint32_t stream_id, uint32_t shard) {
  auto it = next_sequence_.find({stream_id, shard});
  if (it != next_sequence_.end()) return &it->second;
  FRESHET_ASSIGN_OR_RETURN(uint64_t tip, ShardTip(*db_, stream_id, shard));
  return &next_sequence_.emplace(std::make_pair(stream_id, shard), tip).first->second;
}

uint32_t StreamLog::Routing::Route(HashKey hash) const {
  auto it = std::upper_bound(starts.begin(), starts.end(), hash);
  return shards[it == starts.begin() ? 0 : it - starts.begin() - 1];
}

StreamLog::Routing StreamLog::MakeRouting(const StreamDescription& stream) {
  Routing r;
  for (uint32_t s : stream.OpenShards()) {
    r.starts.push_back(stream.shards[s].range.start);
    r.shards.push_back(s);
  }
  return r;
}

Result<const StreamLog::Routing*> StreamLog::RoutingFor(const StreamDescription& stream) {
  auto it = routing_.find(stream.id);
  if (it != routing_.end()) return &it->second;
  FRESHET_ASSIGN_OR_RETURN(StreamDescription d, Get(stream.name));
  if (d.id != stream.id) return NoSuchStream(stream.name);
  return &routing_.emplace(stream.id, MakeRouting(d)).first->second;
}

void StreamLog::Forget(uint32_t stream_id, const std::string& name) {
  routing_.erase(stream_id);
  changed_.erase(name);
  next_sequence_.erase(next_sequence_.lower_bound({stream_id, 0}), next_sequence_.lower_bound({stream_id + 1, 0}));
}

Status StreamLog::Encode(const StreamDescription& stream, const std::vector<PutRecord>& records, Batch* batch,
                         std::vector<Encoded>* encoded) {
  // The key's shard and sequence and the value's arrival time are placeholders until Number.
  std::string key, header, hash_bytes;
  codec::LogKey{stream.id, 0, 0}.AppendTo(&key);
  encoded->reserve(encoded->size() + records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const PutRecord& r = records[i];
    Encoded e;
    codec::LogValue value{0, r.partition_key, std::nullopt, {}};
    if (r.explicit_hash_key) {
      auto hash = ParseHashKey(*r.explicit_hash_key);
      if (!hash.ok()) {
        return records.size() == 1 ? hash.status() : hash.status().WithContext("record " + std::to_string(i + 1));
      }
      e.hash = *hash;
      hash_bytes = HashKeyBytes(e.hash);
      value.explicit_hash_key = hash_bytes;
    } else {
      e.hash = Md5HashKey(r.partition_key);
    }
    header.clear();
    value.AppendTo(&header);
    e.at = batch->PutParts(Cf::kLog, key, {header, r.data});
    encoded->push_back(e);
  }
  return Status::OK();
}

Status StreamLog::Number(const StreamDescription& stream, const std::vector<Encoded>& encoded, uint64_t arrival_ms,
                         Batch* batch, std::vector<PutResult>* results) {
  FRESHET_ASSIGN_OR_RETURN(const Routing* routing, RoutingFor(stream));
  // Arrival times never go back (the clock may): AT_TIMESTAMP binary-searches on them.
  last_arrival_ms_ = std::max(last_arrival_ms_, arrival_ms);
  char arrival[8], shard_seq[12];
  EncodeBigEndian(last_arrival_ms_, 8, arrival);
  for (const Encoded& e : encoded) {
    uint32_t shard = routing->Route(e.hash);
    FRESHET_ASSIGN_OR_RETURN(uint64_t * next, NextSequence(stream.id, shard));
    uint64_t sequence = (*next)++;
    EncodeBigEndian(shard, 4, shard_seq);
    EncodeBigEndian(sequence, 8, shard_seq + 4);
    batch->Overwrite(e.at.key + 4, std::string_view(shard_seq, sizeof shard_seq));  // after the stream id
    batch->Overwrite(e.at.value, std::string_view(arrival, sizeof arrival));
    if (results) results->push_back({shard, sequence});
  }
  return Status::OK();
}

Status StreamLog::AppendRecords(const StreamDescription& stream, const std::vector<PutRecord>& records,
                                uint64_t arrival_ms, Batch* batch, std::vector<PutResult>* results) {
  std::vector<Encoded> encoded;
  FRESHET_RETURN_IF_ERROR(Encode(stream, records, batch, &encoded));
  storage::MutexLock lock(&seq_mu_);
  return Number(stream, encoded, arrival_ms, batch, results);
}

Result<std::vector<PutResult>> StreamLog::Put(const StreamDescription& stream, const std::vector<PutRecord>& records) {
  if (records.empty()) return std::vector<PutResult>{};
  if (records.size() > kMaxBatchRecords) {
    return Status::InvalidArgument("a batch holds at most 500 records (got " + std::to_string(records.size()) + ")");
  }
  size_t bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Status s = CheckLimits(records[i]);
    if (!s.ok()) return records.size() == 1 ? s : s.WithContext("record " + std::to_string(i + 1));
    bytes += records[i].data.size() + records[i].partition_key.size();
  }
  if (bytes > kMaxBatchBytes) {
    return Status::InvalidArgument("a batch holds at most 5 MiB (got " + std::to_string(bytes) + " bytes)");
  }
  // Everything but numbering happens here, before the writer queue's lock.
  Batch batch;
  std::vector<Encoded> encoded;
  FRESHET_RETURN_IF_ERROR(Encode(stream, records, &batch, &encoded));
  std::vector<PutResult> results;
  results.reserve(records.size());
  Status s = db_->Write(&batch, [&](Batch* b) {
    storage::MutexLock lock(&seq_mu_);
    results.clear();
    return Number(stream, encoded, NowMs(), b, &results);
  });
  if (!s.ok()) {
    // A failed write may leave counters past what is stored: reload them from the log.
    storage::MutexLock lock(&seq_mu_);
    Forget(stream.id, stream.name);
    return s;
  }
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
    storage::MutexLock lock(&put_mu_);
    ++put_version_;
  }
  put_cv_.notify_all();
}

uint64_t StreamLog::put_version() const {
  storage::MutexLock lock(&put_mu_);
  return put_version_;
}

uint64_t StreamLog::WaitForPut(uint64_t seen_version, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  storage::MutexLock lock(&put_mu_);
  while (put_version_ == seen_version) {
    if (put_cv_.wait_until(put_mu_, deadline) == std::cv_status::timeout) break;
  }
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
