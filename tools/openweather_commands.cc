// `freshet ingest openweather`: polls OpenWeather's current-weather API (ingest/openweather_source.h)
// and puts the readings into an existing stream through the Api, as `freshet ingest file` does.
// Added to the `ingest` group that ingest_commands.cc creates (this registrar runs after it).
#include <cstdlib>
#include <iostream>

#include "ingest/openweather_source.h"
#include "stream/stream_log.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"

namespace freshet::cli {
namespace {

class OpenWeatherSink : public ingest::RecordSink {
 public:
  OpenWeatherSink(StreamClient* log, std::string stream) : log_(log), stream_(std::move(stream)) {}
  Status Put(std::vector<ingest::PendingRecord>&& records) override {
    std::vector<stream::PutRecord> batch;
    batch.reserve(records.size());
    for (auto& r : records) batch.push_back({std::move(r.partition_key), std::move(r.data), std::nullopt});
    return log_->PutAll(stream_, std::move(batch));
  }

 private:
  StreamClient* log_;
  std::string stream_;
};

struct OpenWeatherArgs {
  std::string stream, appid, units = "metric", every = "60s", base_url = ingest::kDefaultOpenWeatherBaseUrl;
  std::vector<std::string> cities, ids;
  std::vector<double> lats, lons;
  int64_t count = 0;
};

// "60s", "5m", "1h", "500ms", or plain seconds.
Result<int64_t> ParseDurationMs(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return Status::InvalidArgument("--every: '" + text + "' is not a duration such as 60s, 5m or 500ms");
  }
  const std::string unit = text.substr(used);
  double ms = 0;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m") {
    ms = value * 60000;
  } else if (unit == "h") {
    ms = value * 3600000;
  } else {
    return Status::InvalidArgument("--every: unknown unit '" + unit + "' (use ms, s, m or h)");
  }
  if (ms < 1) return Status::InvalidArgument("--every must be at least 1 ms");
  return static_cast<int64_t>(ms);
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

Status IngestOpenWeather(Context* ctx, const OpenWeatherArgs& a) {
  ingest::OpenWeatherOptions o;
  o.base_url = a.base_url;
  o.appid = a.appid;
  if (o.appid.empty() && std::getenv("OPENWEATHER_API_KEY")) o.appid = std::getenv("OPENWEATHER_API_KEY");
  o.units = a.units;
  FRESHET_ASSIGN_OR_RETURN(o.every_ms, ParseDurationMs(a.every));
  o.count = a.count;
  if (a.lats.size() != a.lons.size()) return Status::InvalidArgument("give --lat and --lon in pairs");
  for (const auto& c : a.cities) o.locations.push_back({ingest::OpenWeatherLocation::Kind::kCity, c, 0, 0, ""});
  for (size_t i = 0; i < a.lats.size(); ++i) {
    o.locations.push_back({ingest::OpenWeatherLocation::Kind::kCoordinates, "", a.lats[i], a.lons[i], ""});
  }
  for (const auto& id : a.ids) o.locations.push_back({ingest::OpenWeatherLocation::Kind::kId, "", 0, 0, id});
  // Undocumented knobs for tests: shorter backoff and timeout.
  o.retry_base_ms = EnvInt("FRESHET_OPENWEATHER_RETRY_BASE_MS", o.retry_base_ms);
  o.timeout_ms = EnvInt("FRESHET_OPENWEATHER_TIMEOUT_MS", static_cast<int>(o.timeout_ms));
  o.log = &std::cerr;
  o.should_stop = StopRequested;
  FRESHET_RETURN_IF_ERROR(ingest::ValidateOpenWeatherOptions(o));
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient log(api);
  Result<StreamSummary> d = log.Get(a.stream);
  if (!d.ok() && d.status().IsNotFound()) {
    return Status::NotFound("stream '" + a.stream + "' does not exist; create it first: freshet stream create " +
                            a.stream);
  }
  FRESHET_RETURN_IF_ERROR(d.status());
  InstallStopHandlers();
  OpenWeatherSink sink(&log, a.stream);
  FRESHET_ASSIGN_OR_RETURN(ingest::OpenWeatherStats stats, ingest::PollOpenWeather(o, &sink));
  std::cout << stats.records << " readings put to '" << a.stream << "' (" << stats.rounds << " rounds, "
            << stats.requests << " requests, " << stats.retries << " retries, " << stats.duplicates << " already put, "
            << stats.skipped << " given up)\n";
  return Status::OK();
}

void AddOpenWeatherCommand(CLI::App* app, Context* ctx) {
  CLI::App* group = app->get_subcommand("ingest");
  auto a = std::make_shared<OpenWeatherArgs>();
  auto* cmd = group->add_subcommand(
      "openweather", "Poll OpenWeather's current weather for some locations into an existing stream (docs/ingest.md)");
  cmd->add_option("--stream", a->stream, "stream name (must exist)")->required();
  cmd->add_option("--city", a->cities, "city name, e.g. London or London,GB (repeatable)");
  cmd->add_option("--lat", a->lats, "latitude (repeatable, paired with --lon)");
  cmd->add_option("--lon", a->lons, "longitude (repeatable, paired with --lat)");
  cmd->add_option("--id", a->ids, "OpenWeather city id (repeatable)");
  cmd->add_option("--appid", a->appid, "API key (default $OPENWEATHER_API_KEY)");
  cmd->add_option("--units", a->units, "metric, imperial or standard (default metric)")
      ->check(CLI::IsMember({"metric", "imperial", "standard"}));
  cmd->add_option("--every", a->every, "time between rounds, e.g. 60s, 10m (default 60s)");
  cmd->add_option("--count", a->count, "rounds to poll, then stop (default: until interrupted)");
  cmd->add_option("--base-url", a->base_url,
                  "API base URL (default " + std::string(ingest::kDefaultOpenWeatherBaseUrl) + ")");
  cmd->callback([ctx, a] { ctx->result = Guard([&] { return IngestOpenWeather(ctx, *a); }); });
}

Registrar registrar(41, AddOpenWeatherCommand);

}  // namespace
}  // namespace freshet::cli
