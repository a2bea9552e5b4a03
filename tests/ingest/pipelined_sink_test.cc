#include "ingest/pipelined_sink.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace freshet::ingest {
namespace {

std::vector<PendingRecord> Batch(int first, int n) {
  std::vector<PendingRecord> out;
  for (int i = first; i < first + n; ++i) out.push_back({"k" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}"});
  return out;
}

// Keeps every record it is given; fails the batch holding record `fail_at`; waits for `gate`
// before storing the first batch when one is set.
class Recorder : public RecordSink {
 public:
  Status Put(std::vector<PendingRecord>&& records) override {
    if (gate != nullptr && calls++ == 0) gate->wait();
    for (const PendingRecord& r : records) {
      if (r.partition_key == "k" + std::to_string(fail_at)) return Status::IOError("disk full at " + r.partition_key);
    }
    std::lock_guard lock(mu);
    for (PendingRecord& r : records) keys.push_back(std::move(r.partition_key));
    return Status::OK();
  }
  size_t stored() {
    std::lock_guard lock(mu);
    return keys.size();
  }
  std::mutex mu;
  std::vector<std::string> keys;
  int fail_at = -1;
  int calls = 0;
  std::shared_future<void>* gate = nullptr;
};

TEST(PipelinedSinkTest, PutsEveryBatchInOrderByFinish) {
  Recorder inner;
  PipelinedSink sink(&inner);
  for (int b = 0; b < 50; ++b) ASSERT_TRUE(sink.Put(Batch(b * 10, 10)).ok());
  ASSERT_TRUE(sink.Finish().ok());
  ASSERT_EQ(inner.keys.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(inner.keys[i], "k" + std::to_string(i));
  EXPECT_FALSE(sink.Put(Batch(500, 1)).ok()) << "a put after Finish is refused, not lost silently";
}

TEST(PipelinedSinkTest, PutReturnsWhileTheBatchBeforeIsStillBeingStored) {
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  Recorder inner;
  inner.gate = &gate;
  PipelinedSink sink(&inner, 2);
  // The thread holds batch 1 at the gate; batches 2 and 3 fill the queue: all three Puts return.
  ASSERT_TRUE(sink.Put(Batch(0, 5)).ok());
  ASSERT_TRUE(sink.Put(Batch(5, 5)).ok());
  ASSERT_TRUE(sink.Put(Batch(10, 5)).ok());
  EXPECT_EQ(inner.stored(), 0u);
  open.set_value();
  ASSERT_TRUE(sink.Finish().ok());
  EXPECT_EQ(inner.keys.size(), 15u);
}

TEST(PipelinedSinkTest, AFailedBatchStopsEverythingAfterItAndIsReported) {
  Recorder inner;
  inner.fail_at = 25;  // in the third batch of 10
  PipelinedSink sink(&inner);
  Status first_error;
  for (int b = 0; b < 20 && first_error.ok(); ++b) first_error = sink.Put(Batch(b * 10, 10));
  Status finished = sink.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.message().find("disk full at k25"), std::string::npos) << finished.message();
  ASSERT_EQ(inner.keys.size(), 20u) << "only the two batches before the failed one are stored";
  EXPECT_EQ(inner.keys.back(), "k19");
  if (!first_error.ok()) {
    EXPECT_EQ(first_error.message(), finished.message());
  }
}

}  // namespace
}  // namespace freshet::ingest
