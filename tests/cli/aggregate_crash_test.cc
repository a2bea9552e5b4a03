// Kills a `freshet consume --pipeline weather-monthly` process (the aggregate target mode) at
// random moments, many times, restarts it, and checks after a final drain that the aggregate
// table and the dead letters are exactly those of one uninterrupted run over the same records:
// a count or sum that a kill made the consumer apply twice (or lose) would differ.
//
// FRESHET_CRASH_CYCLES sets the number of kills (default 30).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "tests/cli/crash_harness.h"

namespace freshet::test {
namespace {

// Observations of 30 stations over 12 months (so many records of a step hit the same group),
// about 1 in 50 unusable (no date, or a TMAX that is not a number) for the dead-letter path.
std::string MakeRecords(int n, std::mt19937& rng) {
  const char* elements[] = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string station = "US1MDMG" + std::to_string(1000 + rng() % 30);
    const unsigned month = 1 + rng() % 12;
    std::string date =
        "2017-" + std::string(month < 10 ? "0" : "") + std::to_string(month) + "-1" + std::to_string(rng() % 10);
    std::string value = (rng() % 4 == 0 ? "-" : "") + std::to_string(rng() % 300) + "." + std::to_string(rng() % 100);
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
             R"("})"
             "\n";
    }
  }
  return out;
}

TEST(AggregateCrashTest, KilledAggregateConsumerEndsExactlyAsAnUninterruptedRun) {
  const int cycles = CrashCycles(30);
  std::mt19937 rng(4242);
  TempDir dir;
  KilledAndReference dirs(dir.path());
  const DataDir &killed = dirs.killed, &reference = dirs.reference;
  ASSERT_TRUE(dirs.CreateStream("weather", 4));
  int killed_mid_run = 0;
  // At least `cycles` runs, and more (up to 4x) until a quarter of them were killed mid-run: on a
  // quiet machine a run may end before its kill, which proves nothing.
  int runs = 0;
  for (; runs < cycles || (killed_mid_run < cycles / 4 && runs < 4 * cycles); ++runs) {
    const std::string chunk = MakeRecords(1500, rng);
    ASSERT_TRUE(PutIntoEach({&killed, &reference}, "weather", chunk));
    ASSERT_TRUE(ConsumeAndKillAtRandom(killed, "weather-monthly", rng, dir.path(), &killed_mid_run));
  }
  ASSERT_TRUE(dirs.ConsumeBoth("weather-monthly"));
  EXPECT_GE(killed_mid_run, cycles / 4) << "kills should land while the consumer is working";
  std::printf("aggregate crash test: %d runs, %d killed mid-run\n", runs, killed_mid_run);

  auto expected = reference.Run({"table", "scan", "weather_monthly", "--output", "jsonl"});
  auto actual = killed.Run({"table", "scan", "weather_monthly", "--output", "jsonl"});
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  ASSERT_EQ(actual.exit_code, 0) << actual.err;
  auto expected_items = SortedLines(expected.out);
  EXPECT_EQ(expected_items.size(), 30u * 12);
  EXPECT_EQ(SortedLines(actual.out), expected_items);
  // The counts add up to every usable record put (none counted twice, none lost).
  uint64_t counted = 0;
  for (const auto& line : expected_items) {
    auto item = nlohmann::json::parse(line);
    for (const char* el : {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"}) {
      std::string name = std::string(el) + "_days";
      if (item.contains(name)) counted += item[name].get<uint64_t>();
    }
  }
  // Per run of 1500 records: ~1% without a date and ~1% with a text value are dead letters.
  EXPECT_GT(counted, static_cast<uint64_t>(runs) * 1400);
  EXPECT_LT(counted, static_cast<uint64_t>(runs) * 1500);
  auto dead_expected = reference.Run({"stream", "read", "weather-dlq", "--output", "jsonl"});
  auto dead_actual = killed.Run({"stream", "read", "weather-dlq", "--output", "jsonl"});
  ASSERT_EQ(dead_expected.exit_code, 0) << dead_expected.err;
  ASSERT_EQ(dead_actual.exit_code, 0) << dead_actual.err;
  EXPECT_EQ(SortedLines(dead_actual.out).size(), SortedLines(dead_expected.out).size());
  EXPECT_GT(SortedLines(dead_expected.out).size(), static_cast<size_t>(runs) * 15);
}

}  // namespace
}  // namespace freshet::test
