#include "stream/consumer/worker_pool.h"

namespace freshet::stream {

WorkerPool::WorkerPool(size_t threads) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::Submit(Group* group, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++group->pending;
    queue_.push_back(Task{group, std::move(task)});
  }
  cv_.notify_one();
}

void WorkerPool::RunOne(std::unique_lock<std::mutex>& lock) {
  Task task = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  task.fn();
  lock.lock();
  if (--task.group->pending == 0) cv_.notify_all();
}

void WorkerPool::Wait(Group* group) {
  std::unique_lock<std::mutex> lock(mu_);
  while (group->pending > 0) {
    if (!queue_.empty()) {
      RunOne(lock);
    } else {
      cv_.wait(lock);
    }
  }
}

void WorkerPool::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!queue_.empty()) {
      RunOne(lock);
    } else if (stop_) {
      return;
    } else {
      cv_.wait(lock);
    }
  }
}

void WorkerPool::ParallelFor(size_t n, size_t parts, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  if (parts <= 1 || n < 2 * parts) parts = n < 64 ? 1 : 2;
  const size_t slice = (n + parts - 1) / parts;
  Group group;
  for (size_t begin = slice; begin < n; begin += slice) {
    Submit(&group, [&fn, begin, end = std::min(n, begin + slice)] { fn(begin, end); });
  }
  fn(0, std::min(n, slice));
  Wait(&group);
}

}  // namespace freshet::stream
