// The stream commands as users and scripts see them: output shapes, errors, exit codes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/cli/process.h"

namespace freshet::test {
namespace {

class StreamCliTest : public ::testing::Test {
 protected:
  ProcessResult Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", dir_.path() + "/data"});
    return RunFreshet(args, input);
  }
  std::vector<nlohmann::json> JsonLines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  TempDir dir_;
};

TEST_F(StreamCliTest, CreatePutReadDescribe) {
  auto r = Run({"stream", "create", "weather", "--shards", "4", "--retention-hours", "48"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"stream", "put", "weather", "--partition-key", "A", "--data", "hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "shardId-000000000001 1\n");  // md5("A") = 7fc5... lies in the second quarter

  std::string lines;
  for (int i = 0; i < 1200; ++i)
    lines += R"({"station":"S)" + std::to_string(i % 37) + R"(","i":)" + std::to_string(i) + "}\n";
  r = Run({"stream", "put", "weather", "--file", "-", "--partition-key-field", "station", "--output", "jsonl"}, lines);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto acks = JsonLines(r.out);
  ASSERT_EQ(acks.size(), 1200u);
  EXPECT_EQ(acks[0]["partition_key"], "S0");
  EXPECT_TRUE(acks[0]["sequence_number"].is_string());
  EXPECT_EQ(acks[0]["shard_id"].get<std::string>().rfind("shardId-", 0), 0u);

  r = Run({"stream", "read", "weather", "--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto records = JsonLines(r.out);
  ASSERT_EQ(records.size(), 1201u);
  std::map<std::string, int> per_shard;
  for (auto& rec : records) {
    for (const char* f : {"shard_id", "sequence_number", "partition_key", "arrival_ms", "data"}) {
      EXPECT_TRUE(rec.contains(f)) << f;
    }
    per_shard[rec["shard_id"].get<std::string>()]++;
  }
  // Every acknowledgement names a record that is there, with the same shard and number.
  std::set<std::pair<std::string, std::string>> stored;
  auto id = [](const nlohmann::json& j) {
    return std::make_pair(j["shard_id"].get<std::string>(), j["sequence_number"].get<std::string>());
  };
  for (auto& rec : records) stored.insert(id(rec));
  for (auto& ack : acks) EXPECT_TRUE(stored.count(id(ack)));

  r = Run({"stream", "describe", "weather", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = nlohmann::json::parse(r.out);
  EXPECT_EQ(d["retention_hours"], 48);
  ASSERT_EQ(d["shards"].size(), 4u);
  EXPECT_EQ(d["shards"][3]["ending_hash_key"], "340282366920938463463374607431768211455");
  int total = 0;
  for (auto& s : d["shards"]) {
    total += s["record_count"].get<int>();
    EXPECT_EQ(s["record_count"].get<int>(), per_shard[s["shard_id"].get<std::string>()]);
  }
  EXPECT_EQ(total, 1201);

  r = Run({"stream", "read", "weather", "--shard", "shardId-000000000001", "--from", "after:1", "--limit", "3",
           "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto page = nlohmann::json::parse(r.out);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0]["sequence_number"], "2");
  EXPECT_EQ(page[2]["sequence_number"], "4");
}

TEST_F(StreamCliTest, BinaryDataIsBase64) {
  ASSERT_EQ(Run({"stream", "create", "s"}).exit_code, 0);
  ASSERT_EQ(Run({"stream", "put", "s", "--partition-key", "k", "--data", "\xff\xfe"}).exit_code, 0);
  auto r = Run({"stream", "read", "s", "--output", "jsonl"});
  auto rec = JsonLines(r.out).at(0);
  EXPECT_EQ(rec["encoding"], "base64");
  EXPECT_EQ(rec["data"], "//4=");
}

TEST_F(StreamCliTest, BadLineNamesItsNumberAndEarlierBatchesStay) {
  ASSERT_EQ(Run({"stream", "create", "s"}).exit_code, 0);
  std::string lines;
  for (int i = 0; i < 7; ++i)
    lines += R"({"k":"a"})"
             "\n";
  lines += R"({"no_key":1})"
           "\n";
  lines += R"({"k":"after"})"
           "\n";
  auto r = Run({"stream", "put", "s", "--file", "-", "--partition-key-field", "k", "--batch", "5", "--output", "jsonl"},
               lines);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("stdin:8: no field 'k'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(JsonLines(r.out).size(), 7u);  // each acknowledged record was printed
  EXPECT_EQ(JsonLines(Run({"stream", "read", "s", "--output", "jsonl"}).out).size(), 7u);
}

TEST_F(StreamCliTest, ErrorsAreOneLineWithExitCodes) {
  auto r = Run({"stream", "describe", "nope"});
  EXPECT_EQ(r.exit_code, 3);
  ASSERT_EQ(Run({"stream", "create", "s"}).exit_code, 0);
  r = Run({"stream", "create", "s"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err, "freshet: Stream s under account 000000000000 already exists.\n");
  r = Run({"stream", "put", "s", "--partition-key", std::string(257, 'k'), "--data", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("partition key must be 1 to 256 characters"), std::string::npos);
  r = Run({"stream", "read", "s", "--from", "at:banana"});
  EXPECT_EQ(r.exit_code, 2);
  r = Run({"stream", "create", "t", "--shards", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = Run({"stream", "put", "s", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--no-sync"), std::string::npos) << "global flags are explained in subcommand help";
}

TEST_F(StreamCliTest, SecondWriterIsRefusedWithAOneLineErrorNamingTheDirectory) {
  ASSERT_EQ(Run({"stream", "create", "s"}).exit_code, 0);
  // A `stream put --file -` reading from a FIFO holds the directory for writing (it is not an
  // owner: it serves no socket) for as long as its input stays open.
  std::string fifo = dir_.path() + "/input";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t writer = StartFreshet({"--data-dir", dir_.path() + "/data", "stream", "put", "s", "--file", "-",
                               "--partition-key-field", "k", "--batch", "1", "--output", "jsonl"},
                              fifo, dir_.path() + "/w.out", dir_.path() + "/w.err");
  int fd = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  // A batch is put when the line after it arrives (or at the end): two lines put the first.
  ASSERT_EQ(write(fd, "{\"k\":\"a\"}\n{\"k\":\"b\"}\n", 20), 20);
  // Once its first record is acknowledged, the writer holds the directory.
  for (int i = 0; i < 600 && ReadFile(dir_.path() + "/w.out").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(ReadFile(dir_.path() + "/w.out").empty()) << ReadFile(dir_.path() + "/w.err");
  ProcessResult r = Run({"stream", "put", "s", "--partition-key", "k", "--data", "x"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.err, "freshet: data directory " + dir_.path() +
                       "/data is in use by another freshet process that "
                       "writes to it\n");
  // Readers work beside the writer.
  auto list = Run({"stream", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("s "), std::string::npos);
  close(fd);
  EXPECT_EQ(WaitExit(writer), 0) << ReadFile(dir_.path() + "/w.err");
}

TEST_F(StreamCliTest, CommandsGoThroughALiveOwner) {
  ASSERT_EQ(Run({"stream", "create", "sensors"}).exit_code, 0);
  pid_t owner = StartFreshet({"--data-dir", dir_.path() + "/data", "consume", "--pipeline", "sensors", "--follow"}, "",
                             dir_.path() + "/owner.out", dir_.path() + "/owner.err");
  for (int i = 0; i < 600 && !std::filesystem::exists(dir_.path() + "/data/freshet.sock"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(std::filesystem::exists(dir_.path() + "/data/freshet.sock"));
  EXPECT_EQ(std::filesystem::status(dir_.path() + "/data/freshet.sock").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto put = Run({"stream", "put", "sensors", "--partition-key", "sensor-2", "--data",
                  R"({"sensor_id":"sensor-2","temperature":88.8,"current_time":987654321})"});
  EXPECT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(put.out, "shardId-000000000000 1\n");
  ProcessResult item;
  for (int i = 0; i < 100; ++i) {  // the owner's consumer applies it within milliseconds
    item = Run({"table", "get", "SensorData", "--key", R"({"SensorId":"sensor-2","CurrentTime":987654321})"});
    if (item.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(item.exit_code, 0) << item.err;
  EXPECT_NE(item.out.find(R"("Temperature":{"N":"88.8"})"), std::string::npos) << item.out;
  // Errors come back as they would have been printed alone.
  auto missing = Run({"stream", "describe", "nope"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.err, "freshet: Stream nope under account 000000000000 not found.\n");
  // A command that needs the directory for itself is told who has it.
  auto consume = Run({"consume", "--pipeline", "sensors"});
  EXPECT_EQ(consume.exit_code, 5);
  EXPECT_NE(consume.err.find(dir_.path() + "/data is owned by a running freshet"), std::string::npos) << consume.err;
  kill(owner, SIGTERM);
  EXPECT_EQ(WaitExit(owner), 0) << ReadFile(dir_.path() + "/owner.err");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/freshet.sock"));
}

TEST_F(StreamCliTest, FollowSeesNewRecordsAndStopsOnSigterm) {
  ASSERT_EQ(Run({"stream", "create", "s"}).exit_code, 0);
  std::string out = dir_.path() + "/follow.out";
  pid_t reader = StartFreshet({"--data-dir", dir_.path() + "/data", "stream", "read", "s", "--follow"}, "", out,
                              dir_.path() + "/follow.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(Run({"stream", "put", "s", "--partition-key", "k", "--data", "first"}).exit_code, 0);
  ASSERT_EQ(Run({"stream", "put", "s", "--partition-key", "k", "--data", "second"}).exit_code, 0);
  std::string seen;
  for (int i = 0; i < 100 && std::count(seen.begin(), seen.end(), '\n') < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    seen = ReadFile(out);
  }
  kill(reader, SIGTERM);
  EXPECT_EQ(WaitExit(reader), 0);
  auto lines = JsonLines(ReadFile(out));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["data"], "first");
  EXPECT_EQ(lines[1]["data"], "second");
}

}  // namespace
}  // namespace freshet::test
