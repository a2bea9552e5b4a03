// Worker: one process running a function's handler, and the Lambda Runtime API server it calls.
//
// The process is started with the environment Lambda gives (WorkerSpec::environment, built by the
// runtime), its own process group, stdin from /dev/null and stdout + stderr into one pipe. It
// talks to a loopback HTTP server (tools/http, port 0) that serves this worker alone, so the
// requests on it are this worker's: GET /2018-06-01/runtime/invocation/next waits for the next
// event, POST .../invocation/{id}/response and .../{id}/error answer it, POST .../init/error
// reports a failed start.
//
// Run hands the worker one event and waits for its answer, the worker's death or the deadline
// (then it kills the process group); meanwhile the worker's output is passed to the caller's sink.
// A worker that died or timed out is dead for good (alive() false).
//
// Thread-safety: Run is called by one thread at a time (the pool hands a worker to one
// invocation); the runtime API server's threads and request_id() may run concurrently with it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/status.h"

namespace freshet::http {
class Server;
struct Request;
struct Response;
}  // namespace freshet::http

namespace freshet::lambda {

struct WorkerSpec {
  std::vector<std::string> argv;  // argv[0] is the executable's path
  std::string cwd;
  // NAME=VALUE pairs; AWS_LAMBDA_RUNTIME_API is added by Start.
  std::vector<std::string> environment;
  std::string function_arn;
};

struct WorkerAnswer {
  std::string payload;
  bool function_error = false;
  double duration_ms = 0;
  uint64_t max_memory_mb = 0;
};

class Worker {
 public:
  // Starts the runtime API server and the process. Errors: IOError / Internal naming what failed.
  static Result<std::unique_ptr<Worker>> Start(WorkerSpec spec);
  ~Worker();  // Kill()

  // Hands `payload` to the worker as invocation `request_id` and waits until it answers, dies or
  // `timeout_ms` passes. Output arriving meanwhile goes to `sink`. A timeout or death is answered
  // as Lambda does (function_error, errorType Sandbox.Timedout / Runtime.ExitError) and leaves
  // the worker dead. REQUIRES: alive().
  WorkerAnswer Run(const std::string& request_id, const std::string& payload, uint64_t timeout_ms,
                   const std::function<void(std::string_view)>& sink);

  // Output the worker wrote while idle (at start, or from background work), drained without waiting.
  void DrainOutput(const std::function<void(std::string_view)>& sink);

  // Whether the process still runs and may take invocations (reaps it if it has exited).
  bool alive();
  // Kills the process group without waiting: a Run in progress then returns (the worker died).
  void Terminate();
  // The invocation in flight, "" while idle.
  std::string request_id() const;
  // Kills the process group and stops the server. Idempotent.
  void Kill();

 private:
  Worker() = default;
  http::Response Serve(const http::Request& request);
  void FinishLocked(std::string payload, bool function_error);
  void Reap(int* exit_status);

  WorkerSpec spec_;
  std::unique_ptr<http::Server> server_;
  std::atomic<pid_t> pid_{-1};
  int output_fd_ = -1;  // read end of the worker's stdout/stderr pipe
  int notify_fd_ = -1;  // eventfd: an answer arrived

  mutable std::mutex mu_;
  std::condition_variable cv_;  // an event is ready for /next, or the worker stops
  std::string request_id_;      // in flight, "" when idle
  std::string event_;
  uint64_t deadline_ms_ = 0;
  bool handed_ = false;                                 // /next has taken the event
  std::optional<std::pair<std::string, bool>> answer_;  // payload, function_error
  bool dead_ = false;
  bool stopping_ = false;
};

}  // namespace freshet::lambda
