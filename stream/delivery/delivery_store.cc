// Delivery streams as stored resources (delivery_store.h).
#include "stream/delivery/delivery_store.h"

#include <mutex>

#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/consumer/cursors.h"
#include "stream/delivery/object_sink.h"
#include "stream/stream_reader.h"

namespace freshet::stream::delivery {
namespace {

std::mutex& UpdateMutex() {
  static std::mutex mu;  // descriptions change rarely; one lock keeps read-modify-write whole
  return mu;
}

Status NoSuchDelivery(const std::string& name) {
  return Status::NotFound("Firehose " + name + " not found under account 000000000000.");
}

}  // namespace

Result<DeliverySpec> DeliveryStore::Create(DeliverySpec spec) {
  FRESHET_RETURN_IF_ERROR(ValidateDeliveryName(spec.name));
  FRESHET_RETURN_IF_ERROR(ValidateDestination(spec.destination));
  FRESHET_ASSIGN_OR_RETURN(auto existing, storage::ListNamed(*db_, codec::kMetaDelivery));
  if (existing.size() >= kMaxDeliveryStreams) {
    return Status::LimitExceeded("you have already consumed your firehose quota of " +
                                 std::to_string(kMaxDeliveryStreams) + " hoses");
  }
  if (!spec.destination.endpoint.empty()) {
    FRESHET_ASSIGN_OR_RETURN(spec.destination.endpoint, NormalizeS3Endpoint(spec.destination.endpoint));
  }
  // A Kinesis source is read from LATEST, as Firehose does: each shard's cursor starts at its tip
  // as of now (a closed shard at its end), written with the description, so what the stream held
  // before the delivery existed is never delivered, whichever process runs it and whenever.
  // Shards created later by a reshard have no cursor and are read from their beginning.
  StreamDescription source;
  std::vector<uint64_t> latest;  // per shard: the last sequence number not to deliver
  if (spec.type == DeliverySpec::Type::kKinesisSource) {
    auto got = log_->Get(spec.source_stream);
    if (!got.ok()) return got.status();
    source = std::move(*got);
    for (uint32_t s = 0; s < source.shard_count; ++s) {
      FRESHET_ASSIGN_OR_RETURN(uint64_t first, ResolvePosition(*db_, source, s, Position{Position::Kind::kLatest}));
      latest.push_back(first - 1);
    }
  }
  spec.version = 1;
  spec.status = "CREATING";
  spec.created_ms = spec.updated_ms = NowMs();
  auto id = storage::CreateNamed(
      db_, codec::kMetaDelivery, spec.name,
      [&](uint32_t new_id) {
        spec.id = new_id;
        if (spec.type == DeliverySpec::Type::kDirectPut) spec.source_stream = BufferStreamName(new_id);
        return spec.ToJson();
      },
      [&](uint32_t, storage::Batch* batch) {  // after describe: spec.id is the new id
        for (uint32_t s = 0; s < latest.size(); ++s) AddCursor(spec.cursor_name(), source.id, s, latest[s], batch);
      });
  if (!id.ok()) {
    if (id.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("Firehose " + spec.name + " under accountId 000000000000 already exists");
    }
    return id.status();
  }
  if (spec.type == DeliverySpec::Type::kDirectPut) {
    auto buffer = log_->CreateInternal(spec.source_stream, 1, kBufferRetentionHours);
    if (!buffer.ok() && buffer.status().code() != Status::Code::kAlreadyExists) {
      (void)Delete(spec.name);
      return buffer.status();
    }
  }
  return spec;
}

Result<DeliverySpec> DeliveryStore::Get(const std::string& name) const {
  auto json = storage::GetNamed(*db_, codec::kMetaDelivery, name);
  if (!json.ok()) return json.status().IsNotFound() ? NoSuchDelivery(name) : json.status();
  return DeliverySpec::FromJson(*json);
}

Result<std::vector<DeliverySpec>> DeliveryStore::List() const {
  FRESHET_ASSIGN_OR_RETURN(auto entries, storage::ListNamed(*db_, codec::kMetaDelivery));
  std::vector<DeliverySpec> out;
  for (auto& [name, json] : entries) {
    FRESHET_ASSIGN_OR_RETURN(DeliverySpec spec, DeliverySpec::FromJson(json));
    out.push_back(std::move(spec));
  }
  return out;
}

Result<DeliverySpec> DeliveryStore::Update(const std::string& name,
                                           const std::function<Status(DeliverySpec*)>& change) {
  std::lock_guard lock(UpdateMutex());
  FRESHET_ASSIGN_OR_RETURN(DeliverySpec spec, Get(name));
  FRESHET_RETURN_IF_ERROR(change(&spec));
  spec.updated_ms = NowMs();
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, codec::MetaKey(codec::kMetaDelivery, name), spec.ToJson());
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  return spec;
}

Status DeliveryStore::Delete(const std::string& name) {
  std::lock_guard lock(UpdateMutex());
  FRESHET_ASSIGN_OR_RETURN(DeliverySpec spec, Get(name));
  storage::Batch batch;
  batch.Delete(storage::Cf::kMeta, codec::MetaKey(codec::kMetaDelivery, name));
  auto [begin, end] = StateRange(spec.id);
  batch.DeleteRange(storage::Cf::kMeta, begin, end);
  std::string cursors = codec::CursorKey::ConsumerPrefix(spec.cursor_name());
  batch.DeleteRange(storage::Cf::kCursors, cursors, codec::PrefixSuccessor(cursors));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  if (spec.type == DeliverySpec::Type::kDirectPut) {
    Status s = log_->Delete(spec.source_stream);
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  return Status::OK();
}

Result<std::vector<uint64_t>> DeliveryStore::Put(const DeliverySpec& spec, const std::vector<std::string>& records) {
  if (spec.type != DeliverySpec::Type::kDirectPut) {
    return Status::InvalidArgument("This operation is not permitted on KinesisStreamAsSource delivery stream type.");
  }
  std::vector<PutRecord> puts;
  puts.reserve(records.size());
  for (const std::string& data : records) {
    if (data.size() > kMaxRecordBytes) {
      return Status::InvalidArgument("record of " + std::to_string(data.size()) + " bytes exceeds 1,000 KiB");
    }
    puts.push_back(PutRecord{"firehose", data, std::nullopt});
  }
  FRESHET_ASSIGN_OR_RETURN(StreamDescription buffer, log_->Get(spec.source_stream));
  FRESHET_ASSIGN_OR_RETURN(std::vector<PutResult> results, log_->Put(buffer, puts));
  std::vector<uint64_t> out;
  out.reserve(results.size());
  for (const PutResult& r : results) out.push_back(r.sequence);
  return out;
}

Result<std::vector<ManifestEntry>> DeliveryStore::Objects(const DeliverySpec& spec, uint64_t from, size_t limit) const {
  return LoadManifest(*db_, spec.id, from, limit);
}

}  // namespace freshet::stream::delivery
