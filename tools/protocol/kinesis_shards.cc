#include "tools/protocol/kinesis_shards.h"

#include "tools/protocol/kinesis_codec.h"

namespace freshet::protocol::kinesis {

std::vector<ShardView> ShardsOf(const stream::StreamDescription& d) {
  std::vector<ShardView> out;
  out.reserve(d.shards.size());
  for (const auto& s : d.shards) {
    ShardView v;
    v.index = s.index;
    v.range = s.range;
    v.parent = s.parent;
    v.adjacent_parent = s.adjacent_parent;
    v.starting_sequence = s.starting_sequence;
    v.ending_sequence = s.ending_sequence;
    v.closed_ms = s.closed_ms;
    // A child shard is created when its parent closes.
    v.created_ms = d.created_ms;
    if (s.parent && *s.parent < d.shards.size() && d.shards[*s.parent].closed_ms) {
      v.created_ms = *d.shards[*s.parent].closed_ms;
    }
    out.push_back(v);
  }
  return out;
}

uint32_t OpenShardCount(const stream::StreamDescription& d) { return d.open_shard_count(); }

const ShardView* FindShard(const std::vector<ShardView>& shards, uint32_t index) {
  for (const auto& s : shards) {
    if (s.index == index) return &s;
  }
  return nullptr;
}

Json ShardJson(const ShardView& s) {
  Json j = {{"ShardId", stream::ShardId(s.index)},
            {"HashKeyRange",
             {{"StartingHashKey", stream::FormatHashKey(s.range.start)},
              {"EndingHashKey", stream::FormatHashKey(s.range.end)}}},
            {"SequenceNumberRange", {{"StartingSequenceNumber", SequenceNumberText(s.index, s.starting_sequence)}}}};
  if (s.parent) j["ParentShardId"] = stream::ShardId(*s.parent);
  if (s.adjacent_parent) j["AdjacentParentShardId"] = stream::ShardId(*s.adjacent_parent);
  if (s.ending_sequence) {
    j["SequenceNumberRange"]["EndingSequenceNumber"] = SequenceNumberText(s.index, *s.ending_sequence);
  }
  return j;
}

}  // namespace freshet::protocol::kinesis
