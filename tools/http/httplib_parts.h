// Pieces of the HTTP server (http_server.cc) made of cpp-httplib's types: the worker pool and the
// request-header and error-reply helpers. Included only by http_server.cc, the one translation unit
// that compiles <httplib.h>.
//
// Thread-safety: WorkerPool is safe from any thread; the functions are stateless.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tools/http/http_request_parts.h"

namespace freshet::http::server_internal {

// httplib's ThreadPool plus a count of the connections waiting for a worker, so that idle
// kept-alive connections can make way for them.
class WorkerPool final : public httplib::TaskQueue {
 public:
  explicit WorkerPool(size_t threads) {
    for (size_t i = 0; i < threads; i++) threads_.emplace_back([this] { Work(); });
  }
  ~WorkerPool() override = default;

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(fn));
      waiting_.store(jobs_.size());
    }
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  size_t waiting() const { return waiting_.load(); }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shut down and drained
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        waiting_.store(jobs_.size());
      }
      fn();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::atomic<size_t> waiting_{0};
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

// The request's headers without the four httplib adds to every request (REMOTE_ADDR, REMOTE_PORT,
// LOCAL_ADDR, LOCAL_PORT: the last header of each of those names), names lower-cased.
inline std::vector<std::pair<std::string, std::string>> LowerCaseHeaders(const httplib::Headers& headers) {
  static constexpr std::string_view kAdded[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"};
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(headers.size());
  for (auto it = headers.begin(); it != headers.end(); ++it) {
    auto next = std::next(it);
    bool last_of_its_name = next == headers.end() || next->first != it->first;
    bool added = last_of_its_name && std::find(std::begin(kAdded), std::end(kAdded), it->first) != std::end(kAdded);
    if (added) continue;
    std::string name = it->first;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.emplace_back(std::move(name), it->second);
  }
  return out;
}

inline void SetJsonError(httplib::Response& res, int status, std::string_view type, std::string_view message) {
  res.status = status;
  res.set_content(ErrorBody(type, message), "application/x-amz-json-1.1");
}

}  // namespace freshet::http::server_internal
