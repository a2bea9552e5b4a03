#include "ingest/rate_limiter.h"

#include <thread>

namespace freshet::ingest {

void RateLimiter::Acquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(starts_.size()) >= max_requests_) {
    // The oldest of the last N starts must be a full window ago.
    Clock::time_point allowed = starts_.front() + window_;
    std::this_thread::sleep_until(allowed);
    starts_.pop_front();
  }
  starts_.push_back(Clock::now());
}

}  // namespace freshet::ingest
