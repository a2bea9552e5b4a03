// Shared fixture of the MappingRunner tests (mapping_runner_test.cc: delivery, positions, restarts
// and the mapping records; mapping_failures_test.cc: retries, bisection, partial failures, OnFailure
// and the age limit): a fake invoker running a C++ "handler" as a worker would, and helpers to
// create mappings and tables, drain a runner and read what the handler wrote.
//
// Thread-safety: single-threaded tests only.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "query/item_json.h"
#include "query/table_store.h"
#include "storage/staged_writes.h"
#include "storage/text.h"
#include "stream/consumer/cursors.h"
#include "stream/functions/mapping_runner.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream::mapping_test {

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

inline std::string Data(const json& record) {
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

}  // namespace freshet::stream::mapping_test
