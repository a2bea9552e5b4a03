// `freshet consume`, `freshet consumer list|status|reset` and `freshet pipeline list|show`.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "stream/consumer/consumer.h"
#include "stream/consumer/cursors.h"
#include "stream/delivery/object_sink.h"
#include "stream/shard_router.h"
#include "tools/cli_common.h"
#include "tools/output.h"
#include "tools/owner.h"
#include "tools/progress.h"

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
  FRESHET_RETURN_IF_ERROR(CheckNoOwner(ctx));
  if (a.follow) {
    std::vector<stream::PipelineSpec> pipelines;
    pipelines.push_back(std::move(spec));
    return RunOwner(ctx, std::move(pipelines), options);
  }
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenWriter());
  stream::StreamLog log(db.get());
  FRESHET_ASSIGN_OR_RETURN(auto consumer, stream::Consumer::Open(&log, std::move(spec), options));
  FRESHET_RETURN_IF_ERROR(log.TrimExpired(consumer->stream(), stream::NowMs()).status());
  auto start = std::chrono::steady_clock::now();
  // The progress line's total: the records behind on every shard now (what a drain will read),
  // or every record of the stream for a consumer that has no cursor yet.
  uint64_t behind = 0;
  if (auto lags = stream::ConsumerLag(*db, consumer->spec().consumer, consumer->stream()); lags.ok()) {
    for (const auto& l : *lags) behind += l.behind;
  } else if (auto shards = log.DescribeShards(consumer->stream()); shards.ok()) {
    for (const auto& sh : *shards) behind += sh.record_count;
  }
  Progress progress("consume " + consumer->spec().consumer, "records", behind);
  FRESHET_RETURN_IF_ERROR(consumer->Drain([&] {
    progress.Set(consumer->stats().records_read);
    return false;
  }));
  progress.Finish();
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
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  auto listed = api->Call(api::Freshet("ListConsumers"), api::Json::object());
  if (!listed.ok() && !listed.status().IsNotFound()) return listed.status();
  // No data directory yet: no consumers.
  api::Json consumers = listed.ok() ? (*listed)["Consumers"] : api::Json::array();
  if (a.output == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (auto& c : consumers)
      j.push_back({{"name", c["ConsumerName"]}, {"stream", c["StreamName"]}, {"shards", c["Shards"]}});
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& c : consumers) {
    rows.push_back({c["ConsumerName"].get<std::string>(), c["StreamName"].get<std::string>(),
                    std::to_string(c["Shards"].get<uint64_t>())});
  }
  PrintTable(std::cout, {"CONSUMER", "STREAM", "SHARDS"}, rows);
  return Status::OK();
}

Status StatusCmd(Context* ctx, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(api::Freshet("DescribeConsumer"), {{"ConsumerName", a.name}}));
  if (a.output == "json") {
    nlohmann::json shards = nlohmann::json::array();
    for (auto& l : r["Shards"]) {
      shards.push_back({{"shard_id", l["ShardId"]},
                        {"cursor", l["Cursor"]},
                        {"tip", l["Tip"]},
                        {"records_behind", l["RecordsBehind"]},
                        {"ms_behind", l["MillisBehind"]}});
    }
    std::cout << nlohmann::json{{"consumer", a.name}, {"stream", r["StreamName"]}, {"shards", shards}}.dump() << "\n";
    return Status::OK();
  }
  std::cout << "consumer " << a.name << " on stream " << r["StreamName"].get<std::string>() << "\n";
  std::vector<std::vector<std::string>> rows;
  for (auto& l : r["Shards"]) {
    rows.push_back({l["ShardId"].get<std::string>(), l["Cursor"].is_null() ? "-" : l["Cursor"].get<std::string>(),
                    l["Tip"].get<std::string>(), std::to_string(l["RecordsBehind"].get<uint64_t>()),
                    std::to_string(l["MillisBehind"].get<uint64_t>())});
  }
  PrintTable(std::cout, {"SHARD", "CURSOR", "TIP", "BEHIND", "MS_BEHIND"}, rows);
  return Status::OK();
}

Status Reset(Context* ctx, const ConsumeArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r,
                           api->Call(api::Freshet("ResetConsumer"), {{"ConsumerName", a.name}, {"To", a.to}}));
  std::cout << "consumer " << a.name << " reset to " << a.to << " on stream " << r["StreamName"].get<std::string>()
            << "\n";
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
  consume
      ->add_option("--pipeline", args->pipeline,
                   "pipeline spec: a JSON file, or a built-in name (weather, "
                   "weather-monthly, student, sensors, openweather; see "
                   "`freshet pipeline show NAME`)")
      ->required();
  consume->add_flag("--follow", args->follow,
                    "keep consuming new records until SIGINT/SIGTERM (then commit and exit 0), serving other "
                    "freshet commands meanwhile as the directory's owner; default: drain every shard to its tip "
                    "and exit");
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

  auto serve_pipelines = std::make_shared<std::vector<std::string>>();
  auto* serve =
      app->add_subcommand("serve",
                          "Own the data directory: run consumers in follow mode and serve every other freshet command\n"
                          "(put, read, query, ...) over the Unix socket <data dir>/freshet.sock until SIGINT/SIGTERM");
  serve->add_option("--pipeline", *serve_pipelines, "a pipeline to run (JSON file or built-in name); repeatable");
  serve->add_option("--batch", args->batch, "records per shard per atomic consumer step (default 1000)")
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  auto owner = std::make_shared<OwnerOptions>();
  auto* http = serve->add_option(
      "--http", owner->http,
      "also serve AWS's APIs over HTTP on [ADDR:]PORT (default 127.0.0.1:4566 when given without a value; "
      "loopback unless you name another address): point the aws CLI or an SDK at it with --endpoint-url");
  http->expected(0, 1);
  serve->add_option("--credentials", owner->credentials_file,
                    "verify SigV4 signatures against this file (~/.aws/credentials format); without it any "
                    "well-formed signature is accepted");
  serve->add_flag("--no-functions{false}", owner->functions,
                  "keep Lambda's REST API and function routes off the HTTP port (needed to serve a "
                  "non-loopback --http address without --credentials)");
  serve
      ->add_option("--shard-limit", owner->settings.account_shard_limit,
                   "open shards allowed across all streams, as AWS's account limit (default 500)")
      ->check(CLI::Range(1u, 100000u));
  serve->add_option("--s3-endpoint", owner->settings.firehose_s3_endpoint,
                    "delivery streams created through this server put their objects into buckets of this external "
                    "S3-compatible endpoint, http[s]://HOST[:PORT], signed with the AWS credentials of the "
                    "environment (default: the local buckets under <data dir>/buckets)");
  serve->callback([ctx, args, serve_pipelines, owner, http] {
    if (http->count() > 0 && (!owner->http || owner->http->empty())) owner->http = "127.0.0.1:4566";
    ctx->result = Guard([&]() -> Status {
      if (!owner->settings.firehose_s3_endpoint.empty()) {
        FRESHET_ASSIGN_OR_RETURN(owner->settings.firehose_s3_endpoint,
                                 stream::delivery::NormalizeS3Endpoint(owner->settings.firehose_s3_endpoint));
      }
      std::vector<stream::PipelineSpec> pipelines;
      for (const auto& p : *serve_pipelines) {
        FRESHET_ASSIGN_OR_RETURN(auto spec, stream::LoadPipeline(p));
        pipelines.push_back(std::move(spec));
      }
      stream::ConsumerOptions options;
      options.batch = args->batch;
      options.notice = [](const std::string& line) { std::cerr << "freshet: " << line << "\n"; };
      FRESHET_RETURN_IF_ERROR(CheckNoOwner(ctx));
      return RunOwner(ctx, std::move(pipelines), options, *owner);
    });
  });

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
