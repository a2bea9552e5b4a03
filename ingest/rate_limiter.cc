#include "ingest/rate_limiter.h"

namespace freshet::ingest {

RateLimiter::Slot RateLimiter::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const Clock::time_point now = Clock::now();
    Clock::time_point allowed = last_start_ + min_spacing_;
    const int finished_needed = max_requests_ - 1 - in_flight_;  // recent ends that may stay in the window
    if (finished_needed < 0) {  // max_requests_ already in flight: wait for one to finish
      finished_.wait(lock);
      continue;
    }
    if (static_cast<int>(ends_.size()) > finished_needed) {
      // The newest end beyond those that may stay must be a full window ago.
      allowed = std::max(allowed, ends_[ends_.size() - 1 - finished_needed] + window_);
    }
    if (now >= allowed) break;
    finished_.wait_until(lock, allowed);  // re-checked: a request may have finished meanwhile
  }
  last_start_ = Clock::now();
  ++in_flight_;
  return Slot(this);
}

void RateLimiter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    ends_.push_back(Clock::now());
    while (static_cast<int>(ends_.size()) > max_requests_) ends_.pop_front();
  }
  finished_.notify_all();
}

}  // namespace freshet::ingest
