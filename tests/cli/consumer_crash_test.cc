// Kills a consuming `freshet consume` process at random moments, many times, restarts it, and
// checks after a final drain that the tables and the dead-letter stream are exactly those of
// one uninterrupted run over the same records: nothing lost, nothing applied twice.
//
// FRESHET_CRASH_CYCLES sets the number of kills (default 30).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "tests/cli/process.h"

namespace freshet::test {
namespace {

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Weather observation records, with about 1 in 50 unusable (no date, or a value that is not a
// number) so the dead-letter path is exercised too.
std::string MakeRecords(int n, std::mt19937& rng) {
  const char* elements[] = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string station = "US1MDMG" + std::to_string(1000 + rng() % 40);
    std::string date = "2017-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10);
    std::string value = std::to_string(rng() % 300) + "." + std::to_string(rng() % 10);
    int kind = static_cast<int>(rng() % 100);
    if (kind == 0) {
      out += R"({"station":")" + station +
             R"(","element":"PRCP","value":"1"})"
             "\n";
    } else if (kind == 1) {
      out += R"({"station":")" + station + R"(","date":")" + date +
             R"(","element":"TMAX","value":"warm"})"
             "\n";
    } else {
      out += R"({"station":")" + station + R"(","date":")" + date + R"(","element":")" + elements[rng() % 5] +
             R"(","value":")" + value +
             R"(","sflag":"N"})"
             "\n";
    }
  }
  return out;
}

struct DataDir {
  std::string path;
  ProcessResult Run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--data-dir", path});
    return RunFreshet(args, input);
  }
};

// Dead letters as (source shard, source sequence number, reason), sorted.
std::vector<std::string> DeadLetters(const DataDir& d) {
  auto r = d.Run({"stream", "read", "weather-dlq", "--output", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  for (const auto& line : SortedLines(r.out)) {
    auto rec = nlohmann::json::parse(nlohmann::json::parse(line)["data"].get<std::string>());
    out.push_back(rec["shard_id"].get<std::string>() + "/" + rec["sequence_number"].get<std::string>() + "/" +
                  rec["reason"].get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ConsumerCrashTest, KilledConsumerEndsExactlyAsAnUninterruptedRun) {
  const char* env = std::getenv("FRESHET_CRASH_CYCLES");
  const int cycles = env ? std::atoi(env) : 30;
  std::mt19937 rng(12345);
  TempDir dir;
  DataDir killed{dir.path() + "/killed"}, reference{dir.path() + "/reference"};

  for (const DataDir* d : {&killed, &reference}) {
    ASSERT_EQ(d->Run({"stream", "create", "weather", "--shards", "4"}).exit_code, 0);
  }
  int killed_mid_run = 0;
  for (int i = 0; i < cycles; ++i) {
    // New records before every run, the same into both directories, so every run has work to do
    // however fast the machine is.
    const std::string chunk = MakeRecords(1500, rng);
    for (const DataDir* d : {&killed, &reference}) {
      auto put = d->Run({"--no-sync", "stream", "put", "weather", "--file", "-", "--partition-key-field", "station",
                         "--output", "summary"},
                        chunk);
      ASSERT_EQ(put.exit_code, 0) << put.err;
    }
    pid_t pid = StartFreshet(
        {"--data-dir", killed.path, "consume", "--pipeline", "weather", "--batch", std::to_string(5 + rng() % 40)}, "",
        dir.path() + "/consume.out", dir.path() + "/consume.err");
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 150));
    kill(pid, SIGKILL);
    int code = WaitExit(pid);
    if (code == 128 + SIGKILL)
      ++killed_mid_run;
    else
      ASSERT_EQ(code, 0) << ReadFile(dir.path() + "/consume.err");
    // After every kill: each cursor is at or below its shard's tip.
    auto status = killed.Run({"consumer", "status", "weather", "--output", "json"});
    if (status.exit_code == 3) continue;  // killed before its first commit: no cursor yet
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const nlohmann::json parsed = nlohmann::json::parse(status.out);  // keep the document alive
    for (auto& shard : parsed["shards"]) {
      if (shard["cursor"].is_null()) continue;
      EXPECT_LE(std::stoull(shard["cursor"].get<std::string>()), std::stoull(shard["tip"].get<std::string>()));
    }
  }
  auto full = reference.Run({"consume", "--pipeline", "weather"});  // one uninterrupted run
  ASSERT_EQ(full.exit_code, 0) << full.err;
  auto drain = killed.Run({"consume", "--pipeline", "weather"});
  ASSERT_EQ(drain.exit_code, 0) << drain.err;
  EXPECT_GE(killed_mid_run, cycles / 4) << "kills should land while the consumer is working";
  std::printf("consumer crash test: %d runs, %d killed mid-run\n", cycles, killed_mid_run);

  auto expected = reference.Run({"table", "scan", "weather", "--output", "jsonl"});
  auto actual = killed.Run({"table", "scan", "weather", "--output", "jsonl"});
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  ASSERT_EQ(actual.exit_code, 0) << actual.err;
  auto expected_items = SortedLines(expected.out);
  EXPECT_GT(expected_items.size(), 1000u);
  EXPECT_EQ(SortedLines(actual.out), expected_items);
  auto expected_dead = DeadLetters(reference);
  EXPECT_GT(expected_dead.size(), 50u);
  EXPECT_EQ(DeadLetters(killed), expected_dead);
}

}  // namespace
}  // namespace freshet::test
