// The event-source mapping engine's failure handling, with a fake invoker: retries, bisection to the
// poison record, partial batch failures (with and without exactly once), OnFailure records, and the
// age limit.
#include <nlohmann/json.hpp>

#include "stream/functions/mapping_runner.h"
#include "tests/stream/functions/mapping_runner_fixture.h"

namespace freshet::stream {
namespace {

using mapping_test::Data;
using mapping_test::FakeInvoker;
using mapping_test::MappingRunnerTest;
using nlohmann::json;

TEST_F(MappingRunnerTest, RetriesAFailedBatchUntilItSucceeds) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(10));
  auto m = MustCreateMapping(Mapping("in"));
  int failures_left = 3;
  FakeInvoker invoker([&](const json&) {
    if (failures_left-- > 0) return InvocationResult{R"({"errorMessage":"boom"})", "Unhandled", "r"};
    return InvocationResult{"", "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  EXPECT_EQ(invoker.calls, 4);
  for (auto& e : invoker.events) EXPECT_EQ(e["Records"].size(), 10u) << "the same batch is retried";
  EXPECT_EQ(runner.stats().records_done, 10u);
  auto cursor = LoadCursor(*db_, CursorName(m.uuid), d.id, 0);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(**cursor, 10u);
}

TEST_F(MappingRunnerTest, BisectsAndSendsThePoisonRecordToOnFailureAfterItsRetries) {
  auto d = MustCreate("in", 1);
  MustCreate("failures", 1);
  MustPut(d, Records(16));
  auto m = Mapping("in");
  m.bisect_on_error = true;
  m.max_retry_attempts = 2;
  m.on_failure_stream = "failures";
  m = MustCreateMapping(m);
  std::map<std::string, int> ok_deliveries;
  FakeInvoker invoker([&](const json& event) {
    for (auto& r : event["Records"]) {
      if (r["kinesis"]["partitionKey"] == "key-11") return InvocationResult{"{}", "Unhandled", "req-x"};
    }
    for (auto& r : event["Records"]) ++ok_deliveries[r["kinesis"]["partitionKey"]];
    return InvocationResult{"", "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  EXPECT_EQ(ok_deliveries.size(), 15u);
  for (auto& [k, n] : ok_deliveries) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(ok_deliveries.count("key-11"), 0u);
  // The single record was invoked 1 (as part of the whole) ... then alone 3 times (1 + 2 retries).
  auto failures = StreamJson("failures");
  ASSERT_EQ(failures.size(), 1u);
  auto& f = failures[0];
  EXPECT_EQ(f["requestContext"]["condition"], "RetryAttemptsExhausted");
  EXPECT_EQ(f["requestContext"]["functionArn"], "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_EQ(f["requestContext"]["approximateInvokeCount"], 3);
  EXPECT_EQ(f["responseContext"]["functionError"], "Unhandled");
  EXPECT_EQ(f["version"], "1.0");
  EXPECT_EQ(f["KinesisBatchInfo"]["shardId"], "shardId-000000000000");
  EXPECT_EQ(f["KinesisBatchInfo"]["startSequenceNumber"], "12");
  EXPECT_EQ(f["KinesisBatchInfo"]["endSequenceNumber"], "12");
  EXPECT_EQ(f["KinesisBatchInfo"]["batchSize"], 1);
  EXPECT_EQ(f["KinesisBatchInfo"]["streamArn"], "arn:aws:kinesis:us-east-1:000000000000:stream/in");
  EXPECT_EQ(runner.stats().records_given_up, 1u);
  EXPECT_EQ(**LoadCursor(*db_, CursorName(m.uuid), d.id, 0), 16u);
}

TEST_F(MappingRunnerTest, WithoutBisectionTheWholeBatchGoesToOnFailure) {
  auto d = MustCreate("in", 1);
  MustCreate("failures", 1);
  MustPut(d, Records(5));
  auto m = Mapping("in");
  m.max_retry_attempts = 0;
  m.on_failure_stream = "failures";
  m = MustCreateMapping(m);
  FakeInvoker invoker([&](const json&) { return InvocationResult{"{}", "Unhandled", "r"}; });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  EXPECT_EQ(invoker.calls, 1);
  auto failures = StreamJson("failures");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["KinesisBatchInfo"]["batchSize"], 5);
  EXPECT_EQ(failures[0]["KinesisBatchInfo"]["startSequenceNumber"], "1");
  EXPECT_EQ(failures[0]["KinesisBatchInfo"]["endSequenceNumber"], "5");
}

TEST_F(MappingRunnerTest, PartialBatchFailuresRetryFromTheFirstFailedRecordExactlyOnce) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(10));
  auto table = MustTable("counts");
  auto m = Mapping("in");
  m.report_batch_item_failures = true;
  m = MustCreateMapping(m);
  std::set<std::string> failed_once;
  FakeInvoker invoker([&](const json& event) {
    json failures = json::array();
    for (auto& r : event["Records"]) {
      std::string key = r["kinesis"]["partitionKey"];
      Count(table, key);
      if ((key == "key-4" || key == "key-7") && failed_once.insert(key).second) {
        failures.push_back({{"itemIdentifier", r["kinesis"]["sequenceNumber"]}});
      }
    }
    return InvocationResult{json{{"batchItemFailures", failures}}.dump(), "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  auto counts = Counts(table);
  ASSERT_EQ(counts.size(), 10u);
  for (auto& [k, n] : counts) EXPECT_EQ(n, 1) << k << " applied " << n << " times";
  // The whole batch (4 and 7 fail), the 4 records before key-4 on their own, then key-4 onwards.
  ASSERT_EQ(invoker.events.size(), 3u);
  EXPECT_EQ(invoker.events[1]["Records"].size(), 4u);
  EXPECT_EQ(invoker.events[2]["Records"].size(), 6u);
  EXPECT_EQ(invoker.events[2]["Records"][0]["kinesis"]["partitionKey"], "key-4");
}

TEST_F(MappingRunnerTest, PartialFailuresWithoutExactlyOnceCheckpointBeforeTheFailedRecord) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(10));
  auto m = Mapping("in");
  m.report_batch_item_failures = true;
  m.exactly_once = false;
  m = MustCreateMapping(m);
  bool failed = false;
  FakeInvoker invoker([&](const json& event) {
    json failures = json::array();
    if (!failed) {
      failed = true;
      failures.push_back({{"itemIdentifier", event["Records"][6]["kinesis"]["sequenceNumber"]}});
    }
    return InvocationResult{json{{"batchItemFailures", failures}}.dump(), "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  ASSERT_EQ(invoker.events.size(), 2u);
  EXPECT_EQ(invoker.events[1]["Records"].size(), 4u);
  EXPECT_EQ(invoker.events[1]["Records"][0]["kinesis"]["sequenceNumber"], "7");
}

TEST_F(MappingRunnerTest, AnUnknownItemIdentifierFailsTheWholeBatch) {
  auto d = MustCreate("in", 1);
  MustPut(d, Records(3));
  auto m = Mapping("in");
  m.report_batch_item_failures = true;
  m.max_retry_attempts = 1;
  m = MustCreateMapping(m);
  FakeInvoker invoker([&](const json&) {
    return InvocationResult{R"({"batchItemFailures":[{"itemIdentifier":"999"}]})", "", "r"};
  });
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  EXPECT_EQ(invoker.calls, 2);
  EXPECT_EQ(runner.stats().records_given_up, 3u);
}

TEST_F(MappingRunnerTest, RecordsOlderThanTheAgeLimitGoToOnFailureWithoutAnInvocation) {
  auto d = MustCreate("in", 1);
  MustCreate("failures", 1);
  MustPut(d, Records(4));
  auto m = Mapping("in");
  m.max_record_age_seconds = 60;
  m.on_failure_stream = "failures";
  m = MustCreateMapping(m);
  FakeInvoker invoker([&](const json&) { return InvocationResult{"", "", "r"}; });
  clock_offset_ms_ = 61'000;
  MappingRunner runner(log_.get(), &invoker, m, options_);
  MustDrain(&runner);
  EXPECT_EQ(invoker.calls, 0);
  auto failures = StreamJson("failures");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["requestContext"]["condition"], "RecordAgeExceeded");
  EXPECT_EQ(failures[0]["KinesisBatchInfo"]["batchSize"], 4);
  // A fresh record is still delivered.
  clock_offset_ms_ = 0;
  MustPut(d, Records(1, "fresh-"));
  MustDrain(&runner);
  EXPECT_EQ(invoker.calls, 1);
}

}  // namespace
}  // namespace freshet::stream
