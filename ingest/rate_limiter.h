// RateLimiter: at most N request starts in any sliding window (the CDO API allows 5 per second).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>

namespace freshet::ingest {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(int max_requests, Clock::duration window) : max_requests_(max_requests), window_(window) {}

  // Blocks until one more request may start without exceeding the limit, and records its start.
  void Acquire();

 private:
  const int max_requests_;
  const Clock::duration window_;
  std::mutex mu_;
  std::deque<Clock::time_point> starts_;  // the last max_requests_ starts, guarded by mu_
};

}  // namespace freshet::ingest
