// Query benchmark: a weather-shaped table (stations x days, 4 numeric attributes), then random
// station-month queries (31 items each) in-process, and `freshet query` for one station-month
// as a whole process.
//
//   query_bench [--stations N] [--days D] [--queries Q] [--rounds R] [--cli-runs R] [--freshet PATH]
//               [--keep DIR] [--reuse 1]
//
// Defaults: 30,000 stations x 365 days = 10,950,000 items. Writes use OpenOptions::sync=false
// and batches of 10,000 items, as a bulk load would (`--no-sync`). --keep DIR keeps the data
// directory; with --reuse 1 an existing one is queried without loading it again.
//
// In process, three sides over the same random station-months, in alternating rounds (default 3;
// the best round of each side is printed, and every round):
//   items:  TableStore::Query, decoded Items (what the CLI's table output uses)
//   json:   TableStore::QueryStored + StoredItemJsonWriter, typed JSON straight from the stored
//           bytes (what a Query response writer uses)
//   bare:   the same ranges through a bounded storage::Iterator, values not decoded (baseline)
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "query/stored_json.h"
#include "query/table_store.h"
#include "storage/db.h"

extern char** environ;

namespace freshet::query {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// CPU time (user + system) of this process in microseconds: on a shared machine it shows the
// cost of the work even when the wall clock includes waiting for a core.
double CpuMicros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string StationId(int s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "USC%08d", s);
  return buf;
}

// 2023-01-01 + d days, d < 365.
std::string Date(int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (d >= kDays[m]) d -= kDays[m++];
  char buf[32];
  std::snprintf(buf, sizeof(buf), "2023-%02d-%02d", m + 1, d + 1);
  return buf;
}

std::string Tenths(std::mt19937_64& rng, int lo, int hi) {
  const int v = lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
  return (v < 0 ? "-" : "") + std::to_string(std::abs(v) / 10) + "." + std::to_string(std::abs(v) % 10);
}

struct Flags {
  int stations = 30000;
  int days = 365;
  int queries = 200000;
  int rounds = 3;
  int cli_runs = 50;
  std::string freshet;
  std::string keep;
  bool reuse = false;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  const char* bin = std::getenv("FRESHET_BIN");
  f.freshet = bin ? bin : FRESHET_BIN_PATH;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--stations")
      f.stations = std::stoi(value);
    else if (name == "--days")
      f.days = std::min(365, std::stoi(value));
    else if (name == "--queries")
      f.queries = std::stoi(value);
    else if (name == "--cli-runs")
      f.cli_runs = std::stoi(value);
    else if (name == "--rounds")
      f.rounds = std::max(1, std::stoi(value));
    else if (name == "--reuse")
      f.reuse = value == "1";
    else if (name == "--freshet")
      f.freshet = value;
    else if (name == "--keep")
      f.keep = value;
    else
      std::fprintf(stderr, "unknown flag %s\n", name.c_str()), std::exit(2);
  }
  return f;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  const std::string dir = !flags.keep.empty() ? flags.keep : "/tmp/freshet-query-bench-" + std::to_string(::getpid());
  const bool reuse = flags.reuse && !flags.keep.empty() && std::filesystem::exists(dir + "/CURRENT");
  if (!reuse) std::filesystem::remove_all(dir);
  std::printf("machine: %u cores (nproc), %s\n", std::thread::hardware_concurrency(), CpuModel().c_str());

  storage::OpenOptions options;
  options.sync = false;
  auto db_or = storage::Db::Open(dir, options);
  Check(db_or.status(), "open");
  std::unique_ptr<storage::Db> db = std::move(db_or).value();
  TableStore store(db.get());
  auto table_or = reuse ? store.Get("weather") : store.Create(*TableFromFlags("weather", "station:S", "date:S"));
  Check(table_or.status(), "create");
  const TableDescription table = *table_or;
  const KeyRange all = TableRange(table.id);
  if (!reuse) {
    // Load, station by station (as a consumer filling the table would, in key order per shard).
    std::vector<std::string> dates;
    for (int d = 0; d < flags.days; ++d) dates.push_back(Date(d));
    std::mt19937_64 rng(1);
    const auto load_start = Clock::now();
    storage::Batch batch;
    uint64_t items = 0;
    for (int s = 0; s < flags.stations; ++s) {
      const std::string station = StationId(s);
      for (int d = 0; d < flags.days; ++d) {
        Item item;
        item.Reserve(6);
        item.AppendSorted("PRCP", AttributeValue::N(Tenths(rng, 0, 500)));
        item.AppendSorted("SNOW", AttributeValue::N(Tenths(rng, 0, 300)));
        item.AppendSorted("TMAX", AttributeValue::N(Tenths(rng, -200, 400)));
        item.AppendSorted("TMIN", AttributeValue::N(Tenths(rng, -300, 250)));
        item.AppendSorted("date", AttributeValue::S(dates[d]));
        item.AppendSorted("station", AttributeValue::S(station));
        Check(store.AddPut(table, item, &batch), "put");
        ++items;
        if (batch.Count() == 10000) {
          Check(db->Write(&batch), "write");
          batch.Clear();
        }
      }
    }
    if (!batch.empty()) Check(db->Write(&batch), "write");
    const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();
    const auto compact_start = Clock::now();
    Check(db->Flush(), "flush");
    Check(db->CompactRange(storage::Cf::kItems, all.lower, all.upper), "compact");
    const double compact_s = std::chrono::duration<double>(Clock::now() - compact_start).count();
    std::printf("build: %.1f s load (%.0f items/s, sync=false, 10,000-item batches), %.1f s flush+compact\n", load_s,
                static_cast<double>(items) / load_s, compact_s);
  } else {
    std::printf("reusing %s (not loaded again)\n", dir.c_str());
  }
  std::printf("items: %llu (%d stations x %d days, 4 numeric attributes)\n",
              static_cast<unsigned long long>(static_cast<uint64_t>(flags.stations) * flags.days), flags.stations,
              flags.days);
  std::printf("items CF size: %.0f MB\n",
              static_cast<double>(db->ApproximateSize(storage::Cf::kItems, all.lower, all.upper)) / 1e6);

  // Station-month queries: months with 31 days, so each returns 31 items when days == 365.
  static constexpr int kLongMonths[] = {1, 3, 5, 7, 8, 10, 12};
  auto random_query = [&](std::mt19937_64& r) {
    QueryRequest q;
    q.partition = AttributeValue::S(StationId(static_cast<int>(r() % flags.stations)));
    const int month = kLongMonths[r() % 7];
    char from[32], to[32];
    std::snprintf(from, sizeof(from), "2023-%02d-01", month);
    std::snprintf(to, sizeof(to), "2023-%02d-31", month);
    q.condition = SortKeyCondition{SortKeyCondition::Op::kBetween, AttributeValue::S(from), AttributeValue::S(to)};
    return q;
  };
  std::mt19937_64 qrng(2);
  uint64_t returned = 0;
  for (int i = 0; i < std::min(flags.queries, 50000); ++i) {  // warm the block cache
    auto page = store.Query(table, random_query(qrng));
    Check(page.status(), "query");
    returned += page->items.size();
  }
  struct Side {
    const char* name;
    std::vector<double> p50, p99, cpu;  // per round
    uint64_t items = 0;
  };
  Side items_side{"items (Query -> Items)", {}, {}, {}}, json_side{"json (QueryStored -> typed JSON)", {}, {}, {}},
      bare_side{"bare (bounded iterator, no decoding)", {}, {}, {}};
  std::string json;
  json.reserve(1 << 16);
  StoredItemJsonWriter writer(table, {});
  auto run_items = [&](const QueryRequest& q) {
    auto page = store.Query(table, q);
    Check(page.status(), "query");
    return page->items.size();
  };
  auto run_json = [&](const QueryRequest& q) {
    json.clear();
    size_t n = 0;
    auto page = store.QueryStored(table, q, [&](std::string_view key, std::string_view value) {
      if (n++) json.push_back(',');
      return writer.Append(key, value, &json);
    });
    Check(page.status(), "query");
    return page->count;
  };
  auto run_bare = [&](const QueryRequest& q) {
    KeyRange range = *QueryRange(table, q.partition, q.condition);
    auto it = db->NewIterator(storage::Cf::kItems, range.lower, range.upper);
    size_t n = 0;
    for (it->Seek(range.lower); it->Valid(); it->Next()) n += it->value().size() > 0;
    return n;
  };
  auto measure = [&](Side* side, auto&& run, uint64_t seed) {
    std::mt19937_64 r(seed);  // every side gets the same queries in a round
    std::vector<double> latencies;
    latencies.reserve(flags.queries);
    const double cpu_start = CpuMicros();
    for (int i = 0; i < flags.queries; ++i) {
      QueryRequest q = random_query(r);
      const auto t0 = Clock::now();
      side->items += run(q);
      latencies.push_back(Micros(Clock::now() - t0));
    }
    side->cpu.push_back((CpuMicros() - cpu_start) / flags.queries);
    side->p50.push_back(Percentile(latencies, 0.5));
    side->p99.push_back(Percentile(latencies, 0.99));
  };
  for (int round = 0; round < flags.rounds; ++round) {
    const uint64_t seed = 100 + round;
    // Alternate the order, so a change in the machine's load does not favour one side.
    if (round % 2 == 0) {
      measure(&items_side, run_items, seed), measure(&json_side, run_json, seed), measure(&bare_side, run_bare, seed);
    } else {
      measure(&bare_side, run_bare, seed), measure(&json_side, run_json, seed), measure(&items_side, run_items, seed);
    }
  }
  auto best = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  std::printf("in-process station-month query, %d queries x %d rounds (%.1f items each):\n", flags.queries,
              flags.rounds, static_cast<double>(bare_side.items) / flags.queries / flags.rounds);
  for (Side* side : {&items_side, &json_side, &bare_side}) {
    std::printf("  %-38s best p50 %6.2f us  best p99 %6.2f us  CPU/query %6.2f us   rounds p50:", side->name,
                best(side->p50), best(side->p99), best(side->cpu));
    for (double v : side->p50) std::printf(" %.2f", v);
    std::printf("\n");
  }
  std::printf("  ratio to bare (best p50 / best p50, best p99 / best p99): items %.2fx / %.2fx, json %.2fx / %.2fx\n",
              best(items_side.p50) / best(bare_side.p50), best(items_side.p99) / best(bare_side.p99),
              best(json_side.p50) / best(bare_side.p50), best(json_side.p99) / best(bare_side.p99));
  db.reset();  // close the writer; the CLI opens the directory as a reader

  if (flags.cli_runs > 0 && std::filesystem::exists(flags.freshet)) {
    std::vector<double> runs;
    for (int i = 0; i < flags.cli_runs; ++i) {
      QueryRequest q = random_query(qrng);
      const std::string station = q.partition.scalar();
      const std::string from = q.condition->value.scalar(), to = q.condition->value2.scalar();
      std::vector<std::string> args = {flags.freshet, "--data-dir", dir,    "query", "--station", station,
                                       "--from",      from,         "--to", to,      "--output",  "jsonl"};
      std::vector<char*> argv_c;
      for (auto& a : args) argv_c.push_back(a.data());
      argv_c.push_back(nullptr);
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
      const auto t0 = Clock::now();
      pid_t pid;
      int status = 0;
      if (posix_spawn(&pid, flags.freshet.c_str(), &actions, nullptr, argv_c.data(), environ) == 0) {
        waitpid(pid, &status, 0);
      }
      runs.push_back(Micros(Clock::now() - t0) / 1000.0);
      posix_spawn_file_actions_destroy(&actions);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::fprintf(stderr, "freshet query failed\n");
    }
    std::printf(
        "whole process `freshet query --station S --from M-01 --to M-31 --output jsonl` (%d runs):\n"
        "  p50 %.1f ms  p90 %.1f ms\n",
        flags.cli_runs, Percentile(runs, 0.5), Percentile(runs, 0.9));
  } else if (flags.cli_runs > 0) {
    std::printf("whole process: skipped, no freshet binary at %s\n", flags.freshet.c_str());
  }
  if (flags.keep.empty()) std::filesystem::remove_all(dir);
  (void)returned;
  return 0;
}

}  // namespace
}  // namespace freshet::query

int main(int argc, char** argv) { return freshet::query::Main(argc, argv); }
