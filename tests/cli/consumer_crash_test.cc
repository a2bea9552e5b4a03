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

#include "tests/cli/crash_harness.h"

namespace freshet::test {
namespace {

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

// Dead letters as (source shard, source sequence number, reason), sorted.
std::vector<std::string> DeadLetters(const DataDir& d) {
  auto r = d.Run({"stream", "read", "weather-dlq", "--output", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  for (const auto& line : SortedLines(r.out)) out.push_back(DeadLetterOrigin(line));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ConsumerCrashTest, KilledConsumerEndsExactlyAsAnUninterruptedRun) {
  const int cycles = CrashCycles(30);
  std::mt19937 rng(12345);
  TempDir dir;
  KilledAndReference dirs(dir.path());
  const DataDir &killed = dirs.killed, &reference = dirs.reference;
  ASSERT_TRUE(dirs.CreateStream("weather", 4));
  int killed_mid_run = 0;
  // At least `cycles` runs, and more (up to 4x) until a quarter of them were killed mid-run: on a
  // quiet machine a run may end before its kill, which proves nothing.
  int runs = 0;
  for (; runs < cycles || (killed_mid_run < cycles / 4 && runs < 4 * cycles); ++runs) {
    // New records before every run, the same into both directories, so every run has work to do
    // however fast the machine is.
    const std::string chunk = MakeRecords(1500, rng);
    ASSERT_TRUE(PutIntoEach({&killed, &reference}, "weather", chunk));
    ASSERT_TRUE(ConsumeAndKillAtRandom(killed, "weather", rng, dir.path(), &killed_mid_run));
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
  ASSERT_TRUE(dirs.ConsumeBoth("weather"));
  EXPECT_GE(killed_mid_run, cycles / 4) << "kills should land while the consumer is working";
  std::printf("consumer crash test: %d runs, %d killed mid-run\n", runs, killed_mid_run);

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
