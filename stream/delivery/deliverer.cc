// The deliverer's buffering, sealing and exactly-once commit (deliverer.h).
#include "stream/delivery/deliverer.h"

#include <algorithm>
#include <tuple>

#include "storage/codec.h"
#include "stream/consumer/cursors.h"
#include "stream/delivery/compression.h"
#include "stream/delivery/object_naming.h"
#include "stream/delivery/processing.h"
#include "stream/stream_reader.h"

namespace freshet::stream::delivery {
namespace {

constexpr size_t kReadPage = 1000;

bool Before(uint64_t a_arrival, uint32_t a_shard, uint64_t a_seq, uint64_t b_arrival, uint32_t b_shard,
            uint64_t b_seq) {
  return std::tie(a_arrival, a_shard, a_seq) < std::tie(b_arrival, b_shard, b_seq);
}

}  // namespace

Deliverer::Deliverer(StreamLog* log, ObjectSink* sink, DeliverySpec spec)
    : log_(log), db_(log->db()), sink_(sink), spec_(std::move(spec)) {}

Deliverer::Deliverer(StreamLog* log, storage::BucketStore* buckets, DeliverySpec spec)
    : log_(log),
      db_(log->db()),
      own_sink_(std::make_unique<LocalObjectSink>(buckets)),
      sink_(own_sink_.get()),
      spec_(std::move(spec)) {}

Status Deliverer::LoadSource() {
  FRESHET_ASSIGN_OR_RETURN(StreamDescription d, log_->Get(spec_.source_stream));
  if (d.id != source_.id) shards_.clear();  // first load, or the stream was created again
  source_ = std::move(d);
  size_t known = shards_.size();
  shards_.resize(source_.shard_count);
  for (size_t s = known; s < shards_.size(); ++s) FRESHET_RETURN_IF_ERROR(LoadShard(static_cast<uint32_t>(s)));
  return Status::OK();
}

Status Deliverer::LoadShard(uint32_t shard) {
  FRESHET_ASSIGN_OR_RETURN(std::optional<uint64_t> cursor, LoadCursor(*db_, spec_.cursor_name(), source_.id, shard));
  FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, source_.id, shard));
  ShardState& st = shards_[shard];
  st = ShardState{};
  st.loaded = true;
  st.committed_next = std::max({cursor ? *cursor + 1 : 0, source_.shards[shard].starting_sequence, horizon});
  st.scan_next = st.committed_next;
  return Status::OK();
}

bool Deliverer::Finished(uint32_t shard) const {
  const ShardDescription& sd = source_.shards[shard];
  return sd.ending_sequence && shards_[shard].committed_next > *sd.ending_sequence;
}

bool Deliverer::Readable(uint32_t shard) const {
  if (Finished(shard)) return false;
  const ShardDescription& sd = source_.shards[shard];
  if (sd.parent && !Finished(*sd.parent)) return false;
  if (sd.adjacent_parent && !Finished(*sd.adjacent_parent)) return false;
  return true;
}

Status Deliverer::Scan() {
  const uint64_t limit = spec_.destination.size_bytes();
  for (uint32_t s = 0; s < shards_.size(); ++s) {
    if (!Readable(s)) continue;
    ShardState& st = shards_[s];
    // A buffer holds at most `limit` bytes of any one shard, so reading each shard a record past
    // that is enough to order the buffer's records and to see that it is full.
    while (st.pending_bytes <= limit) {
      FRESHET_ASSIGN_OR_RETURN(std::vector<Record> page,
                               ReadShard(*db_, source_, s, st.scan_next, kReadPage, limit - st.pending_bytes + 1));
      if (page.empty()) break;
      if (page.front().sequence > st.scan_next) stats_.missed += page.front().sequence - st.scan_next;
      for (const Record& r : page) {
        st.pending.push_back({r.arrival_ms, s, r.sequence, r.data.size()});
        st.pending_bytes += r.data.size();
      }
      st.scan_next = page.back().sequence + 1;
      if (page.size() < kReadPage) break;
    }
  }
  return Status::OK();
}

Result<std::optional<Seal>> Deliverer::Cut(uint64_t now_ms, bool flush,
                                           const std::map<uint32_t, uint64_t>& flush_tips) {
  const uint64_t limit = spec_.destination.size_bytes();
  std::vector<size_t> next(shards_.size(), 0);
  // The head of the merge by (arrival, shard, sequence); with flush, records put after the flush
  // began are left for later.
  auto head = [&]() -> const Pending* {
    const Pending* best = nullptr;
    for (uint32_t s = 0; s < shards_.size(); ++s) {
      const ShardState& st = shards_[s];
      if (next[s] >= st.pending.size()) continue;
      const Pending* p = &st.pending[next[s]];
      if (flush) {
        auto tip = flush_tips.find(s);
        if (tip == flush_tips.end() || p->sequence > tip->second) continue;
      }
      if (!best || Before(p->arrival_ms, p->shard, p->sequence, best->arrival_ms, best->shard, best->sequence)) {
        best = p;
      }
    }
    return best;
  };
  const Pending* first = head();
  if (!first) {
    next_deadline_ms_ = 0;
    return std::optional<Seal>();
  }
  const Pending first_record = *first;
  const uint64_t deadline = first_record.arrival_ms + spec_.destination.interval_ms();
  uint64_t bytes = 0, records = 0;
  bool complete = false;
  std::map<uint32_t, ShardRange> ranges;
  while (const Pending* p = head()) {
    if (records > 0 &&
        ((p->arrival_ms >= deadline && p->arrival_ms > first_record.arrival_ms) || bytes + p->size > limit)) {
      complete = true;
      break;
    }
    auto [it, fresh] = ranges.try_emplace(p->shard, ShardRange{p->shard, p->sequence, p->sequence});
    it->second.last = p->sequence;
    bytes += p->size;
    ++records;
    ++next[p->shard];
  }
  if (!complete && !flush && now_ms < deadline) {
    next_deadline_ms_ = deadline;
    return std::optional<Seal>();
  }
  Seal seal;
  seal.ordinal = next_ordinal_;
  seal.bucket = spec_.destination.bucket;
  seal.compression = spec_.destination.compression;
  seal.first_arrival_ms = first_record.arrival_ms;
  FirstRecord fr{source_.id, first_record.shard, first_record.sequence, first_record.arrival_ms};
  seal.key = ObjectKey(spec_, fr);
  std::string file = seal.key.substr(seal.key.rfind('/') + 1);
  std::string_view ext =
      spec_.destination.file_extension ? *spec_.destination.file_extension : CompressionExtension(seal.compression);
  if (!ext.empty() && file.size() > ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0) {
    file.resize(file.size() - ext.size());
  }
  seal.entry_name = file;
  // A configuration stored before it was checked and not enabled is ignored; an enabled one that
  // fails the checks stops the delivery with its error (the records wait).
  Result<ProcessingConfig> processing = ParseProcessingConfig(spec_.destination.processing_json);
  if (!processing.ok() && ProcessingRequested(spec_.destination.processing_json)) return processing.status();
  if (processing.ok() && processing->enabled) {
    seal.processing_json = spec_.destination.processing_json;
    seal.error_key = ErrorObjectKey(spec_, fr, kProcessingFailed);
  }
  for (auto& [shard, range] : ranges) {
    seal.ranges.push_back(range);
    ShardState& st = shards_[shard];
    for (size_t i = 0; i < next[shard]; ++i) st.pending_bytes -= st.pending[i].size;
    st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<std::ptrdiff_t>(next[shard]));
  }
  seal.records = records;
  seal.bytes = bytes;
  return std::optional<Seal>(std::move(seal));
}

Result<std::vector<Record>> Deliverer::Assemble(const Seal& seal) {
  std::vector<Record> all;
  for (const ShardRange& r : seal.ranges) {
    if (r.shard >= source_.shard_count) return Status::Corruption("delivery seal names a shard the stream lacks");
    FRESHET_ASSIGN_OR_RETURN(std::vector<Record> part,
                             ReadShard(*db_, source_, r.shard, r.first, r.last - r.first + 1, SIZE_MAX));
    for (Record& rec : part) {
      if (rec.sequence <= r.last) all.push_back(std::move(rec));
    }
  }
  std::sort(all.begin(), all.end(), [](const Record& a, const Record& b) {
    return Before(a.arrival_ms, a.shard, a.sequence, b.arrival_ms, b.shard, b.sequence);
  });
  return all;
}

Status Deliverer::Deliver(const Seal& seal, bool seal_stored) {
  if (!seal.processing_json.empty() && !processor_) {
    return Status::FailedPrecondition("delivery stream '" + spec_.name +
                                      "': its ProcessingConfiguration invokes a Lambda function, but no function "
                                      "runtime runs in this process (serve --no-functions?); the records wait");
  }
  if (!seal_stored) {
    storage::Batch batch;
    batch.Put(storage::Cf::kMeta, SealKey(spec_.id), seal.ToJson());
    FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  }
  FRESHET_ASSIGN_OR_RETURN(std::vector<Record> all, Assemble(seal));
  const uint64_t records = all.size();
  if (records < seal.records) stats_.missed += seal.records - records;  // trimmed by retention meanwhile
  ManifestEntry entry;
  entry.seal = seal;
  FRESHET_RETURN_IF_ERROR(WriteObjects(seal, seal_stored, all, &entry));
  if (crash_after_object_ && crash_after_object_()) return Status::Aborted("crash point after the object (test)");
  storage::Batch batch;
  for (const ShardRange& r : seal.ranges) {
    AddCursor(spec_.cursor_name(), source_.id, r.shard, r.last, &batch);
    if (spec_.type == DeliverySpec::Type::kDirectPut) {
      // The buffer stream keeps only what is not delivered yet; the trim horizon keeps its
      // sequence numbers from being reused.
      batch.DeleteRange(storage::Cf::kLog, codec::LogKey{source_.id, r.shard, 0}.Encode(),
                        codec::LogKey{source_.id, r.shard, r.last + 1}.Encode());
      std::string horizon;
      codec::PutFixed64(&horizon, r.last + 1);
      batch.Put(storage::Cf::kMeta, codec::TrimHorizonKey(source_.id, r.shard), horizon);
    }
  }
  entry.delivered_ms = NowMs();
  batch.Put(storage::Cf::kMeta, ManifestKey(spec_.id, seal.ordinal), ManifestJson(entry));
  batch.Delete(storage::Cf::kMeta, SealKey(spec_.id));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  for (const ShardRange& r : seal.ranges) {
    ShardState& st = shards_[r.shard];
    st.committed_next = std::max(st.committed_next, r.last + 1);
    st.scan_next = std::max(st.scan_next, st.committed_next);
  }
  next_ordinal_ = std::max(next_ordinal_, seal.ordinal + 1);
  ++stats_.objects;
  stats_.records += records;
  for (const Record& r : all) stats_.bytes += r.data.size();
  stats_.dropped += entry.dropped;
  stats_.failed += entry.failed;
  return Status::OK();
}

Result<size_t> Deliverer::Poll(uint64_t now_ms, bool flush) {
  FRESHET_RETURN_IF_ERROR(LoadSource());
  size_t written = 0;
  FRESHET_ASSIGN_OR_RETURN(std::optional<Seal> stored, LoadSeal(*db_, spec_.id));
  if (next_ordinal_ == 0) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t last, LastOrdinal(*db_, spec_.id));
    next_ordinal_ = last + 1;
  }
  if (stored) {
    // An interrupted delivery: the same records, key and bytes again, before anything else.
    for (const ShardRange& r : stored->ranges) {
      if (r.shard >= shards_.size()) return Status::Corruption("delivery seal names a shard the stream lacks");
    }
    FRESHET_RETURN_IF_ERROR(Deliver(*stored, true));
    ++written;
    for (ShardState& st : shards_) {  // what was read ahead may overlap the seal: read again
      st.pending.clear();
      st.pending_bytes = 0;
      st.scan_next = st.committed_next;
    }
  }
  std::map<uint32_t, uint64_t> flush_tips;
  if (flush) {
    for (uint32_t s = 0; s < source_.shard_count; ++s) {
      FRESHET_ASSIGN_OR_RETURN(uint64_t tip, ShardTip(*db_, source_.id, s));
      flush_tips[s] = tip - 1;
    }
  }
  for (;;) {
    FRESHET_RETURN_IF_ERROR(Scan());
    FRESHET_ASSIGN_OR_RETURN(std::optional<Seal> seal, Cut(now_ms, flush, flush_tips));
    if (!seal) break;
    Status s = Deliver(*seal, false);
    if (!s.ok()) {
      // The seal may not be stored: forget what was read ahead, so the next call reads from the
      // committed cursors (or delivers the stored seal first).
      for (ShardState& st : shards_) {
        st.pending.clear();
        st.pending_bytes = 0;
        st.scan_next = st.committed_next;
      }
      return s;
    }
    ++written;
  }
  return written;
}

}  // namespace freshet::stream::delivery
