// `freshet stream create|list|describe|delete|trim`: managing streams.
#include "tools/stream_commands.h"

#include <iostream>

#include "stream/shard_router.h"
#include "stream/stream_log.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/output.h"
#include "tools/stream_format.h"

namespace freshet::cli {
namespace {

struct StreamArgs {
  std::string name;
  uint32_t shards = 1;
  uint32_t retention_hours = stream::kDefaultRetentionHours;
  std::string output = "table";
};

Status Create(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(auto d, StreamClient(api).Create(a.name, a.shards, a.retention_hours));
  std::cout << "created stream " << d.name << " with " << d.open_shards << " shard" << (d.open_shards == 1 ? "" : "s")
            << ", retention " << d.retention_hours << " h\n";
  return Status::OK();
}

nlohmann::json SummaryJson(const StreamSummary& d) {
  return {{"name", d.name},
          {"shard_count", d.open_shards},
          {"retention_hours", d.retention_hours},
          {"created_ms", d.created_ms},
          {"mode", d.mode}};
}

Status List(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  auto listed = StreamClient(api).List();
  if (!listed.ok() && !listed.status().IsNotFound()) return listed.status();
  // No data directory yet: no streams.
  auto streams = listed.ok() ? std::move(listed.value()) : std::vector<StreamSummary>{};
  if (a.output == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (auto& d : streams) j.push_back(SummaryJson(d));
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& d : streams) {
    rows.push_back({d.name, std::to_string(d.open_shards), std::to_string(d.retention_hours)});
  }
  PrintTable(std::cout, {"NAME", "SHARDS", "RETENTION_HOURS"}, rows);
  return Status::OK();
}

Status Describe(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient client(api);
  FRESHET_ASSIGN_OR_RETURN(StreamSummary d, client.Get(a.name));
  FRESHET_ASSIGN_OR_RETURN(api::Json r, client.DescribeStats(a.name));
  auto text = [](const api::Json& s, const char* field) { return s.value(field, std::string()); };
  if (a.output == "json") {
    nlohmann::json j = SummaryJson(d);
    j["shards"] = nlohmann::json::array();
    for (auto& s : r["Shards"]) {
      nlohmann::json sj = {{"shard_id", s["ShardId"]},
                           {"starting_hash_key", s["StartingHashKey"]},
                           {"ending_hash_key", s["EndingHashKey"]},
                           {"record_count", s["RecordCount"]},
                           {"trim_horizon", s["TrimHorizon"]}};
      if (s.contains("FirstSequenceNumber")) sj["first_sequence_number"] = s["FirstSequenceNumber"];
      if (s.contains("LastSequenceNumber")) sj["last_sequence_number"] = s["LastSequenceNumber"];
      if (s.contains("ParentShardId")) sj["parent_shard_id"] = s["ParentShardId"];
      if (s.contains("AdjacentParentShardId")) sj["adjacent_parent_shard_id"] = s["AdjacentParentShardId"];
      sj["open"] = s.value("Open", true);
      j["shards"].push_back(sj);
    }
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::cout << "stream " << d.name << ": " << d.open_shards << " open shards, retention " << d.retention_hours
            << " h, created " << FormatIsoMs(d.created_ms) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (auto& s : r["Shards"]) {
    std::string parents = text(s, "ParentShardId");
    if (s.contains("AdjacentParentShardId")) parents += "+" + text(s, "AdjacentParentShardId");
    rows.push_back({text(s, "ShardId"), text(s, "StartingHashKey"), text(s, "EndingHashKey"),
                    text(s, "FirstSequenceNumber"), text(s, "LastSequenceNumber"),
                    std::to_string(s["RecordCount"].get<uint64_t>()), s.value("Open", true) ? "open" : "closed",
                    parents});
  }
  PrintTable(std::cout,
             {"SHARD", "STARTING_HASH_KEY", "ENDING_HASH_KEY", "FIRST_SEQ", "LAST_SEQ", "RECORDS", "STATE", "PARENTS"},
             rows);
  return Status::OK();
}

Status Delete(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(StreamClient(api).Delete(a.name));
  std::cout << "deleted stream " << a.name << "\n";
  return Status::OK();
}

Status Trim(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(uint64_t removed, StreamClient(api).Trim(a.name));
  std::cout << "removed " << removed << " expired records from stream " << a.name << "\n";
  return Status::OK();
}

Status SetRetention(Context* ctx, const StreamArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(StreamClient(api).SetRetention(a.name, a.retention_hours));
  std::cout << "stream " << a.name << " now keeps records for " << a.retention_hours << " h\n";
  return Status::OK();
}

void AddStreamCommands(CLI::App* app, Context* ctx) {
  auto* group = app->add_subcommand("stream", "Kinesis-style sharded streams: create, put, read, describe");
  group->require_subcommand(1);
  auto args = std::make_shared<StreamArgs>();
  auto run = [ctx, args](Status (*fn)(Context*, const StreamArgs&)) {
    return [ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); };
  };

  auto* create = group->add_subcommand("create", "Create a stream");
  create->add_option("name", args->name, "stream name (letters, digits, _ - .)")->required();
  create->add_option("--shards", args->shards, "number of shards, 1-1024 (default 1)")
      ->check(CLI::Range(1u, stream::kMaxShards));
  create->add_option("--retention-hours", args->retention_hours, "how long records are kept, 1-8760 hours (default 24)")
      ->check(CLI::Range(1u, stream::kMaxRetentionHours));
  create->callback(run(Create));

  auto* list = group->add_subcommand("list", "List streams");
  list->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->callback(run(List));

  auto* describe = group->add_subcommand(
      "describe", "Show a stream's shards: hash key ranges, first and last sequence numbers, record counts");
  describe->add_option("name", args->name, "stream name")->required();
  describe->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  describe->callback(run(Describe));

  auto* del = group->add_subcommand("delete", "Delete a stream and all its records");
  del->add_option("name", args->name, "stream name")->required();
  del->callback(run(Delete));

  auto* trim = group->add_subcommand(
      "trim", "Remove records older than the stream's retention now (writers also do this on their own)");
  trim->add_option("name", args->name, "stream name")->required();
  trim->callback(run(Trim));

  auto* retention = group->add_subcommand("set-retention", "Change how long a stream keeps records");
  retention->add_option("name", args->name, "stream name")->required();
  retention->add_option("--retention-hours", args->retention_hours, "1-8760 hours")
      ->required()
      ->check(CLI::Range(1u, stream::kMaxRetentionHours));
  retention->callback(run(SetRetention));

  AddStreamIoCommands(group, ctx);
}

Registrar registrar(10, AddStreamCommands);

}  // namespace
}  // namespace freshet::cli
