// StreamLog's description changes: SplitShard, MergeShards, UpdateShardCount (and the
// retention change), each one write made inside the Db's writer queue (see stream_log.h).
#include "storage/catalog.h"
#include "storage/codec.h"
#include "stream/reshard_plan.h"
#include "stream/stream_log.h"

namespace freshet::stream {

using storage::Batch;
using storage::Cf;

Result<StreamDescription> StreamLog::ChangeDescription(
    const std::string& name, const std::function<Status(StreamDescription*, uint64_t now_ms)>& change) {
  Batch batch;
  StreamDescription out;
  uint32_t stream_id = 0;
  Status s = db_->Write(&batch, [&](Batch* b) -> Status {
    storage::MutexLock lock(&seq_mu_);
    auto cached = changed_.find(name);
    StreamDescription d;
    if (cached != changed_.end()) {
      d = cached->second;
    } else {
      FRESHET_ASSIGN_OR_RETURN(d, Get(name));
    }
    stream_id = d.id;
    const uint32_t before = d.shard_count;
    std::vector<bool> was_open;
    for (const auto& sd : d.shards) was_open.push_back(sd.open());
    FRESHET_RETURN_IF_ERROR(change(&d, NowMs()));
    // Parents close after the last record numbered for them: every put before this one in the
    // queue has its number, and every put after it is routed by the new description.
    for (uint32_t i = 0; i < before; ++i) {
      if (!was_open[i] || d.shards[i].open()) continue;
      FRESHET_ASSIGN_OR_RETURN(uint64_t * next, NextSequence(d.id, i));
      d.shards[i].ending_sequence = *next - 1;
      next_sequence_.erase({d.id, i});
    }
    for (uint32_t i = before; i < d.shard_count; ++i) {
      ShardDescription& child = d.shards[i];
      if (child.open()) {
        next_sequence_[{d.id, i}] = child.starting_sequence;
      } else {
        child.ending_sequence = child.starting_sequence - 1;  // created and closed by this change
      }
    }
    b->Put(Cf::kMeta, codec::MetaKey(codec::kMetaStream, name), d.ToJson());
    routing_[d.id] = MakeRouting(d);
    changed_[name] = d;
    out = d;
    return Status::OK();
  });
  if (!s.ok()) {
    // The queued description may not be stored: reload everything about the stream.
    storage::MutexLock lock(&seq_mu_);
    Forget(stream_id, name);
    return s;
  }
  return out;
}

Result<StreamDescription> StreamLog::SplitShard(const std::string& name, uint32_t shard,
                                                HashKey new_starting_hash_key) {
  return ChangeDescription(
      name, [&](StreamDescription* d, uint64_t now_ms) { return ApplySplit(d, shard, new_starting_hash_key, now_ms); });
}

Result<StreamDescription> StreamLog::MergeShards(const std::string& name, uint32_t shard, uint32_t adjacent_shard) {
  return ChangeDescription(
      name, [&](StreamDescription* d, uint64_t now_ms) { return ApplyMerge(d, shard, adjacent_shard, now_ms); });
}

Result<StreamDescription> StreamLog::UpdateShardCount(const std::string& name, uint32_t target_open_shards) {
  return ChangeDescription(name, [&](StreamDescription* d, uint64_t now_ms) {
    return ApplyUpdateShardCount(d, target_open_shards, now_ms);
  });
}

}  // namespace freshet::stream
