// Throughput through the owner: 4 concurrent `freshet stream put --file` clients writing through
// `freshet serve`, against one `stream put --file` process writing the same records alone
// (each batch of 500 synced in both), and the latency of `freshet query` as a whole process,
// run repeatedly while the 4 clients write. Prints records/s, the ratio, and query p50/p99.
//
// Usage: owner_bench [--records-per-client N]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "bench/bench_util.h"

namespace {

const char* Bin() {
  const char* env = std::getenv("FRESHET_BIN");
  return env ? env : FRESHET_BIN_PATH;
}

// Runs freshet with `args`, stdin from `in` (or /dev/null), output discarded. Returns the pid.
pid_t Start(const std::vector<std::string>& args, const std::string& in = "/dev/null") {
  std::fflush(stdout);  // or the child would print our buffered output again
  pid_t pid = fork();
  if (pid == 0) {
    freopen(in.c_str(), "r", stdin);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    std::vector<char*> argv{const_cast<char*>(Bin())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(Bin(), argv.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void MustRun(const std::vector<std::string>& args, const std::string& in = "/dev/null") {
  if (Wait(Start(args, in)) != 0) {
    std::fprintf(stderr, "command failed: freshet");
    for (auto& a : args) std::fprintf(stderr, " %s", a.c_str());
    std::fprintf(stderr, "\n");
    std::exit(1);
  }
}

void WriteRecords(const std::string& path, int client, int n) {
  std::ofstream out(path);
  std::string pad(140, 'x');
  for (int i = 0; i < n; ++i) {
    out << R"({"k":"c)" << client << "-" << (i % 997) << R"(","i":)" << i << R"(,"pad":")" << pad << "\"}\n";
  }
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(p * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int per_client = 50000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--records-per-client") && i + 1 < argc) per_client = std::atoi(argv[++i]);
  }
  constexpr int kClients = 4;
  freshet::bench::BenchDir dir("owner");
  const std::string data = dir.path() + "/data";
  std::vector<std::string> inputs;
  for (int c = 0; c < kClients; ++c) {
    inputs.push_back(dir.path() + "/in" + std::to_string(c));
    WriteRecords(inputs.back(), c, per_client);
  }
  std::string all = dir.path() + "/all";
  {
    std::ofstream out(all);
    for (auto& in : inputs) out << std::ifstream(in).rdbuf();
  }
  std::printf("machine: %s\n", freshet::bench::Machine().c_str());
  std::printf("workload: %d clients x %d records (~180 bytes), batches of 500, synced\n", kClients, per_client);

  // One process writing everything alone (it opens the directory itself: no owner).
  MustRun({"--data-dir", data, "stream", "create", "alone", "--shards", "4"});
  auto start = std::chrono::steady_clock::now();
  MustRun({"--data-dir", data, "stream", "put", "alone", "--file", all, "--partition-key-field", "k", "--output",
           "summary"});
  double alone = kClients * per_client / freshet::bench::Seconds(start);

  // A weather table for the queries, then the owner and 4 concurrent clients.
  MustRun({"--data-dir", data, "stream", "create", "shared", "--shards", "4"});
  MustRun({"--data-dir", data, "table", "create", "weather", "--partition-key", "station:S", "--sort-key", "date:S"});
  std::string items = dir.path() + "/items";
  {
    std::ofstream out(items);
    for (int d = 1; d <= 31; ++d) {
      out << R"({"station":"USW00093721","date":"2020-01-)" << (d < 10 ? "0" : "") << d
          << R"(","PRCP":1.5,"TMAX":3.25})"
          << "\n";
    }
  }
  MustRun({"--data-dir", data, "table", "put", "weather", "--file", items});
  pid_t owner = Start({"--data-dir", data, "serve"});
  for (int i = 0; i < 400 && !std::filesystem::exists(data + "/freshet.sock"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::atomic<bool> loading{true};
  std::vector<double> latencies_ms;
  std::thread queries([&] {
    while (loading) {
      auto t = std::chrono::steady_clock::now();
      Wait(Start(
          {"--data-dir", data, "query", "--station", "USW00093721", "--from", "2020-01-01", "--to", "2020-01-31"}));
      latencies_ms.push_back(freshet::bench::Seconds(t) * 1000);
    }
  });
  start = std::chrono::steady_clock::now();
  std::vector<pid_t> clients;
  for (auto& in : inputs) {
    clients.push_back(Start({"--data-dir", data, "stream", "put", "shared", "--file", in, "--partition-key-field", "k",
                             "--output", "summary"}));
  }
  int failed = 0;
  for (pid_t c : clients) failed += Wait(c) != 0;
  double through_owner = kClients * per_client / freshet::bench::Seconds(start);
  loading = false;
  queries.join();
  kill(owner, SIGTERM);
  Wait(owner);
  if (failed) {
    std::fprintf(stderr, "%d clients failed\n", failed);
    return 1;
  }
  std::printf("one process alone:         %10.0f records/s\n", alone);
  std::printf("4 clients through owner:   %10.0f records/s (ratio %.2f; target >= 0.50)\n", through_owner,
              through_owner / alone);
  std::printf("freshet query under load:  p50 %.1f ms, p99 %.1f ms over %zu runs (target p99 < 50 ms)\n",
              Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99), latencies_ms.size());
  return 0;
}
