// WorkerPool: a few threads kept alive across the consumer's steps, so a step does not pay for
// starting threads (a step maps its records on every core, and prepares the next step while its
// own write is being synced).
//
// Tasks belong to a Group; Wait(group) returns when all of the group's tasks have run, and runs
// queued tasks (of any group) itself while it waits, so a task may submit and wait for tasks of
// its own without deadlocking the pool.
//
// Thread-safety: all methods are safe to call from any thread, including from tasks.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace freshet::stream {

class WorkerPool {
 public:
  class Group {
   private:
    friend class WorkerPool;
    size_t pending = 0;  // guarded by the pool's mutex
  };

  explicit WorkerPool(size_t threads);
  ~WorkerPool();  // runs what is queued, then joins the threads
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(Group* group, std::function<void()> task);
  void Wait(Group* group);
  // Calls fn(begin, end) over [0, n) in about `parts` slices, on the pool and the caller.
  void ParallelFor(size_t n, size_t parts, const std::function<void(size_t begin, size_t end)>& fn);

 private:
  struct Task {
    Group* group;
    std::function<void()> fn;
  };
  // REQUIRES: lock held and queue_ not empty; runs one task with the lock released.
  void RunOne(std::unique_lock<std::mutex>& lock);
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace freshet::stream
