// The black-box crash tester: a writer child (`stream put --file - --output jsonl`) and a
// consumer child (`consume --follow`, the directory's owner, which the writer goes through)
// are SIGKILLed, one or both, at random moments, and restarted, many times.
//
// After every cycle it checks: every acknowledged record is in the log exactly once, with its
// data, at the shard and sequence number it was acknowledged with; sequence numbers strictly
// increase within each shard; every cursor is at or below its shard's tip. At the end, after the
// writer has put everything and a final drain, the killed consumer's table and dead letters
// must equal those of one uninterrupted consumer run over the same log.
//
// FRESHET_CRASH_CYCLES sets the number of cycles (default 50; README notes the longest run).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "tests/cli/crash_harness.h"

namespace freshet::test {
namespace {

using nlohmann::json;

std::string Spec(const std::string& consumer) {
  return R"({"consumer":")" + consumer + R"(","stream":"weather","dead_letter_stream":"dlq-)" + consumer +
         R"(","create_if_missing":true,"targets":[{"table":"table-)" + consumer +
         R"(","key_schema":{"partition_key":"station:S","sort_key":"date:S"},"mode":"merge",
         "key":{"station":"station","date":"date"},"attributes":{"{element}":{"field":"value","type":"N"},
         "last_id":{"field":"id","type":"N"}}}]})";
}

std::vector<std::string> MakeRecords(int n, std::mt19937& rng) {
  const char* elements[] = {"PRCP", "SNOW", "TMAX", "TMIN"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string station = "USC00" + std::to_string(180000 + rng() % 60);
    std::string date = "2018-0" + std::to_string(1 + rng() % 9) + "-2" + std::to_string(rng() % 8);
    std::string value = rng() % 60 == 0 ? "\"n/a\"" : "\"" + std::to_string(rng() % 400) + "\"";
    std::string date_field = rng() % 80 == 0 ? "" : R"("date":")" + date + "\",";
    out.push_back(R"({"id":)" + std::to_string(i) + R"(,"station":")" + station + "\"," + date_field +
                  R"("element":")" + elements[rng() % 4] + R"(","value":)" + value + "}");
  }
  return out;
}

class CrashTest : public ::testing::Test {
 protected:
  std::string data() const { return dir_.path() + "/data"; }
  ProcessResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", data()});
    return RunFreshet(args);
  }
  pid_t StartConsumer() {
    std::filesystem::remove(data() + "/freshet.sock");  // a killed owner leaves it; so would a client
    pid_t pid = StartFreshet(
        {"--data-dir", data(), "consume", "--pipeline", dir_.path() + "/crash.json", "--follow", "--batch", "50"}, "",
        dir_.path() + "/consumer.out", dir_.path() + "/consumer.err");
    children_.push_back(pid);
    WaitForOwnerSocket(data());  // a writer started before it would find the directory locked
    return pid;
  }
  // Lines of `path` that are complete (a killed writer may leave half a line).
  static std::vector<std::string> CompleteLines(const std::string& path) {
    std::string text = ReadFile(path);
    std::vector<std::string> lines;
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
      lines.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    return lines;
  }
  void CheckLog(const std::map<std::pair<std::string, std::string>, std::string>& acked) {
    auto read = Run({"stream", "read", "weather", "--output", "jsonl"});
    ASSERT_EQ(read.exit_code, 0) << read.err;
    std::map<std::pair<std::string, std::string>, std::string> log;
    std::map<std::string, uint64_t> last_seq;
    std::stringstream lines(read.out);
    std::string line;
    while (std::getline(lines, line)) {
      auto r = json::parse(line);
      std::string shard = r["shard_id"], seq = r["sequence_number"];
      uint64_t n = std::stoull(seq);
      ASSERT_GT(n, last_seq[shard]) << "sequence numbers must strictly increase in " << shard;
      last_seq[shard] = n;
      ASSERT_TRUE(log.emplace(std::make_pair(shard, seq), r["data"].get<std::string>()).second);
    }
    for (const auto& [id, data] : acked) {
      auto it = log.find(id);
      ASSERT_NE(it, log.end()) << "acknowledged record lost: " << id.first << "/" << id.second;
      ASSERT_EQ(it->second, data);
    }
    auto status = Run({"consumer", "status", "crash", "--output", "json"});
    if (status.exit_code == 0) {
      const json parsed = json::parse(status.out);  // a range-for over a temporary's member would dangle
      for (auto& s : parsed["shards"]) {
        if (!s["cursor"].is_null()) {
          EXPECT_LE(std::stoull(s["cursor"].get<std::string>()), std::stoull(s["tip"].get<std::string>()));
        }
      }
    }
  }
  std::vector<std::string> Sorted(const std::vector<std::string>& args, bool dead_letters) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    std::stringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      out.push_back(dead_letters ? DeadLetterOrigin(line) : line);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void TearDown() override {
    for (pid_t pid : children_) kill(pid, SIGKILL);  // an early failure must not leave an owner running
    for (pid_t pid : children_) WaitExit(pid);
    // FRESHET_CRASH_KEEP=DIR keeps the data directory and the children's output of a failed run.
    const char* keep = std::getenv("FRESHET_CRASH_KEEP");
    if (keep && HasFailure()) std::filesystem::rename(dir_.path(), keep);
  }
  TempDir dir_;
  std::vector<pid_t> children_;
};

TEST_F(CrashTest, KillWriterAndConsumerAtRandomMomentsNothingLostNothingTwice) {
  const int cycles = CrashCycles(50);
  std::mt19937 rng(20261122);
  std::ofstream(dir_.path() + "/crash.json") << Spec("crash");
  std::ofstream(dir_.path() + "/reference.json") << Spec("reference");
  ASSERT_EQ(Run({"stream", "create", "weather", "--shards", "4"}).exit_code, 0);
  const std::vector<std::string> records = MakeRecords(std::max(6000, cycles * 120), rng);

  std::map<std::pair<std::string, std::string>, std::string> acked;  // (shard, seq) -> data
  size_t next = 0;                                                   // first record not yet acknowledged
  pid_t consumer = StartConsumer();
  int kills[3] = {0, 0, 0};  // writer, consumer, both
  for (int cycle = 0; cycle < cycles || next < records.size(); ++cycle) {
    if (consumer == 0) consumer = StartConsumer();
    std::string input;
    size_t chunk = cycle < cycles ? std::min(records.size(), next + 200 + rng() % 600) : records.size();
    for (size_t i = next; i < chunk; ++i) input += records[i] + "\n";
    std::ofstream(dir_.path() + "/input") << input;
    // Emptied here, not by the child: a writer killed before it opens its output must not leave
    // the previous cycle's acknowledgements in place.
    std::ofstream(dir_.path() + "/acks", std::ios::trunc).close();
    pid_t writer =
        StartFreshet({"--data-dir", data(), "stream", "put", "weather", "--file", "-", "--partition-key-field",
                      "station", "--batch", std::to_string(1 + rng() % 60), "--output", "jsonl"},
                     dir_.path() + "/input", dir_.path() + "/acks", dir_.path() + "/writer.err");
    int mode = cycle < cycles ? static_cast<int>(rng() % 3) : -1;
    if (mode >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
      if (mode != 1) kill(writer, SIGKILL);
      if (mode != 0) kill(consumer, SIGKILL);
      if (mode != 0) {
        WaitExit(consumer);
        consumer = 0;
      }
      ++kills[mode];
    }
    int code = WaitExit(writer);  // killed, finished, or cut off by the owner's death
    EXPECT_TRUE(code == 0 || code == 128 + SIGKILL || (mode >= 1 && code != 0))
        << "writer exit " << code << ": " << ReadFile(dir_.path() + "/writer.err");
    // Acknowledgements arrive in input order: record them and resume after the last.
    for (const std::string& line : CompleteLines(dir_.path() + "/acks")) {
      auto ack = json::parse(line);
      auto id = std::make_pair(ack["shard_id"].get<std::string>(), ack["sequence_number"].get<std::string>());
      ASSERT_TRUE(acked.emplace(id, records[next]).second)
          << "cycle " << cycle << " mode " << mode << ": acknowledged twice: " << line << "\nfirst: " << acked[id]
          << "\nnow: " << records[next] << "\nwriter: " << ReadFile(dir_.path() + "/writer.err")
          << "\nconsumer: " << ReadFile(dir_.path() + "/consumer.err");
      ++next;
    }
    if (consumer == 0) consumer = StartConsumer();  // checks go through a live owner, too
    CheckLog(acked);
    if (HasFatalFailure()) return;
  }
  ASSERT_EQ(next, records.size());
  kill(consumer, SIGTERM);
  ASSERT_EQ(WaitExit(consumer), 0) << ReadFile(dir_.path() + "/consumer.err");
  ASSERT_EQ(Run({"consume", "--pipeline", dir_.path() + "/crash.json"}).exit_code, 0);
  auto reference = Run({"consume", "--pipeline", dir_.path() + "/reference.json"});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  auto killed_items = Sorted({"table", "scan", "table-crash", "--output", "jsonl"}, false);
  auto reference_items = Sorted({"table", "scan", "table-reference", "--output", "jsonl"}, false);
  EXPECT_GT(reference_items.size(), 1000u);
  EXPECT_EQ(killed_items, reference_items);
  auto killed_dead = Sorted({"stream", "read", "dlq-crash", "--output", "jsonl"}, true);
  auto reference_dead = Sorted({"stream", "read", "dlq-reference", "--output", "jsonl"}, true);
  EXPECT_GT(reference_dead.size(), 50u);
  EXPECT_EQ(killed_dead, reference_dead);
  std::printf("crash test: %d cycles (writer killed %d, consumer %d, both %d), %zu records acknowledged\n", cycles,
              kills[0], kills[1], kills[2], acked.size());
}

}  // namespace
}  // namespace freshet::test
