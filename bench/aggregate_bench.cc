// Aggregate consumer throughput: the bundled NOAA export (123,308 observations) ingested
// --copies times into a synced 4-shard `weather` stream (by the freshet CLI, not timed), then
// consumed in process by the built-in `weather-monthly` pipeline (aggregate mode: one item per
// station and month, read, updated and written back in the step's atomic write) and, in the
// same run over the same records, by the plain `weather` pipeline (merge mode: one item per
// station and day), each from the trim horizon with a fresh consumer name and an empty table,
// alternating, best of --runs. Batches of --batch records per shard, every step synced.
//
// The export is sorted by station and date, so a step's records of a station mostly fall in one
// or two months: the best case for aggregates (many records folded into few groups). The same
// records are also put, shuffled (fixed seed), into a second stream `shuffled`, and both pipelines
// are measured on it too: there a step's records hit many groups, each read and written once.
//
// Usage: aggregate_bench [--copies N (4)] [--runs N (3)] [--batch N (1000)] [--data FILE]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "stream/consumer/consumer.h"
#include "stream/stream_reader.h"

using namespace freshet;

namespace {

int RunCli(const std::vector<std::string>& args) { return bench::RunQuietly(FRESHET_BIN_PATH, args) ? 0 : 1; }

struct Run {
  double seconds = 0;
  uint64_t records = 0, items = 0;
};

// Consumes the whole `stream_name` with `pipeline` under a new consumer name into an empty table.
Run Consume(storage::Db* db, const std::string& stream_name, const std::string& pipeline, const std::string& name,
            size_t batch) {
  stream::StreamLog log(db);
  auto spec = stream::LoadPipeline(pipeline);
  if (!spec.ok()) {
    std::fprintf(stderr, "%s\n", spec.status().ToString().c_str());
    std::exit(1);
  }
  query::TableStore tables(db);
  for (const auto& t : spec->targets) {
    Status s = tables.Delete(t.table);
    if (!s.ok() && !s.IsNotFound()) {
      std::fprintf(stderr, "delete %s: %s\n", t.table.c_str(), s.ToString().c_str());
      std::exit(1);
    }
  }
  spec->consumer = name;
  spec->stream = stream_name;
  stream::ConsumerOptions options;
  options.batch = batch;
  auto consumer = stream::Consumer::Open(&log, *spec, options);
  if (!consumer.ok()) {
    std::fprintf(stderr, "%s\n", consumer.status().ToString().c_str());
    std::exit(1);
  }
  auto start = std::chrono::steady_clock::now();
  Status s = (*consumer)->Drain(nullptr);
  Run r;
  r.seconds = bench::Seconds(start);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", pipeline.c_str(), s.ToString().c_str());
    std::exit(1);
  }
  r.records = (*consumer)->stats().records_read;
  r.items = (*consumer)->stats().items_written;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int copies = 4, runs = 3;
  size_t batch = 1000;
  std::string data = std::string(FRESHET_SOURCE_DIR_DEFAULT) + "/data/noaa/cdo-montgomery-md-2012-2018.csv.gz";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--copies") && i + 1 < argc)
      copies = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc)
      batch = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--data") && i + 1 < argc)
      data = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--copies N] [--runs N] [--batch N] [--data FILE]\n", argv[0]);
      return 2;
    }
  }
  bench::BenchDir dir("aggregate");
  const std::string data_dir = dir.path() + "/data";
  if (RunCli({"--data-dir", data_dir, "stream", "create", "weather", "--shards", "4"}) != 0) return 1;
  for (int c = 0; c < copies; ++c) {
    if (RunCli({"--data-dir", data_dir, "--no-sync", "ingest", "file", "--stream", "weather", data}) != 0) {
      std::fprintf(stderr, "ingest of %s failed\n", data.c_str());
      return 1;
    }
  }
  storage::OpenOptions options;
  options.sync = true;
  auto db = storage::Db::Open(data_dir, options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  {  // The same records, shuffled, into a second stream.
    stream::StreamLog log(db->get());
    auto weather = log.Get("weather");
    auto shuffled = log.Create("shuffled", 4, 24);
    if (!weather.ok() || !shuffled.ok()) {
      std::fprintf(stderr, "cannot set up the shuffled stream\n");
      return 1;
    }
    std::vector<stream::PutRecord> records;
    for (uint32_t shard = 0; shard < weather->shard_count; ++shard) {
      auto page = stream::ReadShard(**db, *weather, shard, 0, SIZE_MAX, SIZE_MAX);
      if (!page.ok()) {
        std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
        return 1;
      }
      for (auto& r : *page) records.push_back({r.partition_key, std::move(r.data), {}});
    }
    std::mt19937_64 rng(42);
    std::shuffle(records.begin(), records.end(), rng);
    for (size_t i = 0; i < records.size(); i += 500) {
      std::vector<stream::PutRecord> chunk(records.begin() + static_cast<long>(i),
                                           records.begin() + static_cast<long>(std::min(i + 500, records.size())));
      if (!log.Put(*shuffled, chunk).ok()) {
        std::fprintf(stderr, "put to the shuffled stream failed\n");
        return 1;
      }
    }
  }
  std::printf("machine: %s\n", bench::Machine().c_str());
  std::printf("%d copies of %s in a 4-shard stream; batch %zu per shard, synced steps; best of %d\n", copies,
              data.c_str(), batch, runs);
  for (const char* stream_name : {"weather", "shuffled"}) {
    Run best_plain, best_monthly;
    for (int r = 0; r < runs; ++r) {
      // Alternate which side goes first, so neither always runs on a warmer cache.
      const std::string suffix = std::string(stream_name) + "-" + std::to_string(r);
      Run plain, monthly;
      if (r % 2 == 0) {
        plain = Consume(db->get(), stream_name, "weather", "bench-weather-" + suffix, batch);
        monthly = Consume(db->get(), stream_name, "weather-monthly", "bench-monthly-" + suffix, batch);
      } else {
        monthly = Consume(db->get(), stream_name, "weather-monthly", "bench-monthly-" + suffix, batch);
        plain = Consume(db->get(), stream_name, "weather", "bench-weather-" + suffix, batch);
      }
      std::printf(
          "%s run %d: weather %.0f rec/s (%.2f s, %llu item writes), weather-monthly %.0f rec/s (%.2f s, "
          "%llu item writes)\n",
          stream_name, r + 1, plain.records / plain.seconds, plain.seconds,
          static_cast<unsigned long long>(plain.items), monthly.records / monthly.seconds, monthly.seconds,
          static_cast<unsigned long long>(monthly.items));
      if (best_plain.seconds == 0 || plain.seconds < best_plain.seconds) best_plain = plain;
      if (best_monthly.seconds == 0 || monthly.seconds < best_monthly.seconds) best_monthly = monthly;
    }
    const double plain_rate = best_plain.records / best_plain.seconds;
    const double monthly_rate = best_monthly.records / best_monthly.seconds;
    std::printf(
        "%s order, best: weather (merge) %.0f rec/s, weather-monthly (aggregate) %.0f rec/s, ratio %.2f; "
        "%llu records\n",
        stream_name == std::string("weather") ? "file" : "shuffled", plain_rate, monthly_rate,
        monthly_rate / plain_rate, static_cast<unsigned long long>(best_monthly.records));
  }
  return 0;
}
