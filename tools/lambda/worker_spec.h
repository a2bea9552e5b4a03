// The WorkerSpec of a function: the program (python3 or node with freshet's bootstrap, or the
// code's own `bootstrap`), its working directory (the unpacked code) and its environment: what
// Lambda gives (docs/functions.md, "Workers") plus the function's own variables, which cannot
// replace Lambda's. Never freshet's own environment.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "storage/status.h"
#include "tools/lambda/function_store.h"
#include "tools/lambda/worker.h"

namespace freshet::lambda {

// Who a worker is to the AWS APIs it calls.
struct WorkerIdentity {
  std::string access_key, secret;
  std::string region = "us-east-1", account_id = "000000000000";
  std::string endpoint_url;  // AWS_ENDPOINT_URL ("" = not set)
};

// Errors: InvalidArgument for an unknown runtime; FailedPrecondition when the program cannot be
// executed (no interpreter, or a `provided` function without an executable bootstrap).
Result<WorkerSpec> BuildWorkerSpec(const FunctionConfig& config, const std::string& code_dir,
                                   const std::string& runtime_dir, const WorkerIdentity& identity);

}  // namespace freshet::lambda
