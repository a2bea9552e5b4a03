// `freshet consume`, `freshet consumer list|status|reset` and `freshet pipeline list|show`.
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "stream/consumer.h"
#include "stream/cursors.h"
#include "stream/shard_router.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

struct ConsumeArgs {
  std::string pipeline, from = "trim-horizon", name, to, output = "table";
  bool follow = false;
  size_t batch = 1000;
};

Status Consume(Context* ctx, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(auto spec, stream::LoadPipeline(a.pipeline));
  stream::ConsumerOptions options;
  options.batch = a.batch;
  FRESHET_ASSIGN_OR_RETURN(options.start, stream::Position::Parse(a.from));
  options.notice = [](const std::string& line) { std::cerr << "freshet: " << line << "\n"; };
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenWriter());
  stream::StreamLog log(db.get());
  FRESHET_ASSIGN_OR_RETURN(auto consumer, stream::Consumer::Open(&log, std::move(spec), options));
  FRESHET_RETURN_IF_ERROR(log.TrimExpired(consumer->stream(), stream::NowMs()).status());
  auto start = std::chrono::steady_clock::now();
  if (a.follow) {
    InstallStopHandlers();
    FRESHET_RETURN_IF_ERROR(consumer->Follow(StopRequested, nullptr));
  } else {
    FRESHET_RETURN_IF_ERROR(consumer->Drain(nullptr));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& s = consumer->stats();
  std::cout << "consumer " << consumer->spec().consumer << ": read " << s.records_read << " records from stream "
            << consumer->stream().name << ", wrote " << s.items_written << " items, rejected " << s.rejected;
  if (s.rejected) std::cout << " (see stream " << consumer->dead_letter_stream().name << ")";
  if (s.missed) std::cout << ", missed " << s.missed << " to retention";
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.0f", secs > 0 ? s.records_read / secs : 0.0);
  std::cout << ", " << rate << " records/s\n";
  return Status::OK();
}

Status List(Context* ctx, const ConsumeArgs& a) {
  auto db = ctx->OpenReader();
  if (!db.ok() && db.status().IsNotFound()) return Status::OK();
  if (!db.ok()) return db.status();
  stream::StreamLog log(db->get());
  FRESHET_ASSIGN_OR_RETURN(auto consumers, stream::ListConsumers(**db, log));
  if (a.output == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (auto& c : consumers) j.push_back({{"name", c.name}, {"stream", c.stream}, {"shards", c.shards_with_cursor}});
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& c : consumers) rows.push_back({c.name, c.stream, std::to_string(c.shards_with_cursor)});
  PrintTable(std::cout, {"CONSUMER", "STREAM", "SHARDS"}, rows);
  return Status::OK();
}

Status StatusCmd(Context* ctx, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenReader());
  stream::StreamLog log(db.get());
  FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*db, log, a.name));
  FRESHET_ASSIGN_OR_RETURN(auto lags, stream::ConsumerLag(*db, a.name, d));
  if (a.output == "json") {
    nlohmann::json shards = nlohmann::json::array();
    for (auto& l : lags) {
      nlohmann::json s = {{"shard_id", stream::ShardId(l.shard)},
                          {"tip", std::to_string(l.tip)},
                          {"records_behind", l.behind},
                          {"ms_behind", l.ms_behind}};
      s["cursor"] = l.cursor ? nlohmann::json(std::to_string(*l.cursor)) : nlohmann::json(nullptr);
      shards.push_back(s);
    }
    std::cout << nlohmann::json{{"consumer", a.name}, {"stream", d.name}, {"shards", shards}}.dump() << "\n";
    return Status::OK();
  }
  std::cout << "consumer " << a.name << " on stream " << d.name << "\n";
  std::vector<std::vector<std::string>> rows;
  for (auto& l : lags) {
    rows.push_back({stream::ShardId(l.shard), l.cursor ? std::to_string(*l.cursor) : "-", std::to_string(l.tip),
                    std::to_string(l.behind), std::to_string(l.ms_behind)});
  }
  PrintTable(std::cout, {"SHARD", "CURSOR", "TIP", "BEHIND", "MS_BEHIND"}, rows);
  return Status::OK();
}

Status Reset(Context* ctx, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(auto position, stream::Position::Parse(a.to));
  if (position.kind != stream::Position::Kind::kTrimHorizon && position.kind != stream::Position::Kind::kLatest) {
    return Status::InvalidArgument("--to must be trim-horizon or latest");
  }
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenWriter());
  stream::StreamLog log(db.get());
  FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*db, log, a.name));
  FRESHET_RETURN_IF_ERROR(stream::ResetConsumer(db.get(), a.name, d, position));
  std::cout << "consumer " << a.name << " reset to " << a.to << " on stream " << d.name << "\n";
  return Status::OK();
}

Status PipelineList(Context*, const ConsumeArgs&) {
  for (auto& name : stream::BuiltinPipelineNames()) std::cout << name << "\n";
  return Status::OK();
}

Status PipelineShow(Context*, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(auto json, stream::BuiltinPipelineJson(a.name));
  std::cout << json << "\n";
  return Status::OK();
}

void AddConsumeCommands(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<ConsumeArgs>();
  auto run = [ctx, args](Status (*fn)(Context*, const ConsumeArgs&)) {
    return [ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); };
  };
  auto* consume = app->add_subcommand(
      "consume",
      "Move a stream's records into tables as a pipeline spec says, exactly once: each batch's items,\n"
      "the consumer's cursor and any dead letters commit in one atomic write.");
  consume->add_option("--pipeline", args->pipeline, "pipeline spec: a JSON file, or a built-in name (weather, "
                                                    "student, sensors; see `freshet pipeline show NAME`)")
      ->required();
  consume->add_flag("--follow", args->follow,
                    "keep consuming new records until SIGINT/SIGTERM (then commit and exit 0); "
                    "default: drain every shard to its tip and exit");
  consume->add_option("--batch", args->batch, "records per shard per atomic step (default 1000)")
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  consume->add_option("--from", args->from, "where a shard without a cursor starts: trim-horizon (default) or latest")
      ->check(CLI::IsMember({"trim-horizon", "latest"}));
  consume->callback(run(Consume));

  auto* group = app->add_subcommand("consumer", "Inspect and move consumers' cursors");
  group->require_subcommand(1);
  auto* list = group->add_subcommand("list", "List consumers that have committed cursors");
  list->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->callback(run(List));
  auto* status = group->add_subcommand(
      "status", "Per shard: the cursor, the tip, records behind, and milliseconds behind the newest record");
  status->add_option("name", args->name, "consumer name")->required();
  status->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  status->callback(run(StatusCmd));
  auto* reset = group->add_subcommand("reset", "Move a consumer's cursors (it will re-apply or skip records)");
  reset->add_option("name", args->name, "consumer name")->required();
  reset->add_option("--to", args->to, "trim-horizon or latest")->required();
  reset->callback(run(Reset));

  auto* pipeline = app->add_subcommand("pipeline", "Built-in pipeline specs");
  pipeline->require_subcommand(1);
  pipeline->add_subcommand("list", "List built-in pipeline specs")->callback(run(PipelineList));
  auto* show = pipeline->add_subcommand("show", "Print a built-in spec (a start for your own)");
  show->add_option("name", args->name, "spec name")->required();
  show->callback(run(PipelineShow));
}

Registrar registrar(50, AddConsumeCommands);

}  // namespace
}  // namespace freshet::cli
