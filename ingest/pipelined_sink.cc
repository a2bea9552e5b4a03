#include "ingest/pipelined_sink.h"

#include <algorithm>

namespace freshet::ingest {

PipelinedSink::PipelinedSink(RecordSink* inner, size_t depth)
    : inner_(inner), depth_(std::max<size_t>(depth, 1)), thread_([this] { Run(); }) {}

PipelinedSink::~PipelinedSink() { (void)Finish(); }

Status PipelinedSink::Put(std::vector<PendingRecord>&& records) {
  storage::MutexLock lock(&mu_);
  while (queue_.size() >= depth_ && error_.ok() && !closed_) changed_.wait(mu_);
  if (!error_.ok()) return error_;
  if (closed_) return Status::FailedPrecondition("records put after the ingest finished");
  queue_.push_back(std::move(records));
  changed_.notify_all();
  return Status::OK();
}

Status PipelinedSink::Finish() {
  {
    storage::MutexLock lock(&mu_);
    closed_ = true;
    changed_.notify_all();
    while (!queue_.empty() || busy_) changed_.wait(mu_);
  }
  if (thread_.joinable()) thread_.join();
  storage::MutexLock lock(&mu_);
  return error_;
}

void PipelinedSink::Run() {
  for (;;) {
    std::vector<PendingRecord> batch;
    {
      storage::MutexLock lock(&mu_);
      while (queue_.empty() && !closed_) changed_.wait(mu_);
      if (queue_.empty()) return;  // closed and drained
      batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      changed_.notify_all();  // a place in the queue is free
    }
    Status s = inner_->Put(std::move(batch));
    storage::MutexLock lock(&mu_);
    busy_ = false;
    if (!s.ok()) {
      error_ = std::move(s);
      queue_.clear();  // nothing after a failed batch is put
    }
    changed_.notify_all();
  }
}

}  // namespace freshet::ingest
