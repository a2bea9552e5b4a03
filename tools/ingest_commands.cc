// `freshet ingest file` and `freshet ingest noaa`: thin calls into ingest/, with a RecordSink that
// puts batches into an existing stream (PutRecords through the Api, one atomic batch each, to
// this process's store or to the directory's owner).
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "ingest/cdo_source.h"
#include "ingest/file_ingest.h"
#include "ingest/pipelined_sink.h"
#include "stream/stream_log.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/progress.h"

namespace freshet::cli {
namespace {

// Puts each batch from ingest/ into one stream.
class StreamSink : public ingest::RecordSink {
 public:
  // `progress` (optional, not owned) counts the records put.
  StreamSink(StreamClient* log, StreamSummary stream, Progress* progress = nullptr)
      : log_(log), stream_(std::move(stream)), progress_(progress) {}
  Status Put(std::vector<ingest::PendingRecord>&& records) override {
    std::vector<stream::PutRecord> batch;
    batch.reserve(records.size());
    for (auto& r : records) batch.push_back({std::move(r.partition_key), std::move(r.data), std::nullopt});
    const size_t n = batch.size();
    FRESHET_RETURN_IF_ERROR(log_->PutAll(stream_.name, std::move(batch)));
    if (progress_ != nullptr) progress_->Add(n);
    return Status::OK();
  }

 private:
  StreamClient* log_;
  StreamSummary stream_;
  Progress* progress_;
};

Result<StreamSummary> ExistingStream(StreamClient* log, const std::string& name) {
  Result<StreamSummary> d = log->Get(name);
  if (!d.ok() && d.status().IsNotFound()) {
    return Status::NotFound("stream '" + name + "' does not exist; create it first: freshet stream create " + name);
  }
  return d;
}

struct FileArgs {
  std::string stream, format = "auto", key_field;
  std::vector<std::string> paths;
};

Status IngestFiles(Context* ctx, const FileArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(ingest::Format format, ingest::ParseFormatName(a.format));
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient log(api);
  FRESHET_ASSIGN_OR_RETURN(StreamSummary d, ExistingStream(&log, a.stream));
  InstallStopHandlers();
  StreamSink stream_sink(&log, d);
  ingest::FileIngestOptions options;
  options.format = format;
  options.partition_key_field = a.key_field;
  options.should_stop = StopRequested;
  uint64_t records = 0, skipped = 0;
  for (const std::string& path : a.paths) {
    Progress progress(path, "records");
    options.on_progress = [&progress](uint64_t done, double fraction) { progress.Set(done, fraction); };
    // The next batch is parsed while the last one is put and synced; every batch is stored before
    // the file is reported done.
    ingest::PipelinedSink sink(&stream_sink);
    Result<ingest::FileIngestStats> result = ingest::IngestFile(path, options, &sink);
    Status stored = sink.Finish();
    if (result.ok() && !stored.ok()) result = std::move(stored);
    if (result.ok()) progress.Set(result->records, 1.0);  // the last figures, not those of the last callback
    progress.Finish();
    FRESHET_ASSIGN_OR_RETURN(ingest::FileIngestStats stats, std::move(result));
    std::cout << path << ": " << stats.records << " records (" << ingest::FormatName(stats.format) << ")"
              << (stats.skipped_lines ? ", " + std::to_string(stats.skipped_lines) + " malformed lines skipped" : "")
              << "\n";
    records += stats.records;
    skipped += stats.skipped_lines;
  }
  if (skipped > 0) {
    return Status::InvalidArgument(std::to_string(skipped) + " malformed line(s) skipped (listed above); the other " +
                                   std::to_string(records) + " records were put to '" + a.stream + "'");
  }
  return Status::OK();
}

// Station names from CDO's /stations are kept in the `stations` table (partition key station S:
// {"station": id, "name": ...}), with one item {"station": "location:ID"} per location whose
// list was fetched, so later runs do not ask again.
constexpr const char* kStationsTable = "stations";
constexpr const char* kLocationPrefix = "location:";

Status LoadStations(api::Api* api, ingest::StationNameCache* cache) {
  TableClient tables(api);
  auto table = tables.Get(kStationsTable);
  if (!table.ok()) return table.status().IsNotFound() ? Status::OK() : table.status();
  query::ScanRequest scan;
  while (true) {
    FRESHET_ASSIGN_OR_RETURN(query::Page page, tables.Scan(kStationsTable, scan));
    for (const query::Item& item : page.items) {
      const query::AttributeValue* id = item.Find("station");
      const query::AttributeValue* name = item.Find("name");
      if (!id || id->type() != query::AttributeValue::Type::kS) continue;
      if (id->scalar().rfind(kLocationPrefix, 0) == 0) {
        cache->locations.push_back(id->scalar().substr(std::strlen(kLocationPrefix)));
      } else if (name && name->type() == query::AttributeValue::Type::kS) {
        cache->names[id->scalar()] = name->scalar();
      }
    }
    if (!page.next_token) return Status::OK();
    scan.start_after = *page.next_token;
  }
}

Status SaveStations(api::Api* api, const ingest::StationNameCache& cache) {
  if (cache.names.empty() && cache.locations.empty()) return Status::OK();
  TableClient tables(api);
  auto created = tables.CreateFromFlags(kStationsTable, "station:S", "");
  if (!created.ok() && created.status().code() != Status::Code::kAlreadyExists) return created.status();
  std::vector<query::Item> items;
  for (const auto& [id, name] : cache.names) {
    query::Item item;
    item.Set("station", query::AttributeValue::S(id));
    item.Set("name", query::AttributeValue::S(name));
    items.push_back(std::move(item));
  }
  for (const auto& location : cache.locations) {
    query::Item item;
    item.Set("station", query::AttributeValue::S(kLocationPrefix + location));
    items.push_back(std::move(item));
  }
  return tables.PutItems(kStationsTable, items).WithContext("saving station names");
}

struct NoaaArgs {
  std::string stream, location, start, end, datatypes, token, endpoint = ingest::kDefaultCdoEndpoint;
  std::vector<std::string> stations;
};

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

Status IngestNoaa(Context* ctx, const NoaaArgs& a) {
  ingest::CdoOptions options;
  options.endpoint = a.endpoint;
  options.token = a.token;
  if (options.token.empty() && std::getenv("NOAA_TOKEN")) options.token = std::getenv("NOAA_TOKEN");
  options.location_id = a.location;
  options.station_ids = a.stations;
  options.start_date = a.start;
  options.end_date = a.end;
  for (size_t at = 0; at < a.datatypes.size();) {
    size_t comma = a.datatypes.find(',', at);
    std::string type = a.datatypes.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!type.empty()) options.datatypes.push_back(type);
    at = comma == std::string::npos ? a.datatypes.size() : comma + 1;
  }
  // Undocumented knobs for tests: shorter backoff and timeout.
  options.retry_base_ms = EnvInt("FRESHET_CDO_RETRY_BASE_MS", options.retry_base_ms);
  options.timeout_ms = EnvInt("FRESHET_CDO_TIMEOUT_MS", static_cast<int>(options.timeout_ms));
  options.log = &std::cerr;
  options.should_stop = StopRequested;
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient log(api);
  FRESHET_ASSIGN_OR_RETURN(StreamSummary d, ExistingStream(&log, a.stream));
  InstallStopHandlers();
  Progress progress("ingest noaa", "records");
  StreamSink sink(&log, d, &progress);
  ingest::StationNameCache cache("");  // kept in the `stations` table, not a file
  FRESHET_RETURN_IF_ERROR(LoadStations(api, &cache));
  Result<ingest::CdoStats> stats = ingest::IngestFromCdo(options, &cache, &sink);
  progress.Finish();
  Status saved = SaveStations(api, cache);
  if (!stats.ok()) return stats.status();
  FRESHET_RETURN_IF_ERROR(saved);
  std::cout << stats->records << " records put to '" << a.stream << "' (" << stats->pages << " pages, "
            << stats->requests << " requests, " << stats->retries << " retries)\n";
  return Status::OK();
}

void AddIngestCommands(CLI::App* app, Context* ctx) {
  auto* group = app->add_subcommand("ingest", "Fill a stream from NOAA (web API or files), JSON lines or CSV");
  group->require_subcommand(1);

  auto fa = std::make_shared<FileArgs>();
  auto* file = group->add_subcommand(
      "file",
      "Put the records of files (plain or gzip) into an existing stream; malformed lines are reported "
      "as FILE:LINE, skipped, and make the command exit 2");
  file->add_option("--stream", fa->stream, "stream name (must exist)")->required();
  file->add_option("paths", fa->paths, "files to read")->required();
  file->add_option("--format", fa->format, "auto|cdo-csv|access-csv|ghcn-csv|dly|jsonl|csv (default auto)");
  file->add_option("--partition-key-field", fa->key_field, "jsonl/csv: the field whose value is the partition key");
  file->callback([ctx, fa] { ctx->result = Guard([&] { return IngestFiles(ctx, *fa); }); });

  auto na = std::make_shared<NoaaArgs>();
  auto* noaa = group->add_subcommand(
      "noaa", "Put daily GHCN observations from NOAA's CDO web API (needs a free token) into an existing stream");
  noaa->add_option("--stream", na->stream, "stream name (must exist)")->required();
  auto* location = noaa->add_option("--location", na->location, "CDO location id, e.g. FIPS:24031");
  auto* station = noaa->add_option("--station", na->stations, "station id, e.g. GHCND:USW00093721 (repeatable)");
  location->excludes(station);
  noaa->add_option("--start", na->start, "first day, YYYY-MM-DD")->required();
  noaa->add_option("--end", na->end, "last day, YYYY-MM-DD (inclusive)")->required();
  noaa->add_option("--datatypes", na->datatypes, "comma-separated elements, e.g. PRCP,SNOW,TMIN,TMAX (default all)");
  noaa->add_option("--token", na->token, "CDO token (default $NOAA_TOKEN)");
  noaa->add_option("--cdo-endpoint", na->endpoint,
                   "CDO API base URL (default " + std::string(ingest::kDefaultCdoEndpoint) + ")");
  noaa->callback([ctx, na] { ctx->result = Guard([&] { return IngestNoaa(ctx, *na); }); });
}

Registrar registrar(40, AddIngestCommands);

}  // namespace
}  // namespace freshet::cli
