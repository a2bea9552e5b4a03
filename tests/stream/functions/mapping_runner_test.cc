// The event-source mapping engine with a fake invoker: order, one batch per shard, retries,
// bisection, partial failures, OnFailure records, the age limit, restarts, and exactly once
// (the handler's table writes staged and committed with the checkpoint).
#include "stream/functions/mapping_runner.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "query/item_json.h"
#include "query/table_store.h"
#include "storage/staged_writes.h"
#include "storage/text.h"
#include "stream/consumer/cursors.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

using nlohmann::json;

// Runs a C++ "handler" on the event, as a worker would: with the worker's access key bound, its
// table writes go through a StagingScope as the request dispatcher does for a worker's requests.
class FakeInvoker : public Invoker {
 public:
  using Handler = std::function<InvocationResult(const json& event)>;
  explicit FakeInvoker(Handler handler) : handler_(std::move(handler)) {}
  Result<InvocationResult> Invoke(const std::string& function, std::string payload,
                                  const std::function<void(const std::string&)>& before_event) override {
    ++calls;
    functions.insert(function);
    if (before_event) before_event(kKey);
    auto staged = storage::StagingRegistry::Global().Find(kKey);
    storage::StagingScope scope(staged.get());
    json event = json::parse(payload);
    events.push_back(event);
    return handler_(event);
  }
  static constexpr const char* kKey = "AKIDWORKER0001";
  int calls = 0;
  std::set<std::string> functions;
  std::vector<json> events;

 private:
  Handler handler_;
};

std::string Data(const json& record) {
  std::string out;
  EXPECT_TRUE(text::DecodeBase64(record["kinesis"]["data"].get<std::string>(), &out));
  return out;
}

class MappingRunnerTest : public StreamFixture {
 protected:
  void SetUp() override {
    StreamFixture::SetUp();
    options_.backoff_base_ms = 0;
    options_.now_ms = [this] { return NowMs() + clock_offset_ms_; };
  }
  EventSourceMapping Mapping(const std::string& stream, int64_t batch = 100) {
    EventSourceMapping m;
    m.function = "f";
    m.stream = stream;
    m.starting_position = "TRIM_HORIZON";
    m.batch_size = batch;
    return m;
  }
  EventSourceMapping MustCreateMapping(EventSourceMapping m) {
    Status s = CreateMapping(log_.get(), &m);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return m;
  }
  void MustDrain(MappingRunner* runner) {
    for (int i = 0; i < 10000; ++i) {
      auto did = runner->Step();
      ASSERT_TRUE(did.ok()) << did.status().ToString();
      if (*did == 0 && runner->next_wake_ms() == 0) return;
    }
    FAIL() << "the mapping did not drain";
  }
  query::TableDescription MustTable(const std::string& name) {
    query::TableStore store(db_.get());
    auto spec = query::ParseCreateTable(R"({"TableName":")" + name +
                                        R"(","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],)"
                                        R"("AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}]})");
    EXPECT_TRUE(spec.ok());
    auto t = store.Create(*spec);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }
  // The handler's effect for one record: count[k] += 1, read through whatever the thread sees.
  void Count(const query::TableDescription& table, const std::string& key) {
    query::TableStore store(db_.get());
    auto k = query::ParseItemJson(R"({"k":{"S":")" + key + R"("}})");
    ASSERT_TRUE(k.ok());
    auto got = store.GetItem(table, *k);
    ASSERT_TRUE(got.ok());
    int n = 0;
    if (*got) n = std::stoi((**got).Find("n")->scalar());
    auto item = query::ParseItemJson(R"({"k":{"S":")" + key + R"("},"n":{"N":")" + std::to_string(n + 1) + R"("}})");
    ASSERT_TRUE(item.ok());
    ASSERT_TRUE(store.PutItem(table, *item).ok());
  }
  std::map<std::string, int> Counts(const query::TableDescription& table) {
    query::TableStore store(db_.get());
    std::map<std::string, int> out;
    auto page = store.Scan(table, {});
    EXPECT_TRUE(page.ok());
    for (auto& item : page->items) {
      out[item.Find("k")->scalar()] = std::stoi(item.Find("n")->scalar());
    }
    return out;
  }
  std::vector<json> StreamJson(const std::string& name) {
    auto d = *log_->Get(name);
    std::vector<json> out;
    for (uint32_t s = 0; s < d.shard_count; ++s) {
      auto recs = ReadShard(*db_, d, s, 0, 100000);
      EXPECT_TRUE(recs.ok());
      for (auto& r : *recs) out.push_back(json::parse(r.data));
    }
    return out;
  }

  MappingRunnerOptions options_;
  uint64_t clock_offset_ms_ = 0;
};

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
