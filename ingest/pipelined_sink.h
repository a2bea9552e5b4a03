// PipelinedSink: a RecordSink that puts each batch to another sink on a thread of its own, so
// the caller parses the next batch while this one is written and synced (one fsync per batch
// of 500 is what limits a file ingest; see README "Performance").
//
// Batches reach the inner sink in the order given, one at a time, so the stream's order is the
// file's. Put returns before its batch is stored: it queues (waiting while `depth` batches are
// queued) and returns the error of an earlier batch, if any; after an error nothing more is put.
// Finish waits until every queued batch is stored and returns the first error; what a caller
// reports as done must come after Finish.
//
// Thread-safety: Put and Finish are called from one thread; the inner sink is called only from
// this sink's thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "ingest/record_sink.h"
#include "storage/thread_annotations.h"

namespace freshet::ingest {

class PipelinedSink : public RecordSink {
 public:
  // `inner` is not owned and must outlive this sink. `depth` >= 1 batches may wait.
  explicit PipelinedSink(RecordSink* inner, size_t depth = 2);
  ~PipelinedSink() override;  // Finish()
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;

  Status Put(std::vector<PendingRecord>&& records) override;
  // Waits for every queued batch; the first error of any, or OK. Later Puts fail.
  Status Finish();

 private:
  void Run();

  RecordSink* const inner_;
  const size_t depth_;
  storage::Mutex mu_;
  std::condition_variable_any changed_;
  std::deque<std::vector<PendingRecord>> queue_ GUARDED_BY(mu_);
  bool busy_ GUARDED_BY(mu_) = false;  // the thread holds a batch taken from the queue
  bool closed_ GUARDED_BY(mu_) = false;
  Status error_ GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace freshet::ingest
