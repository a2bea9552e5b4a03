// RateLimiter: keeps a server's count of requests per sliding window under its limit, counted
// where the server counts them (arrival), not where the client starts them.
//
// A request reaches the server somewhere between its start and the end of its response, and
// that delay varies (a new connection's handshake, a slow proxy, a loaded machine): a limiter
// of request starts let a server see 6 requests inside one second though no second of starts
// held more than 5. So a request may start only when, of the last `max_requests` requests, the
// oldest *finished* at least `window` ago (and none is still in flight): its arrival came
// before its end, the new one's arrival comes after its start, so the server sees the two at
// least `window` apart whatever the delays. Starts are also spaced by `min_spacing`, so the
// requests of a window are spread over it rather than sent in a burst.
//
// Thread-safety: safe for concurrent use; a request in flight on another thread counts as not
// yet finished.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace freshet::ingest {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // REQUIRES: max_requests >= 1.
  RateLimiter(int max_requests, Clock::duration window, Clock::duration min_spacing = Clock::duration::zero())
      : max_requests_(max_requests), window_(window), min_spacing_(min_spacing) {}

  // One request's place in the limit: finishes (records the response's end) when destroyed.
  class Slot {
   public:
    explicit Slot(RateLimiter* limiter) : limiter_(limiter) {}
    Slot(Slot&& other) noexcept : limiter_(other.limiter_) { other.limiter_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limiter_) limiter_->Finish();
    }

   private:
    RateLimiter* limiter_;
  };

  // Blocks until one more request may start (see the file comment) and records its start. Keep
  // the Slot until the response (or the transport error) has arrived.
  [[nodiscard]] Slot Acquire();

 private:
  void Finish();

  const int max_requests_;
  const Clock::duration window_;
  const Clock::duration min_spacing_;
  std::mutex mu_;
  std::condition_variable finished_;
  int in_flight_ = 0;                   // guarded by mu_
  std::deque<Clock::time_point> ends_;  // the last max_requests_ ends, oldest first; guarded by mu_
  Clock::time_point last_start_{};      // guarded by mu_
};

}  // namespace freshet::ingest
