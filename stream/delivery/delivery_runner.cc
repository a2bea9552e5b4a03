// Running every delivery stream of a Db (delivery_runner.h).
#include "stream/delivery/delivery_runner.h"

#include <algorithm>
#include <atomic>

namespace freshet::stream::delivery {
namespace {
std::atomic<DeliveryRunner*> g_active{nullptr};
}  // namespace

DeliveryRunner* DeliveryRunner::Active() { return g_active.load(); }
void DeliveryRunner::SetActive(DeliveryRunner* runner) { g_active.store(runner); }

DeliveryRunner::DeliveryRunner(StreamLog* log, storage::BucketStore* buckets,
                               std::function<void(const std::string&)> notice, RemoteSinkFactory remote)
    : log_(log), local_(buckets), remote_(std::move(remote)), store_(log), notice_(std::move(notice)) {}

Result<ObjectSink*> DeliveryRunner::SinkFor(const S3Destination& destination) {
  if (destination.endpoint.empty()) return static_cast<ObjectSink*>(&local_);
  auto it = remote_sinks_.find(destination.endpoint);
  if (it == remote_sinks_.end()) {
    if (!remote_) {
      return Status::FailedPrecondition("the bucket is at the S3 endpoint " + destination.endpoint +
                                        ", which this process cannot write to");
    }
    FRESHET_ASSIGN_OR_RETURN(std::unique_ptr<ObjectSink> sink, remote_(destination.endpoint));
    it = remote_sinks_.emplace(destination.endpoint, std::move(sink)).first;
  }
  return it->second.get();
}

Result<Deliverer*> DeliveryRunner::DelivererFor(const DeliverySpec& listed) {
  DeliverySpec spec = listed;
  if (spec.status != "ACTIVE") {
    if (spec.type == DeliverySpec::Type::kDirectPut) {
      auto buffer = log_->CreateInternal(spec.source_stream, 1, kBufferRetentionHours);
      if (!buffer.ok() && buffer.status().code() != Status::Code::kAlreadyExists) return buffer.status();
    }
    FRESHET_ASSIGN_OR_RETURN(spec, store_.Update(spec.name, [](DeliverySpec* s) {
      s->status = "ACTIVE";
      return Status::OK();
    }));
  }
  auto it = deliverers_.find(spec.name);
  if (it == deliverers_.end() || it->second->spec().id != spec.id || it->second->spec().version != spec.version ||
      it->second->spec().destination.bucket != spec.destination.bucket ||
      it->second->spec().destination.endpoint != spec.destination.endpoint) {
    FRESHET_ASSIGN_OR_RETURN(ObjectSink * sink, SinkFor(spec.destination));
    auto d = std::make_unique<Deliverer>(log_, sink, spec);
    d->SetProcessor(processor_);
    it = deliverers_.insert_or_assign(spec.name, std::move(d)).first;
  }
  return it->second.get();
}

Result<size_t> DeliveryRunner::PollAll(uint64_t now_ms) {
  std::lock_guard lock(mu_);
  FRESHET_ASSIGN_OR_RETURN(std::vector<DeliverySpec> specs, store_.List());
  std::map<std::string, std::unique_ptr<Deliverer>> kept;
  size_t written = 0;
  uint64_t deadline = 0;
  std::map<std::string, Backoff> backoff;
  auto earliest = [&deadline](uint64_t d) {
    if (d != 0 && (deadline == 0 || d < deadline)) deadline = d;
  };
  for (const DeliverySpec& spec : specs) {
    auto waiting = backoff_.find(spec.name);
    if (waiting != backoff_.end() && now_ms < waiting->second.retry_at_ms) {  // not yet: keep it as it is
      earliest(waiting->second.retry_at_ms);
      backoff.insert(backoff_.extract(waiting));
      if (auto it = deliverers_.find(spec.name); it != deliverers_.end()) kept.insert(deliverers_.extract(it));
      continue;
    }
    auto deliverer = DelivererFor(spec);
    Result<size_t> polled = deliverer.ok() ? (*deliverer)->Poll(now_ms, false) : Result<size_t>(deliverer.status());
    if (polled.ok()) {
      written += *polled;
      last_error_.erase(spec.name);
    } else {
      std::string message = polled.status().ToString();
      if (notice_ && last_error_[spec.name] != message) notice_("delivery stream " + spec.name + ": " + message);
      last_error_[spec.name] = message;
      Backoff next;
      next.wait_ms = waiting == backoff_.end() ? kFirstBackoffMs : std::min(2 * waiting->second.wait_ms, kMaxBackoffMs);
      next.retry_at_ms = now_ms + next.wait_ms;
      backoff[spec.name] = next;
      earliest(next.retry_at_ms);
    }
    auto it = deliverers_.find(spec.name);
    if (it != deliverers_.end()) {
      if (polled.ok()) earliest(it->second->next_deadline_ms());
      kept.insert(deliverers_.extract(it));
    }
  }
  deliverers_ = std::move(kept);  // deleted deliveries are dropped
  backoff_ = std::move(backoff);  // deliveries that succeeded, or were deleted, wait no more
  next_deadline_ms_ = deadline;
  return written;
}

Result<size_t> DeliveryRunner::Flush(const std::string& name, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  FRESHET_ASSIGN_OR_RETURN(DeliverySpec spec, store_.Get(name));
  FRESHET_ASSIGN_OR_RETURN(Deliverer * deliverer, DelivererFor(spec));
  Result<size_t> flushed = deliverer->Poll(now_ms, true);
  if (flushed.ok()) backoff_.erase(name);  // delivered: the next poll need not wait
  return flushed;
}

void DeliveryRunner::SetProcessor(RecordProcessor* processor) {
  std::lock_guard lock(mu_);
  processor_ = processor;
  for (auto& [name, d] : deliverers_) d->SetProcessor(processor);
}

uint64_t DeliveryRunner::next_deadline_ms() const {
  std::lock_guard lock(mu_);
  return next_deadline_ms_;
}

}  // namespace freshet::stream::delivery
