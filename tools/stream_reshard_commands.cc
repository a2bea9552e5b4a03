// `freshet stream split|merge|scale`: resharding through Kinesis's SplitShard, MergeShards and
// UpdateShardCount (so they work against any Kinesis endpoint too). The parent shards close: their
// records stay readable to the end, new records go to the children, and `freshet consume` reads a
// parent to its end before its children.
#include <iostream>

#include "stream/shard_router.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/stream_commands.h"

namespace freshet::cli {
namespace {

struct ReshardArgs {
  std::string name, shard, adjacent, hash_key;
  uint32_t shards = 0;
};

std::string ShardIdOf(const std::string& text) {
  auto index = stream::ParseShardId(text, UINT32_MAX);
  return index.ok() ? stream::ShardId(*index) : text;
}

Status Split(Context* ctx, const ReshardArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  const std::string shard = ShardIdOf(a.shard);
  std::string key = a.hash_key;
  if (key.empty()) {  // the middle of the shard's hash key range
    FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(api::Kinesis("ListShards"), {{"StreamName", a.name}}));
    for (const api::Json& s : r["Shards"]) {
      if (s["ShardId"] != shard) continue;
      FRESHET_ASSIGN_OR_RETURN(stream::HashKey start,
                               stream::ParseHashKey(s["HashKeyRange"]["StartingHashKey"].get<std::string>()));
      FRESHET_ASSIGN_OR_RETURN(stream::HashKey end,
                               stream::ParseHashKey(s["HashKeyRange"]["EndingHashKey"].get<std::string>()));
      key = stream::FormatHashKey(start + (end - start) / 2 + 1);
    }
    if (key.empty()) return Status::NotFound("stream " + a.name + " has no shard " + shard);
  }
  FRESHET_RETURN_IF_ERROR(api->Call(api::Kinesis("SplitShard"),
                                    {{"StreamName", a.name}, {"ShardToSplit", shard}, {"NewStartingHashKey", key}})
                              .status());
  std::cout << "split " << shard << " of stream " << a.name << " at hash key " << key << "\n";
  return Status::OK();
}

Status Merge(Context* ctx, const ReshardArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(api->Call(api::Kinesis("MergeShards"), {{"StreamName", a.name},
                                                                  {"ShardToMerge", ShardIdOf(a.shard)},
                                                                  {"AdjacentShardToMerge", ShardIdOf(a.adjacent)}})
                              .status());
  std::cout << "merged " << ShardIdOf(a.shard) << " and " << ShardIdOf(a.adjacent) << " of stream " << a.name << "\n";
  return Status::OK();
}

Status Scale(Context* ctx, const ReshardArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(
      api::Json r,
      api->Call(api::Kinesis("UpdateShardCount"),
                {{"StreamName", a.name}, {"TargetShardCount", a.shards}, {"ScalingType", "UNIFORM_SCALING"}}));
  std::cout << "stream " << a.name << ": " << r.value("CurrentShardCount", 0) << " -> "
            << r.value("TargetShardCount", 0) << " open shards\n";
  return Status::OK();
}

void AddReshardCommands(CLI::App* app, Context* ctx) {
  CLI::App* group = app->get_subcommand("stream");
  auto args = std::make_shared<ReshardArgs>();
  auto run = [ctx, args](Status (*fn)(Context*, const ReshardArgs&)) {
    return [ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); };
  };
  auto* split = group->add_subcommand(
      "split", "Split an open shard in two (SplitShard): the parent closes, new records go to its children");
  split->add_option("name", args->name, "stream name")->required();
  split->add_option("--shard", args->shard, "shard to split (shardId-000000000000 or 0)")->required();
  split->add_option("--hash-key", args->hash_key,
                    "first hash key of the second child (default: the middle of the shard's range)");
  split->callback(run(Split));
  auto* merge = group->add_subcommand("merge", "Merge two adjacent open shards into one (MergeShards)");
  merge->add_option("name", args->name, "stream name")->required();
  merge->add_option("--shard", args->shard, "first shard")->required();
  merge->add_option("--adjacent", args->adjacent, "the shard whose hash key range follows or precedes it")->required();
  merge->callback(run(Merge));
  auto* scale = group->add_subcommand(
      "scale", "Reshard to N open shards with even ranges (UpdateShardCount, UNIFORM_SCALING; half to double)");
  scale->add_option("name", args->name, "stream name")->required();
  scale->add_option("--shards", args->shards, "target number of open shards")
      ->required()
      ->check(CLI::Range(1u, 100000u));
  scale->callback(run(Scale));
}

// After the stream group (registered at order 10).
Registrar registrar(11, AddReshardCommands);

}  // namespace
}  // namespace freshet::cli
