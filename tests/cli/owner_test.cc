// `freshet serve` as the owner of a data directory, with several clients at once: concurrent
// `stream put` processes and `freshet query` processes beside a weather consumer; stopping the
// owner with SIGTERM and with SIGKILL.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/cli/crash_harness.h"

namespace freshet::test {
namespace {

using nlohmann::json;

class OwnerTest : public ::testing::Test {
 protected:
  std::string data() const { return dir_.path() + "/data"; }
  ProcessResult Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", data()});
    return RunFreshet(args, input);
  }
  pid_t StartServe() {
    pid_t pid = StartFreshet({"--data-dir", data(), "serve", "--pipeline", "weather"}, "", dir_.path() + "/serve.out",
                             dir_.path() + "/serve.err");
    EXPECT_TRUE(WaitForOwnerSocket(data())) << ReadFile(dir_.path() + "/serve.err");
    return pid;
  }
  // Observation records for stations of one writer, with values derived from the station and day.
  static std::string Records(int writer, int stations, int days) {
    std::string out;
    for (int s = 0; s < stations; ++s) {
      for (int d = 1; d <= days; ++d) {
        // Appends, not "W" + std::to_string(...): GCC 12 at -O3 raises a -Wrestrict false positive
        // inside operator+(const char*, std::string&&) (GCC bug 105329).
        std::string station = "W";
        station.append(std::to_string(writer)).append("S").append(std::to_string(s));
        std::string date = "2020-03-";
        date.append(d < 10 ? "0" : "").append(std::to_string(d));
        for (const char* e : {"PRCP", "TMAX"}) {
          out += R"({"station":")" + station + R"(","date":")" + date + R"(","element":")" + e + R"(","value":")" +
                 std::to_string(writer * 1000 + s * 10 + d) + "\"}\n";
        }
      }
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(OwnerTest, ConcurrentPutsAndQueriesThroughTheOwner) {
  ASSERT_EQ(Run({"stream", "create", "weather", "--shards", "4"}).exit_code, 0);
  pid_t owner = StartServe();
  constexpr int kWriters = 3, kStations = 10, kDays = 20;
  std::vector<pid_t> writers;
  for (int w = 0; w < kWriters; ++w) {
    std::string in = dir_.path() + "/in" + std::to_string(w);
    std::ofstream(in) << Records(w, kStations, kDays);
    writers.push_back(StartFreshet({"--data-dir", data(), "stream", "put", "weather", "--file", "-",
                                    "--partition-key-field", "station", "--batch", "37", "--output", "jsonl"},
                                   in, dir_.path() + "/acks" + std::to_string(w),
                                   dir_.path() + "/err" + std::to_string(w)));
  }
  // Queries while the writers run: every item returned is consistent (values as written).
  int queries = 0;
  for (int i = 0; i < 12; ++i) {
    int w = i % kWriters, s = i % kStations;
    std::string station = "W" + std::to_string(w) + "S" + std::to_string(s);
    auto q = Run({"query", "--station", station, "--from", "2020-03-01", "--to", "2020-03-31", "--output", "jsonl"});
    ASSERT_EQ(q.exit_code, 0) << q.err;
    std::stringstream lines(q.out);
    std::string line;
    while (std::getline(lines, line)) {
      auto item = json::parse(line);
      int day = std::stoi(item["date"].get<std::string>().substr(8));
      double expected = w * 1000 + s * 10 + day;
      for (const char* e : {"PRCP", "TMAX"}) {
        if (item.contains(e)) {
          EXPECT_EQ(item[e].get<double>(), expected) << line;
        }
      }
    }
    ++queries;
  }
  EXPECT_EQ(queries, 12);
  std::set<std::pair<std::string, std::string>> acked;
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_EQ(WaitExit(writers[w]), 0) << ReadFile(dir_.path() + "/err" + std::to_string(w));
    std::stringstream lines(ReadFile(dir_.path() + "/acks" + std::to_string(w)));
    std::string line;
    while (std::getline(lines, line)) {
      auto ack = json::parse(line);
      auto id = std::make_pair(ack["shard_id"].get<std::string>(), ack["sequence_number"].get<std::string>());
      EXPECT_TRUE(acked.insert(id).second) << "acknowledged twice: " << line;
    }
  }
  const size_t total = kWriters * kStations * kDays * 2;
  ASSERT_EQ(acked.size(), total);
  // Every acknowledged record is in the log exactly once.
  auto read = Run({"stream", "read", "weather", "--output", "jsonl"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  std::multiset<std::pair<std::string, std::string>> stored;
  std::stringstream lines(read.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto r = json::parse(line);
    stored.insert({r["shard_id"].get<std::string>(), r["sequence_number"].get<std::string>()});
  }
  EXPECT_EQ(stored.size(), total);
  for (const auto& a : acked) EXPECT_EQ(stored.count(a), 1u);
  // ... and in the table within a second.
  size_t items = 0;
  for (int i = 0; i < 50; ++i) {
    auto d = Run({"table", "describe", "weather", "--output", "json"});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    items = json::parse(d.out)["item_count"].get<size_t>();
    if (items == total / 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(items, total / 2);

  kill(owner, SIGTERM);
  EXPECT_EQ(WaitExit(owner), 0) << ReadFile(dir_.path() + "/serve.err");
  EXPECT_FALSE(std::filesystem::exists(data() + "/freshet.sock"));
  // The next command uses the directory without help.
  auto after = Run({"stream", "put", "weather", "--partition-key", "k", "--data", "{}"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
}

TEST_F(OwnerTest, KilledOwnerLeavesAUsableDirectory) {
  ASSERT_EQ(Run({"stream", "create", "weather"}).exit_code, 0);
  pid_t owner = StartServe();
  auto put = Run({"stream", "put", "weather", "--file", "-", "--partition-key-field", "station", "--output", "jsonl"},
                 Records(0, 2, 5));
  ASSERT_EQ(put.exit_code, 0) << put.err;
  kill(owner, SIGKILL);
  WaitExit(owner);
  ASSERT_TRUE(std::filesystem::exists(data() + "/freshet.sock")) << "a killed owner cannot remove its socket";
  // The next command notices the dead socket, removes it and proceeds on its own.
  auto d = Run({"stream", "describe", "weather", "--output", "json"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(json::parse(d.out)["shards"][0]["record_count"], 20);
  EXPECT_FALSE(std::filesystem::exists(data() + "/freshet.sock"));
  // A new owner starts, and its consumer finishes what the killed one left.
  owner = StartServe();
  size_t items = 0;
  for (int i = 0; i < 100 && items != 10; ++i) {
    auto t = Run({"table", "describe", "weather", "--output", "json"});
    if (t.exit_code == 0) items = json::parse(t.out)["item_count"].get<size_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(items, 10u);
  kill(owner, SIGINT);
  EXPECT_EQ(WaitExit(owner), 0);
}

TEST_F(OwnerTest, OversizedAndGarbageRequestsAreDroppedWithoutHarm) {
  ASSERT_EQ(Run({"stream", "create", "weather"}).exit_code, 0);
  pid_t owner = StartServe();
  auto raw = [&](const std::string& bytes) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = data() + "/freshet.sock";
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    std::string reply;  // an error frame, then the owner closes the connection
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) reply.append(buf, n);
    close(fd);
    return reply.size() > 4 ? reply.substr(4) : std::string();
  };
  // A frame header announcing 1 GiB is refused before any body is sent.
  EXPECT_NE(raw(std::string("\x40\x00\x00\x00", 4)).find("refused"), std::string::npos);
  EXPECT_NE(raw(std::string("\x00\x00\x00\x05", 4) + "nope!").find("malformed request"), std::string::npos);
  // A client that connects and says nothing does not hold up others.
  int idle = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = data() + "/freshet.sock";
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto ok = Run({"stream", "put", "weather", "--partition-key", "k", "--data", "{}"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  close(idle);
  kill(owner, SIGTERM);
  EXPECT_EQ(WaitExit(owner), 0);
}

}  // namespace
}  // namespace freshet::test
