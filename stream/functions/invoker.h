// Invoker: how the event-source mapping engine runs a function (the function runtime implements
// it; tests use a fake). The engine knows nothing of workers, processes or HTTP.
//
// Thread-safety: Invoke may be called from several mapping threads at once.
#pragma once

#include <functional>
#include <string>

#include "storage/status.h"

namespace freshet::stream {

struct InvocationResult {
  std::string payload;         // the function's response (JSON text), or its error document
  std::string function_error;  // "" on success; "Unhandled" / "Handled" as Lambda's X-Amz-Function-Error
  std::string request_id;
};

class Invoker {
 public:
  virtual ~Invoker() = default;
  // Invokes `function` synchronously with `payload`. `before_event` (may be null) is called with
  // the access key of the worker that will run this invocation, before the worker receives the
  // event, so the caller can attribute the worker's requests to the invocation (exactly once).
  // A Status error means the function could not be run at all (no such function, worker failed
  // to start); the engine treats it as a failed invocation.
  virtual Result<InvocationResult> Invoke(const std::string& function, std::string payload,
                                          const std::function<void(const std::string& access_key)>& before_event) = 0;
};

}  // namespace freshet::stream
