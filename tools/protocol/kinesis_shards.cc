#include "tools/protocol/kinesis_shards.h"

#include "tools/protocol/kinesis_codec.h"

namespace freshet::protocol::kinesis {

std::vector<ShardView> ShardsOf(const stream::StreamDescription& d) {
  std::vector<ShardView> out;
  out.reserve(d.shard_count);
  for (uint32_t s = 0; s < d.shard_count; ++s) {
    ShardView v;
    v.index = s;
    v.range = stream::ShardHashRange(s, d.shard_count);
    v.created_ms = d.created_ms;
    out.push_back(v);
  }
  return out;
}

uint32_t OpenShardCount(const stream::StreamDescription& d) {
  uint32_t n = 0;
  for (const auto& s : ShardsOf(d)) n += s.open();
  return n;
}

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
