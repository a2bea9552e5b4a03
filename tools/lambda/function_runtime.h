// FunctionRuntime: runs users' Lambda handlers in long-lived worker processes and invokes them.
//
// Each function gets a pool of up to RuntimeOptions::max_workers_per_function worker processes
// (python3, node, or the user's own `bootstrap` for the `provided` runtime), started on the first
// invocation and kept warm. A worker speaks the Lambda Runtime API (/2018-06-01/runtime/
// invocation/next, /{id}/response, /{id}/error, /init/error) to a loopback HTTP server of this
// process that serves that worker alone (so a worker is known by the server it calls). A worker
// runs one invocation at a time; its environment is what Lambda gives plus the function's
// Environment, never freshet's own (see docs/functions.md).
//
// Each worker has its own access key id (AWS_ACCESS_KEY_ID in its environment): requests a handler
// makes to freshet are signed with it, so WorkerForAccessKey tells which function and which
// invocation in flight made them (the event-source mappings stage a handler's writes by it).
//
// Timeouts: an invocation running past the function's Timeout kills its worker (the next one
// starts cold) and answers the function error "Task timed out after N.NN seconds".
// Logs: workers' stdout and stderr go to <data dir>/functions/<name>/log with CloudWatch's
// START / END / REPORT lines around each invocation.
//
// Thread-safety: every method may be called from any thread; Invoke calls run concurrently (one
// per worker at a time; more wait for a free worker).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::storage {
class Db;
}

namespace freshet::lambda {

struct InvokeOptions {
  // The invocation's request id ("" = a fresh UUID). The worker's context sees it as
  // aws_request_id / awsRequestId.
  std::string request_id;
  // Called once a worker is chosen (started if need be) and before the event is handed to it,
  // with that worker's access key and the request id. An error abandons the invocation (Invoke
  // returns it; the worker stays idle and warm). May be empty.
  std::function<Status(const std::string& worker_access_key, const std::string& request_id)> before_event;
  // Fill InvokeResult::log_tail with the last 4 KB of this invocation's log lines.
  bool tail_log = false;
};

struct InvokeResult {
  std::string payload;         // the handler's response (or Lambda's error JSON when function_error)
  std::string function_error;  // "" or "Unhandled"
  std::string log_tail;        // the invocation's log (raw text, last 4 KB) when tail_log; else ""
  std::string request_id;
  std::string worker_access_key;  // the worker that ran it
  std::string executed_version = "$LATEST";
};

struct RuntimeOptions {
  std::string data_dir;      // functions' code and logs live under <data_dir>/functions/
  std::string endpoint_url;  // AWS_ENDPOINT_URL given to workers ("" = none)
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int max_workers_per_function = 4;
};

// Which invocation a worker's access key belongs to.
struct WorkerInfo {
  std::string function;
  std::string request_id;  // the invocation in flight, "" while the worker is idle
};

class FunctionRuntime {
 public:
  // `db` holds the function definitions (meta column family) and must outlive this. Starts no
  // process or thread until the first Invoke.
  FunctionRuntime(storage::Db* db, RuntimeOptions options);
  ~FunctionRuntime();  // Stop()
  FunctionRuntime(const FunctionRuntime&) = delete;
  FunctionRuntime& operator=(const FunctionRuntime&) = delete;

  // Sets the AWS_ENDPOINT_URL given to workers started from now on (the owner knows its HTTP
  // address only once the server listens).
  void SetEndpointUrl(std::string url);

  // Invokes `function` (its current code and configuration) with `payload` (the event, JSON text)
  // and waits for the answer. A handler's own failure (an exception, a timeout, a crashed worker)
  // is a successful Result with function_error "Unhandled" and Lambda's error JSON as payload.
  // Errors: NotFound for an unknown function; InvalidArgument for a payload that is not JSON;
  // Internal when a worker cannot be started (its interpreter missing, fork failure);
  // whatever options.before_event returns; Aborted after Stop.
  Result<InvokeResult> Invoke(const std::string& function, std::string payload, const InvokeOptions& options);

  // Starts an asynchronous (Event) invocation on a background thread and returns its request id
  // at once. Errors: NotFound for an unknown function; Aborted after Stop.
  Result<std::string> InvokeAsync(const std::string& function, std::string payload);

  // The function and invocation of a worker's access key; nullopt for any other key.
  std::optional<WorkerInfo> WorkerForAccessKey(std::string_view access_key) const;

  // Ends `function`'s warm workers (after its code or configuration changed, or it was deleted);
  // invocations in flight finish first.
  void Retire(const std::string& function);

  // Ends every worker and waits for invocations in flight to finish. Idempotent.
  void Stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshet::lambda
