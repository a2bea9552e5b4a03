// `freshet function map NAME --stream S` and `freshet function mappings`: Lambda event-source
// mappings through the registry's Lambda_20150331 operations (CreateEventSourceMapping,
// ListEventSourceMappings), with each mapping's lag per shard from freshet's DescribeConsumer (a
// mapping's checkpoints are the cursors of the consumer "esm:UUID").
#include <iostream>

#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

struct MapArgs {
  std::string function, stream, from = "latest", on_failure;
  int64_t batch = 100;
  int64_t window = 0;
  int64_t retries = -1;
  bool bisect = false;
  bool report_failures = false;
  bool no_exactly_once = false;
};

std::string Lambda(std::string_view op) { return protocol::Target(protocol::Service::kLambda, op); }

std::string StreamArn(const std::string& name) { return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name; }

Status Map(Context* ctx, const MapArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  api::Json req = {{"FunctionName", a.function},
                   {"EventSourceArn", StreamArn(a.stream)},
                   {"BatchSize", a.batch},
                   {"MaximumBatchingWindowInSeconds", a.window},
                   {"MaximumRetryAttempts", a.retries},
                   {"BisectBatchOnFunctionError", a.bisect},
                   {"FreshetExactlyOnce", !a.no_exactly_once}};
  if (a.from == "latest") {
    req["StartingPosition"] = "LATEST";
  } else if (a.from == "trim-horizon") {
    req["StartingPosition"] = "TRIM_HORIZON";
  } else {
    FRESHET_ASSIGN_OR_RETURN(stream::Position p, stream::Position::Parse("timestamp:" + a.from));
    req["StartingPosition"] = "AT_TIMESTAMP";
    req["StartingPositionTimestamp"] = static_cast<double>(p.timestamp_ms) / 1000.0;
  }
  if (a.report_failures) req["FunctionResponseTypes"] = {"ReportBatchItemFailures"};
  if (!a.on_failure.empty()) req["DestinationConfig"] = {{"OnFailure", {{"Destination", StreamArn(a.on_failure)}}}};
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Lambda("CreateEventSourceMapping"), req));
  std::cout << "mapping " << r.value("UUID", "") << ": stream " << a.stream << " -> function " << a.function
            << " (batch " << a.batch << ", from " << a.from << ", "
            << (a.no_exactly_once ? "at least once" : "exactly once") << ")\n";
  return Status::OK();
}

Status Mappings(Context* ctx, const std::string& function) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  std::vector<std::vector<std::string>> rows;
  std::optional<std::string> marker;
  do {
    api::Json req = api::Json::object();
    if (!function.empty()) req["FunctionName"] = function;
    if (marker) req["Marker"] = *marker;
    FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Lambda("ListEventSourceMappings"), req));
    for (const api::Json& m : r["EventSourceMappings"]) {
      std::string uuid = m.value("UUID", "");
      std::string arn = m.value("EventSourceArn", "");
      std::string fn = m.value("FunctionArn", "");
      fn = fn.substr(fn.rfind(':') + 1);
      std::string stream_name = arn.substr(arn.rfind('/') + 1);
      std::string base = m.value("State", "") + (m.value("FreshetExactlyOnce", true) ? "" : " (at least once)");
      auto lag = api->Call(api::Freshet("DescribeConsumer"), {{"ConsumerName", "esm:" + uuid}});
      if (!lag.ok() || (*lag)["Shards"].empty()) {
        rows.push_back({uuid, fn, stream_name, base, "-", "-", m.value("LastProcessingResult", "")});
        continue;
      }
      for (const api::Json& s : (*lag)["Shards"]) {
        rows.push_back({uuid, fn, stream_name, base, s.value("ShardId", ""),
                        std::to_string(s.value("RecordsBehind", uint64_t{0})) + " records, " +
                            std::to_string(s.value("MillisBehind", uint64_t{0})) + " ms",
                        m.value("LastProcessingResult", "")});
      }
    }
    marker.reset();
    if (r.contains("NextMarker")) marker = r["NextMarker"].get<std::string>();
  } while (marker);
  PrintTable(std::cout, {"UUID", "FUNCTION", "STREAM", "STATE", "SHARD", "BEHIND", "LAST RESULT"}, rows);
  return Status::OK();
}

Status Unmap(Context* ctx, const std::string& uuid) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(api->Call(Lambda("DeleteEventSourceMapping"), {{"UUID", uuid}}).status());
  std::cout << "deleted mapping " << uuid << "\n";
  return Status::OK();
}

void AddFunctionMapCommands(CLI::App* app, Context* ctx) {
  CLI::App* group = nullptr;
  for (CLI::App* sub : app->get_subcommands([](CLI::App* a) { return a->get_name() == "function"; })) group = sub;
  if (!group) group = app->add_subcommand("function", "Lambda functions: create, invoke, map streams to them");
  group->require_subcommand(1);
  auto args = std::make_shared<MapArgs>();
  auto* map = group->add_subcommand(
      "map", "Run a function on a stream's records (CreateEventSourceMapping; runs inside `freshet serve`)");
  map->add_option("name", args->function, "function name")->required();
  map->add_option("--stream", args->stream, "stream to read")->required();
  map->add_option("--batch", args->batch, "records per invocation (1..10000)")->check(CLI::Range(1, 10000));
  map->add_option("--from", args->from, "where to start: latest, trim-horizon, or an ISO 8601 time / epoch ms");
  map->add_option("--window", args->window, "MaximumBatchingWindowInSeconds (0..300)")->check(CLI::Range(0, 300));
  map->add_option("--retries", args->retries, "MaximumRetryAttempts (-1: until the records expire)")
      ->check(CLI::Range(-1, 10000));
  map->add_flag("--bisect", args->bisect, "split a failing batch in two before retrying");
  map->add_flag("--report-failures", args->report_failures, "the handler returns batchItemFailures");
  map->add_option("--on-failure", args->on_failure, "stream that receives records given up on");
  map->add_flag("--no-exactly-once", args->no_exactly_once,
                "commit the handler's table writes as they happen (at least once, as on AWS)");
  map->callback([ctx, args] { ctx->result = Guard([&] { return Map(ctx, *args); }); });

  auto function = std::make_shared<std::string>();
  auto* list = group->add_subcommand("mappings", "List event-source mappings with their lag per shard");
  list->add_option("--function", *function, "only this function's mappings");
  list->callback([ctx, function] { ctx->result = Guard([&] { return Mappings(ctx, *function); }); });

  auto uuid = std::make_shared<std::string>();
  auto* unmap = group->add_subcommand("unmap", "Delete an event-source mapping (DeleteEventSourceMapping)");
  unmap->add_option("uuid", *uuid, "the mapping's UUID")->required();
  unmap->callback([ctx, uuid] { ctx->result = Guard([&] { return Unmap(ctx, *uuid); }); });
}

// After the function commands' group, if any.
Registrar registrar(90, AddFunctionMapCommands);

}  // namespace
}  // namespace freshet::cli
