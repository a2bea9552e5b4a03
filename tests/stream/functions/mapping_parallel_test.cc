// MappingRunner with parallel_shards: the ready shards' batches are invoked together, each shard
// still in order with one batch in flight, and every record is delivered exactly once.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "stream/functions/mapping_runner.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

using nlohmann::json;

// Holds each call until `want` calls are in flight together (or 10 s pass), and records the most
// that ever were: with shards stepped one after another that is 1, in parallel it reaches `want`.
class GatheringInvoker : public Invoker {
 public:
  explicit GatheringInvoker(int want) : want_(want) {}
  Result<InvocationResult> Invoke(const std::string&, std::string payload,
                                  const std::function<void(const std::string&)>&) override {
    std::unique_lock lock(mu_);
    ++in_flight_;
    max_in_flight = std::max(max_in_flight, in_flight_);
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return in_flight_ >= want_ || released_; });
    released_ = true;  // once gathered, nobody waits again
    --in_flight_;
    const json event = json::parse(payload);
    for (const json& r : event["Records"]) {
      const std::string id = r["eventID"];
      per_shard[id.substr(0, id.find(':'))].push_back(std::stoull(r["kinesis"]["sequenceNumber"].get<std::string>()));
      keys.insert(r["kinesis"]["partitionKey"].get<std::string>());
      ++records;
    }
    return InvocationResult{"null", "", "r"};
  }
  int max_in_flight = 0;
  int records = 0;
  std::map<std::string, std::vector<uint64_t>> per_shard;
  std::set<std::string> keys;

 private:
  const int want_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  bool released_ = false;
};

class MappingParallelTest : public StreamFixture {};

TEST_F(MappingParallelTest, ReadyShardsAreInvokedTogetherEachInOrderExactlyOnce) {
  auto d = MustCreate("in", 4);
  MustPut(d, Records(400));
  EventSourceMapping m;
  m.function = "f";
  m.stream = "in";
  m.starting_position = "TRIM_HORIZON";
  m.batch_size = 25;
  ASSERT_TRUE(CreateMapping(log_.get(), &m).ok());
  MappingRunnerOptions options;
  options.parallel_shards = 4;
  GatheringInvoker invoker(4);
  MappingRunner runner(log_.get(), &invoker, m, options);
  for (int i = 0; i < 1000; ++i) {
    auto did = runner.Step();
    ASSERT_TRUE(did.ok()) << did.status().ToString();
    if (*did == 0 && runner.next_wake_ms() == 0) break;
  }
  EXPECT_EQ(invoker.max_in_flight, 4);  // all four shards' first batches at once
  EXPECT_EQ(invoker.records, 400);
  EXPECT_EQ(invoker.keys.size(), 400u);  // none twice
  ASSERT_EQ(invoker.per_shard.size(), 4u);
  for (auto& [shard, seqs] : invoker.per_shard) {
    for (size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1) << shard;
  }
  EXPECT_EQ(runner.stats().records_done, 400u);
}

}  // namespace
}  // namespace freshet::stream
