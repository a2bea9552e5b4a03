// Consumer throughput: N weather observations (one record per station, day and element, as
// ingest writes them) in a 4-shard stream, consumed into the weather table by the built-in
// `weather` pipeline (merge mode), batches of 1000 records per shard, each step synced.
// The observations of --stations stations over as many days as N needs (5 elements a day) are
// shuffled, so stations and days interleave at random as in a real stream (a sorted stream
// would let a step merge most of an item's elements in memory, which flatters merges).
// In the same run, raw RocksDB does equivalent work: for each batch, read each touched item
// key, write the merged items plus a cursor key in one synced WriteBatch. Prints the process's
// peak RSS (VmHWM) at the end.
//
// --cli: the whole CLI instead: `freshet stream put` loads the records (not timed), then
// `freshet consume --pipeline weather` is timed as a process (wall and CPU), best of --runs.
//
// Usage: consume_bench [--records N] [--stations N] [--days N] [--batch N] [--no-sync] [--runs N]
//        consume_bench --cli [--records N (300000)] [--stations N (60)] [--days N (120)] [--runs N (3)]
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

#include "bench/bench_util.h"
#include "stream/consumer/consumer.h"

using namespace freshet;

namespace {

struct Obs {
  std::string station, date, element, value;
};

// `n` observations of `stations` stations over `days` days (0: as many days as 5 elements a day
// need), with as many elements a day as that takes, shuffled.
std::vector<Obs> MakeObservations(size_t n, size_t stations, size_t days) {
  std::vector<std::string> elements = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
  if (days == 0) days = (n + stations * 5 - 1) / (stations * 5);
  const size_t per_day = (n + stations * days - 1) / (stations * days);
  for (size_t e = elements.size(); e < per_day; ++e) elements.push_back("WT" + std::to_string(e));
  std::vector<Obs> out;
  out.reserve(n);
  for (size_t day = 0; day < days && out.size() < n; ++day) {
    // Civil date of day `day` after 1990-01-01 (Howard Hinnant's civil_from_days).
    long z = 7305 + static_cast<long>(day) + 719468;
    long era = z / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char date[64];
    std::snprintf(date, sizeof date, "%04ld-%02ld-%02ld", y, m, d);
    for (size_t st = 0; st < stations && out.size() < n; ++st) {
      for (size_t e = 0; e < per_day && out.size() < n; ++e) {
        size_t i = out.size();
        out.push_back(
            {"USC00" + std::to_string(100000 + st * 37), date, elements[e], std::to_string(i * 7919 % 500) + ".3"});
      }
    }
  }
  std::mt19937_64 rng(42);
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

std::string ObsJson(const Obs& o) {
  return R"({"station":")" + o.station + R"(","date":")" + o.date + R"(","element":")" + o.element + R"(","value":")" +
         o.value + R"(","sflag":"N","obs_time":"0700","source":"bench"})";
}

std::string PeakRss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return line.substr(6);
  }
  return "unknown";
}

double RunFreshet(const std::vector<Obs>& obs, size_t batch, bool sync, uint64_t* items) {
  bench::BenchDir dir("consume");
  storage::OpenOptions options;
  options.sync = false;  // loading the stream is not what is measured
  {
    auto db = std::move(storage::Db::Open(dir.path(), options).value());
    stream::StreamLog log(db.get());
    auto d = log.Create("weather", 4, 24).value();
    std::vector<stream::PutRecord> records;
    for (const Obs& o : obs) {
      records.push_back({o.station, ObsJson(o), std::nullopt});
      if (records.size() == 500) {
        if (!log.Put(d, records).ok()) std::exit(1);
        records.clear();
      }
    }
    if (!records.empty() && !log.Put(d, records).ok()) std::exit(1);
    if (!db->Flush().ok()) std::exit(1);
  }
  options.sync = sync;
  auto db = std::move(storage::Db::Open(dir.path(), options).value());
  stream::StreamLog log(db.get());
  stream::ConsumerOptions copts;
  copts.batch = batch;
  auto consumer = std::move(stream::Consumer::Open(&log, stream::LoadPipeline("weather").value(), copts).value());
  { std::ofstream("/proc/self/clear_refs") << "5"; }  // VmHWM from here on: the consume
  auto start = std::chrono::steady_clock::now();
  Status s = consumer->Drain(nullptr);
  double secs = bench::Seconds(start);
  if (!s.ok() || consumer->stats().records_read != obs.size()) {
    std::fprintf(stderr, "consume failed: %s (%llu records)\n", s.ToString().c_str(),
                 static_cast<unsigned long long>(consumer->stats().records_read));
    std::exit(1);
  }
  *items = consumer->stats().items_written;
  return static_cast<double>(obs.size()) / secs;
}

// The same item keys and sizes, batched the same way, with one read per touched item.
double RunRaw(const std::vector<Obs>& obs, size_t batch, bool sync) {
  bench::BenchDir dir("raw-consume");
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.path(), &raw).ok()) std::exit(1);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto start = std::chrono::steady_clock::now();
  std::string existing;
  // 4 shards, each consumed in batches of `batch` records: about the same number of writes.
  const size_t step = batch * 4;
  for (size_t i = 0; i < obs.size(); i += step) {
    std::map<std::string, std::string> merged;
    for (size_t j = i; j < std::min(i + step, obs.size()); ++j) {
      std::string key = obs[j].station + '\0' + obs[j].date;
      auto it = merged.find(key);
      if (it == merged.end()) {
        rocksdb::Status s = raw->Get(rocksdb::ReadOptions(), key, &existing);
        it = merged.emplace(key, s.ok() ? existing : std::string()).first;
      }
      it->second += obs[j].element + "=" + obs[j].value + ";sflag=N;";
    }
    rocksdb::WriteBatch wb;
    for (auto& [k, v] : merged) wb.Put(k, v).PermitUncheckedError();
    wb.Put("cursor", std::to_string(i)).PermitUncheckedError();
    if (!raw->Write(wo, &wb).ok()) std::exit(1);
  }
  double rate = static_cast<double>(obs.size()) / bench::Seconds(start);
  delete raw;
  return rate;
}

// Runs the freshet binary with `args`; returns false on failure. *cpu gets user+system seconds.
bool RunFreshetCli(const std::vector<std::string>& args, double* cpu, long* max_rss_kb = nullptr) {
  return bench::RunQuietly(FRESHET_BIN_PATH, args, cpu, max_rss_kb);
}

// The CLI path: a fresh data dir loaded through `freshet ingest file` (JSON lines, not timed),
// then `freshet consume --pipeline weather` timed as a whole process.
int RunCli(const std::vector<Obs>& obs, int runs) {
  double best = 0, best_cpu = 0;
  for (int run = 0; run < runs; ++run) {
    bench::BenchDir dir("consume-cli");
    const std::string data = dir.path() + "/data", lines = dir.path() + "/obs.jsonl";
    {
      std::ofstream out(lines);
      for (const Obs& o : obs) out << ObsJson(o) << "\n";
    }
    double ingest_cpu = 0;
    long ingest_rss_kb = 0;
    const auto ingest_start = std::chrono::steady_clock::now();
    if (!RunFreshetCli({"--data-dir", data, "stream", "create", "weather", "--shards", "4"}, nullptr) ||
        !RunFreshetCli({"--data-dir", data, "ingest", "file", "--stream", "weather", "--format", "jsonl",
                        "--partition-key-field", "station", lines},
                       &ingest_cpu, &ingest_rss_kb)) {
      std::fprintf(stderr, "consume_bench: loading through the CLI failed\n");
      return 1;
    }
    std::printf("run %d: freshet ingest file (JSON lines, synced 4-shard stream): %10.0f records/s, peak RSS %ld MB\n",
                run + 1, static_cast<double>(obs.size()) / bench::Seconds(ingest_start), ingest_rss_kb / 1024);
    auto start = std::chrono::steady_clock::now();
    double cpu = 0;
    long rss_kb = 0;
    if (!RunFreshetCli({"--data-dir", data, "consume", "--pipeline", "weather"}, &cpu, &rss_kb)) {
      std::fprintf(stderr, "consume_bench: freshet consume failed\n");
      return 1;
    }
    double secs = bench::Seconds(start);
    double rate = static_cast<double>(obs.size()) / secs;
    std::printf(
        "run %d: freshet consume --pipeline weather: %10.0f records/s, %.2f s wall, %.2f us CPU/record, "
        "peak RSS %ld MB\n",
        run + 1, rate, secs, cpu * 1e6 / static_cast<double>(obs.size()), rss_kb / 1024);
    if (rate > best) {
      best = rate;
      best_cpu = cpu;
    }
  }
  std::printf("best of %d: %10.0f records/s, %.2f us CPU/record\n", runs, best,
              best_cpu * 1e6 / static_cast<double>(obs.size()));
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  size_t n = 0, batch = 1000, stations = 0, days = 0;
  int runs = 0;
  bool sync = true, cli = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--records") && i + 1 < argc)
      n = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc)
      batch = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--stations") && i + 1 < argc)
      stations = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--days") && i + 1 < argc)
      days = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-sync"))
      sync = false;
    else if (!std::strcmp(argv[i], "--cli"))
      cli = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--cli] [--records N] [--stations N] [--days N] [--batch N] [--runs N] [--no-sync]\n",
                   argv[0]);
      return 2;
    }
  }
  if (n == 0) n = cli ? 300000 : 1000000;
  if (stations == 0) stations = cli ? 60 : 64;
  if (days == 0 && cli) days = 120;
  if (days == 0) days = (n + stations * 5 - 1) / (stations * 5);
  if (runs <= 0) runs = cli ? 3 : 1;
  auto obs = MakeObservations(n, stations, days);
  const size_t per_day = (n + stations * days - 1) / (stations * days);
  std::printf("machine: %s\n", bench::Machine().c_str());
  if (cli) {
    std::printf("workload: %zu observations of %zu stations x %zu days x %zu elements, shuffled; CLI, 4 shards\n", n,
                stations, days, per_day);
    return RunCli(obs, runs);
  }
  std::printf(
      "workload: %zu observations of %zu stations x %zu days x %zu elements, shuffled; 4 shards, weather "
      "pipeline (merge), batch %zu per shard, sync: %s\n",
      n, stations, days, per_day, batch, sync ? "yes" : "no");
  double best_raw = 0, best_freshet = 0;
  uint64_t items = 0;
  for (int run = 0; run < runs; ++run) {  // alternating sides
    double raw = RunRaw(obs, batch, sync);
    double freshet = RunFreshet(obs, batch, sync, &items);
    std::printf("run %d: raw %10.0f records/s, freshet %10.0f records/s, ratio %.2f\n", run + 1, raw, freshet,
                freshet / raw);
    best_raw = std::max(best_raw, raw);
    best_freshet = std::max(best_freshet, freshet);
  }
  std::printf("raw rocksdb (read + merged write): %10.0f records/s\n", best_raw);
  std::printf("freshet consume:                   %10.0f records/s (%llu item writes; target >= 400000)\n",
              best_freshet, static_cast<unsigned long long>(items));
  std::printf("ratio:                             %10.2f (target >= 0.35)\n", best_freshet / best_raw);
  std::printf("peak RSS (VmHWM) during the last consume (the input held by this process included): %s\n",
              PeakRss().c_str());
  return 0;
}
