// The kill-and-restart harness shared by the crash tests in tests/cli (crash_test.cc,
// consumer_crash_test.cc, aggregate_crash_test.cc) and the owner test: data directories to run
// freshet against, a consumer SIGKILLed at a random moment, waiting for an owner's socket, and the
// sorted views of tables and dead letters the tests compare between a killed and a reference run.
//
// Thread-safety: single-threaded tests only (the helpers fork and wait for children).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/process.h"

namespace freshet::test {

// A data directory; Run runs `freshet --data-dir <path> args...` to completion.
struct DataDir {
  std::string path;
  ProcessResult Run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--data-dir", path});
    return RunFreshet(args, input);
  }
};

// The number of kill cycles: FRESHET_CRASH_CYCLES if set, else `default_cycles`.
inline int CrashCycles(int default_cycles) {
  const char* env = std::getenv("FRESHET_CRASH_CYCLES");
  return env ? std::atoi(env) : default_cycles;
}

// The lines of `text`, sorted.
inline std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Where a dead letter's record came from and why ("shard/sequence/reason"), not where the letter
// went: `line` is one line of `stream read <dead-letter stream> --output jsonl`.
inline std::string DeadLetterOrigin(const std::string& line) {
  auto letter = nlohmann::json::parse(nlohmann::json::parse(line)["data"].get<std::string>());
  return letter["shard_id"].get<std::string>() + "/" + letter["sequence_number"].get<std::string>() + "/" +
         letter["reason"].get<std::string>();
}

// Puts `records` (JSON lines, partitioned by "station", not synced) into `stream` of each of `dirs`.
inline ::testing::AssertionResult PutIntoEach(std::initializer_list<const DataDir*> dirs, const std::string& stream,
                                              const std::string& records) {
  for (const DataDir* d : dirs) {
    auto put = d->Run({"--no-sync", "stream", "put", stream, "--file", "-", "--partition-key-field", "station",
                       "--output", "summary"},
                      records);
    if (put.exit_code != 0) return ::testing::AssertionFailure() << d->path << ": " << put.err;
  }
  return ::testing::AssertionSuccess();
}

// Starts `freshet consume --pipeline <pipeline> --batch <5..44>` in `dir` and SIGKILLs it after 5
// to 154 ms. Success when the kill landed mid-run (then ++*killed_mid_run) or the run had finished
// (exit 0); failure with its stderr otherwise. Its output goes to <io_dir>/consume.out and .err.
inline ::testing::AssertionResult ConsumeAndKillAtRandom(const DataDir& dir, const std::string& pipeline,
                                                         std::mt19937& rng, const std::string& io_dir,
                                                         int* killed_mid_run) {
  pid_t pid = StartFreshet(
      {"--data-dir", dir.path, "consume", "--pipeline", pipeline, "--batch", std::to_string(5 + rng() % 40)}, "",
      io_dir + "/consume.out", io_dir + "/consume.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 150));
  kill(pid, SIGKILL);
  const int code = WaitExit(pid);
  if (code == 128 + SIGKILL) {
    ++*killed_mid_run;
  } else if (code != 0) {
    return ::testing::AssertionFailure() << "consume exited " << code << ": " << ReadFile(io_dir + "/consume.err");
  }
  return ::testing::AssertionSuccess();
}

// Two data directories fed the same records: `killed`, whose consumer is killed at random moments,
// and `reference`, consumed once, uninterrupted, at the end.
struct KilledAndReference {
  explicit KilledAndReference(const std::string& root) : killed{root + "/killed"}, reference{root + "/reference"} {}

  // Creates stream `name` with `shards` shards in both.
  ::testing::AssertionResult CreateStream(const std::string& name, int shards) const {
    for (const DataDir* d : {&killed, &reference}) {
      auto r = d->Run({"stream", "create", name, "--shards", std::to_string(shards)});
      if (r.exit_code != 0) return ::testing::AssertionFailure() << d->path << ": " << r.err;
    }
    return ::testing::AssertionSuccess();
  }
  // Runs `consume --pipeline <pipeline>` to the end in both: the reference's one uninterrupted
  // run, and the killed directory's final drain.
  ::testing::AssertionResult ConsumeBoth(const std::string& pipeline) const {
    for (const DataDir* d : {&reference, &killed}) {
      auto r = d->Run({"consume", "--pipeline", pipeline});
      if (r.exit_code != 0) return ::testing::AssertionFailure() << d->path << ": " << r.err;
    }
    return ::testing::AssertionSuccess();
  }

  DataDir killed, reference;
};

// Waits up to 30 s (sanitizer builds start slowly) for the owner's socket in `data_dir`; true if it
// is there. A client started before it exists would open the directory itself and find it locked.
inline bool WaitForOwnerSocket(const std::string& data_dir) {
  const std::string socket = data_dir + "/freshet.sock";
  for (int i = 0; i < 6000 && !std::filesystem::exists(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::filesystem::exists(socket);
}

}  // namespace freshet::test
