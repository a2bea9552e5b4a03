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
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "ingest/file_ingest.h"

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
  static const char* kElements[] = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
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
  if (gzip) gzclose(gz);
  else std::fclose(plain);
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 5000000;
  std::string source_dir = FRESHET_SOURCE_DIR_DEFAULT;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--source-dir") == 0) source_dir = argv[i + 1];
  }
  std::printf("ingest_bench: %ld cores online\n", sysconf(_SC_NPROCESSORS_ONLN));
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
