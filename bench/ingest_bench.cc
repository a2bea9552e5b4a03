// ingest_bench: file -> stream records (read + parse + convert to metric + serialize JSON), in
// observations per second, with a sink that only counts, so the figure is ingest/'s own cost.
//
//   ingest_bench [--rows N] [--source-dir DIR]
//
// 1. the bundled CDO export (data/noaa/cdo-montgomery-md-2012-2018.csv.gz, gzip, standard units),
//    read 5 times;
// 2. a synthetic GHCN by_station CSV of N rows (default 5,000,000) written to a temp dir, plain and
//    gzip-compressed (raw units: tenths -> decimal).
// Target (issue 5): >= 300,000 observations/s on two cores.
//
//   ingest_bench --end-to-end [--repeat N (10)] [--runs N (3)] [--source-dir DIR]
//
// End to end (issue 16): the bundled export read N times into a synced 4-shard stream, two ways,
// best of --runs: in process, through IngestFile and a sink over StreamLog::Put (what `freshet
// ingest file` does without an owner: one atomic, synced put per batch of 500); and the whole
// CLI, `freshet ingest file --stream weather FILE x N` timed as a process. Beside them, in the
// same run: the same puts (the records produced first, in memory) with StreamLog alone, which is
// the ceiling the ingest path can reach. Target: >= 400,000 observations/s.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/bench_util.h"
#include "ingest/file_ingest.h"
#include "stream/stream_log.h"

namespace {

using freshet::ingest::FileIngestOptions;
using freshet::ingest::PendingRecord;

class CountingSink : public freshet::ingest::RecordSink {
 public:
  freshet::Status Put(std::vector<PendingRecord>&& records) override {
    count += records.size();
    for (const auto& r : records) bytes += r.data.size();
    return freshet::Status::OK();
  }
  uint64_t count = 0;
  uint64_t bytes = 0;
};

void Measure(const char* label, const std::string& path, int repeat) {
  CountingSink sink;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    auto r = freshet::ingest::IngestFile(path, FileIngestOptions{}, &sink);
    if (!r.ok()) {
      std::fprintf(stderr, "ingest_bench: %s\n", r.status().ToString().c_str());
      std::exit(1);
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-44s %12llu obs  %7.2f s  %10.0f obs/s  %6.1f MB/s of JSON out\n", label,
              static_cast<unsigned long long>(sink.count), s, sink.count / s, sink.bytes / s / 1e6);
}

// Writes `rows` by_station lines cycling through stations, days and elements (values in raw units).
void WriteSynthetic(const std::string& path, long rows, bool gzip) {
  static const char* const kElements[] = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
  FILE* plain = gzip ? nullptr : std::fopen(path.c_str(), "wb");
  gzFile gz = gzip ? gzopen(path.c_str(), "wb1") : nullptr;
  char line[96];
  for (long i = 0; i < rows; ++i) {
    long day = i / 5 % 10000;
    int year = 1990 + static_cast<int>(day / 336), month = static_cast<int>(day / 28 % 12) + 1;
    int dom = static_cast<int>(day % 28) + 1;
    int n = std::snprintf(line, sizeof(line), "US1MDMG%04ld,%04d%02d%02d,%s,%ld,%s,,N,0700\n", i / 50000 % 10000, year,
                          month, dom, kElements[i % 5], (i * 7919) % 700 - 200, i % 13 == 0 ? "T" : "");
    if (gzip) {
      gzwrite(gz, line, static_cast<unsigned>(n));
    } else {
      std::fwrite(line, 1, static_cast<size_t>(n), plain);
    }
  }
  if (gzip)
    gzclose(gz);
  else
    std::fclose(plain);
}

// What tools/ingest_commands.cc's StreamSink does, over StreamLog directly (no Api in between).
class LogSink : public freshet::ingest::RecordSink {
 public:
  LogSink(freshet::stream::StreamLog* log, freshet::stream::StreamDescription d) : log_(log), d_(std::move(d)) {}
  freshet::Status Put(std::vector<PendingRecord>&& records) override {
    batch_.clear();
    for (auto& r : records) batch_.push_back({std::move(r.partition_key), std::move(r.data), std::nullopt});
    count += records.size();
    return log_->Put(d_, batch_).status();
  }
  uint64_t count = 0;

 private:
  freshet::stream::StreamLog* log_;
  freshet::stream::StreamDescription d_;
  std::vector<freshet::stream::PutRecord> batch_;
};

// Collects the records in memory (for the put-only baseline).
class KeepingSink : public freshet::ingest::RecordSink {
 public:
  freshet::Status Put(std::vector<PendingRecord>&& records) override {
    batches.push_back({});
    for (auto& r : records) batches.back().push_back({std::move(r.partition_key), std::move(r.data), std::nullopt});
    return freshet::Status::OK();
  }
  std::vector<std::vector<freshet::stream::PutRecord>> batches;
};

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/freshet-ingest-e2e-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::exit(1);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::unique_ptr<freshet::storage::Db> OpenSynced(const std::string& dir, freshet::stream::StreamDescription* d,
                                                 std::unique_ptr<freshet::stream::StreamLog>* log) {
  freshet::storage::OpenOptions options;  // sync: true (the default), as `freshet ingest file`
  auto db = freshet::storage::Db::Open(dir, options);
  if (!db.ok()) std::exit(1);
  *log = std::make_unique<freshet::stream::StreamLog>(db->get());
  *d = (*log)->Create("weather", 4, 24).value();
  return std::move(db.value());
}

double InProcess(const std::string& file, int repeat) {
  TempDir dir;
  freshet::stream::StreamDescription d;
  std::unique_ptr<freshet::stream::StreamLog> log;
  auto db = OpenSynced(dir.path, &d, &log);
  LogSink sink(log.get(), d);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    if (!freshet::ingest::IngestFile(file, FileIngestOptions{}, &sink).ok()) std::exit(1);
  }
  return sink.count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double PutsOnly(const std::string& file, int repeat) {
  KeepingSink keep;
  for (int i = 0; i < repeat; ++i) {
    if (!freshet::ingest::IngestFile(file, FileIngestOptions{}, &keep).ok()) std::exit(1);
  }
  TempDir dir;
  freshet::stream::StreamDescription d;
  std::unique_ptr<freshet::stream::StreamLog> log;
  auto db = OpenSynced(dir.path, &d, &log);
  uint64_t n = 0;
  auto start = std::chrono::steady_clock::now();
  for (const auto& batch : keep.batches) {
    if (!log->Put(d, batch).ok()) std::exit(1);
    n += batch.size();
  }
  return n / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool RunCli(const std::vector<std::string>& args, double* cpu) {
  return freshet::bench::RunQuietly(FRESHET_BIN_PATH, args, cpu);
}

double WholeCli(const std::string& file, int repeat, uint64_t observations, double* cpu) {
  TempDir dir;
  const std::string data = dir.path + "/data";
  if (!RunCli({"--data-dir", data, "stream", "create", "weather", "--shards", "4"}, nullptr)) std::exit(1);
  std::vector<std::string> args = {"--data-dir", data, "ingest", "file", "--stream", "weather"};
  for (int i = 0; i < repeat; ++i) args.push_back(file);
  auto start = std::chrono::steady_clock::now();
  if (!RunCli(args, cpu)) {
    std::fprintf(stderr, "ingest_bench: freshet ingest file failed\n");
    std::exit(1);
  }
  return observations / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int EndToEnd(const std::string& source_dir, int repeat, int runs) {
  const std::string file = source_dir + "/data/noaa/cdo-montgomery-md-2012-2018.csv.gz";
  CountingSink counter;
  if (!freshet::ingest::IngestFile(file, FileIngestOptions{}, &counter).ok()) return 1;
  const uint64_t observations = counter.count * static_cast<uint64_t>(repeat);
  std::printf("end to end: bundled export x%d = %llu observations into a synced 4-shard stream\n", repeat,
              static_cast<unsigned long long>(observations));
  double best_in = 0, best_puts = 0, best_cli = 0, cli_cpu = 0;
  for (int run = 0; run < runs; ++run) {  // alternating sides
    double puts = PutsOnly(file, repeat);
    double in = InProcess(file, repeat);
    double cpu = 0;
    double cli = WholeCli(file, repeat, observations, &cpu);
    std::printf(
        "run %d: StreamLog puts alone %9.0f obs/s | ingest in process %9.0f obs/s | whole CLI %9.0f obs/s "
        "(%.2f us CPU/obs)\n",
        run + 1, puts, in, cli, cpu * 1e6 / observations);
    best_puts = std::max(best_puts, puts);
    best_in = std::max(best_in, in);
    if (cli > best_cli) {
      best_cli = cli;
      cli_cpu = cpu;
    }
  }
  std::printf(
      "best of %d: puts alone %.0f, in process %.0f (%.2f of puts alone), whole CLI %.0f obs/s "
      "(%.2f us CPU/obs); target >= 400000\n",
      runs, best_puts, best_in, best_in / best_puts, best_cli, cli_cpu * 1e6 / observations);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  long rows = 5000000;
  int repeat = 10, runs = 3;
  bool end_to_end = false;
  std::string source_dir = FRESHET_SOURCE_DIR_DEFAULT;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--end-to-end") == 0)
      end_to_end = true;
    else if (i + 1 < argc && std::strcmp(argv[i], "--rows") == 0)
      rows = std::atol(argv[++i]);
    else if (i + 1 < argc && std::strcmp(argv[i], "--repeat") == 0)
      repeat = std::atoi(argv[++i]);
    else if (i + 1 < argc && std::strcmp(argv[i], "--runs") == 0)
      runs = std::atoi(argv[++i]);
    else if (i + 1 < argc && std::strcmp(argv[i], "--source-dir") == 0)
      source_dir = argv[++i];
    else {
      std::fprintf(stderr,
                   "usage: ingest_bench [--rows N] [--source-dir DIR] | --end-to-end [--repeat N] [--runs N]\n");
      return 2;
    }
  }
  std::printf("ingest_bench: %ld cores online\n", sysconf(_SC_NPROCESSORS_ONLN));
  if (end_to_end) return EndToEnd(source_dir, repeat, runs);
  Measure("bundled CDO export (gzip) x5", source_dir + "/data/noaa/cdo-montgomery-md-2012-2018.csv.gz", 5);

  char tmpl[] = "/tmp/freshet-ingest-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  std::string dir = tmpl;
  auto gen_start = std::chrono::steady_clock::now();
  WriteSynthetic(dir + "/synthetic.csv", rows, false);
  WriteSynthetic(dir + "/synthetic.csv.gz", rows, true);
  std::printf("(generated %ld-row synthetic files in %.1f s)\n", rows,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - gen_start).count());
  Measure(("synthetic by_station CSV, " + std::to_string(rows) + " rows").c_str(), dir + "/synthetic.csv", 1);
  Measure(("synthetic by_station CSV.gz, " + std::to_string(rows) + " rows").c_str(), dir + "/synthetic.csv.gz", 1);
  std::filesystem::remove_all(dir);
  return 0;
}
