// Kinesis resharding: SplitShard, MergeShards, UpdateShardCount (UNIFORM_SCALING). The engine
// (StreamLog) closes parents and creates children in one atomic write, serialized with puts, so a
// parent's EndingSequenceNumber is exactly its last record's; these handlers check the request
// and the account shard limit, and answer AWS's shapes.
#include "stream/stream_log.h"
#include "tools/protocol/kinesis_common.h"
#include "tools/protocol/kinesis_shards.h"

namespace freshet::protocol::kinesis {
namespace {

using stream::StreamDescription;

Checked<uint32_t> ShardMember(const Call& call, const StreamDescription& d, const char* member) {
  FRESHET_CHECKED_ASSIGN(std::string id, RequiredString(call.request, member));
  auto index = stream::ParseShardId(id, UINT32_MAX);
  if (!index.ok() || *index >= d.shards.size()) {
    return AwsError::Client("ResourceNotFoundException", "Could not find shard " + id + " in stream " + d.name +
                                                             " under account " + call.context.account_id + ".");
  }
  return *index;
}

std::optional<AwsError> CheckAccountLimit(const Call& call, uint64_t more_open_shards) {
  auto open = AccountOpenShards(call.backend);
  if (!open.ok()) return ErrorForStatus(Service::kKinesis, open.status());
  if (*open + more_open_shards > call.settings.account_shard_limit) {
    return AwsError::Client("LimitExceededException",
                            "This request would exceed the shard limit for the account " + call.context.account_id +
                                " in " + call.context.region +
                                ". Current shard count for the account: " + std::to_string(*open) +
                                ". Limit: " + std::to_string(call.settings.account_shard_limit) + ".");
  }
  return std::nullopt;
}

Outcome SplitShard(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(uint32_t shard, ShardMember(call, d, "ShardToSplit"));
  FRESHET_CHECKED_ASSIGN(std::string key_text, RequiredString(call.request, "NewStartingHashKey"));
  auto key = stream::ParseHashKey(key_text);
  if (!key.ok()) {
    return ValidationError("NewStartingHashKey", "'" + key_text + "'",
                           "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
  }
  if (auto e = CheckAccountLimit(call, 1)) return std::move(*e);
  FRESHET_ASSIGN_OR_RETURN(auto after, call.backend.log->SplitShard(d.name, shard, *key));
  (void)after;
  return Json::object();
}

Outcome MergeShards(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(uint32_t shard, ShardMember(call, d, "ShardToMerge"));
  FRESHET_CHECKED_ASSIGN(uint32_t adjacent, ShardMember(call, d, "AdjacentShardToMerge"));
  FRESHET_ASSIGN_OR_RETURN(auto after, call.backend.log->MergeShards(d.name, shard, adjacent));
  (void)after;
  return Json::object();
}

Outcome UpdateShardCount(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(int64_t target, RequiredInteger(call.request, "TargetShardCount", 1, 100000));
  FRESHET_CHECKED_ASSIGN(std::string scaling, RequiredString(call.request, "ScalingType"));
  if (scaling != "UNIFORM_SCALING") {
    return ValidationError("ScalingType", "'" + scaling + "'", "Member must satisfy enum value set: [UNIFORM_SCALING]");
  }
  const uint32_t current = d.open_shard_count();
  if (static_cast<uint64_t>(target) > current) {
    if (auto e = CheckAccountLimit(call, static_cast<uint64_t>(target) - current)) return std::move(*e);
  }
  FRESHET_ASSIGN_OR_RETURN(auto after, call.backend.log->UpdateShardCount(d.name, static_cast<uint32_t>(target)));
  return Json{{"StreamName", d.name},
              {"StreamARN", StreamArn(call.context, d.name)},
              {"CurrentShardCount", current},
              {"TargetShardCount", after.open_shard_count()}};
}

}  // namespace
}  // namespace freshet::protocol::kinesis

namespace freshet::protocol {

void RegisterKinesisReshardOps(Registry* r) {
  using namespace kinesis;  // NOLINT
  r->Add({"SplitShard", Service::kKinesis, true, &SplitShard});
  r->Add({"MergeShards", Service::kKinesis, true, &MergeShards});
  r->Add({"UpdateShardCount", Service::kKinesis, true, &UpdateShardCount});
}

}  // namespace freshet::protocol
