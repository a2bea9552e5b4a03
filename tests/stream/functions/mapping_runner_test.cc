// The event-source mapping engine with a fake invoker: every record delivered in order per shard
// in Lambda's event shape, starting positions, restarts from the checkpoint with exactly once (the
// handler's table writes staged and committed with the checkpoint), parent shards before children,
// and the stored mapping records. Failures are in mapping_failures_test.cc.
#include "stream/functions/mapping_runner.h"

#include <nlohmann/json.hpp>

#include "tests/stream/functions/mapping_runner_fixture.h"

namespace freshet::stream {
namespace {

using mapping_test::Data;
using mapping_test::FakeInvoker;
using mapping_test::MappingRunnerTest;
using nlohmann::json;

TEST_F(MappingRunnerTest, DeliversEveryRecordInOrderPerShardInLambdasEventShape) {
  auto d = MustCreate("in", 2);
  MustPut(d, Records(250));
  auto m = MustCreateMapping(Mapping("in", 40));
  FakeInvoker invoker([](const json&) { return InvocationResult{"null", "", "r"}; });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  std::map<std::string, std::vector<uint64_t>> per_shard;
  std::set<std::string> seen;
  for (auto& event : invoker.events) {
    ASSERT_LE(event["Records"].size(), 40u);
    std::string shard_of_event;
    for (auto& r : event["Records"]) {
      EXPECT_EQ(r["eventSource"], "aws:kinesis");
      EXPECT_EQ(r["eventVersion"], "1.0");
      EXPECT_EQ(r["eventName"], "aws:kinesis:record");
      EXPECT_EQ(r["awsRegion"], "us-east-1");
      EXPECT_EQ(r["eventSourceARN"], "arn:aws:kinesis:us-east-1:000000000000:stream/in");
      EXPECT_EQ(r["kinesis"]["kinesisSchemaVersion"], "1.0");
      EXPECT_TRUE(r["kinesis"]["approximateArrivalTimestamp"].is_number_float());
      std::string id = r["eventID"];
      std::string shard = id.substr(0, id.find(':'));
      if (shard_of_event.empty()) shard_of_event = shard;
      EXPECT_EQ(shard, shard_of_event) << "one event holds records of one shard";
      EXPECT_EQ(id.substr(id.find(':') + 1), r["kinesis"]["sequenceNumber"]);
      per_shard[shard].push_back(std::stoull(r["kinesis"]["sequenceNumber"].get<std::string>()));
      std::string key = r["kinesis"]["partitionKey"];
      EXPECT_EQ(Data(r), "data-" + key.substr(4));
      EXPECT_TRUE(seen.insert(key).second) << key << " delivered twice";
    }
  }
  EXPECT_EQ(seen.size(), 250u);
  for (auto& [shard, seqs] : per_shard) {
    for (size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1) << shard;
  }
  EXPECT_EQ(runner.stats().records_done, 250u);
  // Later records are delivered too (the runner keeps up with the tip).
  MustPut(d, Records(5, "late-"));
  MustDrain(&runner);
  EXPECT_EQ(runner.stats().records_done, 255u);
}

TEST_F(MappingRunnerTest, LatestSkipsRecordsPutBeforeTheMappingEvenAfterARestart) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(10, "old-"));
  auto m = Mapping("in");
  m.starting_position = "LATEST";
  m = MustCreateMapping(m);
  MustPut(d, Records(3, "new-"));
  FakeInvoker invoker([](const json&) { return InvocationResult{"", "", "r"}; });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  ASSERT_EQ(invoker.events.size(), 1u);
  EXPECT_EQ(invoker.events[0]["Records"].size(), 3u);
  EXPECT_EQ(invoker.events[0]["Records"][0]["kinesis"]["partitionKey"], "new-0");
}

TEST_F(MappingRunnerTest, ARestartResumesFromTheCheckpointAndDiscardsUncommittedWrites) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(30));
  auto table = MustTable("counts");
  auto m = MustCreateMapping(Mapping("in", 10));
  {
    // The first invocation commits; the second writes and then "crashes" (fails) before its checkpoint.
    int n = 0;
    FakeInvoker invoker([&](const json& event) {
      for (auto& r : event["Records"]) Count(table, r["kinesis"]["partitionKey"]);
      return ++n == 1 ? InvocationResult{"", "", "r"} : InvocationResult{"{}", "Unhandled", "r"};
    });
    MappingRunner runner(log_.get(), &invoker, m, options_);
    ASSERT_TRUE(runner.Step().ok());
    ASSERT_TRUE(runner.Step().ok());
    EXPECT_EQ(Counts(table).size(), 10u) << "the failed invocation's writes are not visible";
  }
  Open();  // the process restarts
  FakeInvoker invoker([&](const json& event) {
    for (auto& r : event["Records"]) Count(table, r["kinesis"]["partitionKey"]);
    return InvocationResult{"", "", "r"};
  });
  auto stored = GetMapping(*db_, m.uuid);
  ASSERT_TRUE(stored.ok());
  MappingRunner runner(log_.get(), &invoker, *stored, options_);
  MustDrain(&runner);
  EXPECT_EQ(invoker.events.front()["Records"][0]["kinesis"]["partitionKey"], "key-10");
  auto counts = Counts(table);
  ASSERT_EQ(counts.size(), 30u);
  for (auto& [k, n] : counts) EXPECT_EQ(n, 1) << k;
}

TEST_F(MappingRunnerTest, WithoutExactlyOnceAFailedInvocationsWritesStay) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(3));
  auto table = MustTable("counts");
  auto m = Mapping("in");
  m.exactly_once = false;
  m = MustCreateMapping(m);
  int n = 0;
  FakeInvoker invoker([&](const json& event) {
    for (auto& r : event["Records"]) Count(table, r["kinesis"]["partitionKey"]);
    return ++n == 1 ? InvocationResult{"{}", "Unhandled", "r"} : InvocationResult{"", "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  for (auto& [k, c] : Counts(table)) EXPECT_EQ(c, 2) << k << ": at least once applies a retried batch twice";
}

TEST_F(MappingRunnerTest, ParentShardsAreDeliveredBeforeTheirChildren) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(20, "before-"));
  auto m = MustCreateMapping(Mapping("in", 7));
  ASSERT_TRUE(log_->UpdateShardCount("in", 2).ok());
  MustPut(*log_->Get("in"), Records(20, "after-"));
  FakeInvoker invoker([&](const json&) { return InvocationResult{"", "", "r"}; });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  bool after_seen = false;
  int total = 0;
  for (auto& e : invoker.events) {
    for (auto& r : e["Records"]) {
      std::string key = r["kinesis"]["partitionKey"];
      ++total;
      if (key.rfind("after-", 0) == 0) after_seen = true;
      if (key.rfind("before-", 0) == 0) {
        EXPECT_FALSE(after_seen) << key << " came after a child's record";
      }
    }
  }
  EXPECT_EQ(total, 40);
}

TEST_F(MappingRunnerTest, MappingsAreStoredListedUpdatedAndDeletedWithTheirCursors) {
  auto d = MustCreate("in", 2);
  auto m = MustCreateMapping(Mapping("in"));
  EXPECT_EQ(m.uuid.size(), 36u);
  auto list = ListMappings(*db_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].function, "f");
  EXPECT_EQ((*list)[0].initial_shards, 2u);
  m.batch_size = 500;
  ASSERT_TRUE(PutMapping(db_.get(), m).ok());
  EXPECT_EQ(GetMapping(*db_, m.uuid)->batch_size, 500);
  m.batch_size = 10001;
  EXPECT_TRUE(PutMapping(db_.get(), m).IsInvalidArgument());
  ASSERT_TRUE(DeleteMapping(db_.get(), m.uuid).ok());
  EXPECT_TRUE(GetMapping(*db_, m.uuid).status().IsNotFound());
  EXPECT_FALSE(LoadCursor(*db_, CursorName(m.uuid), d.id, 0)->has_value());
  EventSourceMapping bad = Mapping("nope");
  EXPECT_TRUE(CreateMapping(log_.get(), &bad).IsNotFound());
}

}  // namespace
}  // namespace freshet::stream
