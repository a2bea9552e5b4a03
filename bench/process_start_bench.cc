// Process start: what a one-shot `freshet` command costs as a whole process, beside the cost of
// starting any process at all.
//
//   process_start_bench [--runs N] [--stations S] [--freshet PATH]
//
// Times, N times each (default 100), alternating so load changes hit all sides alike:
//   /bin/true                                   (fork + exec + exit: the floor)
//   freshet --version                           (dynamic loading, relocations, static initializers)
//   freshet query --station S --from M-01 --to M-31 --output jsonl
//                                               (one station-month, 31 items, from a table of
//                                                S stations x 365 days built here first)
// and prints p50 and p99 of each. Targets (issue 16): query p50 under 15 ms, --version under 5 ms.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "query/table_store.h"
#include "storage/db.h"

extern char** environ;

namespace freshet::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Runs argv (stdout to /dev/null); returns the wall time in ms, or -1 if it failed.
double TimeRun(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const auto t0 = Clock::now();
  pid_t pid;
  int status = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  posix_spawn_file_actions_destroy(&actions);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

int Main(int argc, char** argv) {
  int runs = 100, stations = 1000;
  const char* bin = std::getenv("FRESHET_BIN");
  std::string freshet = bin ? bin : FRESHET_BIN_PATH;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--runs")
      runs = std::stoi(value);
    else if (name == "--stations")
      stations = std::stoi(value);
    else if (name == "--freshet")
      freshet = value;
    else
      std::fprintf(stderr, "unknown flag %s\n", name.c_str()), std::exit(2);
  }
  std::printf("machine: %s\n", Machine().c_str());
  BenchDir dir("process-start");
  const std::string data = dir.path() + "/data";
  {
    storage::OpenOptions options;
    options.sync = false;
    auto db = storage::Db::Open(data, options);
    Check(db.status(), "open");
    query::TableStore store(db->get());
    auto table = store.Create(*query::TableFromFlags("weather", "station:S", "date:S"));
    Check(table.status(), "create");
    storage::Batch batch;
    char station[32], date[32];
    for (int s = 0; s < stations; ++s) {
      std::snprintf(station, sizeof(station), "USC%08d", s);
      for (int d = 0; d < 365; ++d) {
        std::snprintf(date, sizeof(date), "2023-%02d-%02d", 1 + d / 31, 1 + d % 31);
        query::Item item;
        item.AppendSorted("TMAX", query::AttributeValue::N(std::to_string(d % 40) + ".5"));
        item.AppendSorted("TMIN", query::AttributeValue::N(std::to_string(d % 20) + ".5"));
        item.AppendSorted("date", query::AttributeValue::S(date));
        item.AppendSorted("station", query::AttributeValue::S(station));
        Check(store.AddPut(*table, item, &batch), "put");
        if (batch.Count() == 10000) {
          Check((*db)->Write(&batch), "write");
          batch.Clear();
        }
      }
    }
    if (!batch.empty()) Check((*db)->Write(&batch), "write");
    Check((*db)->Flush(), "flush");
  }
  std::printf("table: %d stations x 365 days = %d items; %d runs of each, alternating\n", stations, stations * 365,
              runs);
  std::vector<double> t_true, t_version, t_query;
  int failed = 0;
  for (int i = 0; i < runs; ++i) {
    char station[32];
    std::snprintf(station, sizeof(station), "USC%08d", (i * 7919) % stations);
    const double a = TimeRun({"/bin/true"});
    const double b = TimeRun({freshet, "--version"});
    const double c = TimeRun({freshet, "--data-dir", data, "query", "--station", station, "--from", "2023-03-01",
                              "--to", "2023-03-31", "--output", "jsonl"});
    if (a < 0 || b < 0 || c < 0) ++failed;
    t_true.push_back(a);
    t_version.push_back(b);
    t_query.push_back(c);
  }
  if (failed) std::printf("WARNING: %d runs failed (exit status not 0)\n", failed);
  auto row = [](const char* what, const std::vector<double>& v) {
    std::printf("  %-58s p50 %6.2f ms  p99 %6.2f ms\n", what, Percentile(v, 0.5), Percentile(v, 0.99));
  };
  row("/bin/true", t_true);
  row("freshet --version", t_version);
  row("freshet query (one station-month, 31 items, jsonl)", t_query);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace freshet::bench

int main(int argc, char** argv) { return freshet::bench::Main(argc, argv); }
