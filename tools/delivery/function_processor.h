// FunctionProcessor: runs a delivery stream's processing Lambda (stream/delivery/record_processor.h)
// with freshet's own function runtime (tools/lambda/function_runtime.h), in this process: the
// owner's runtime inside `freshet serve`, or the one a one-shot `freshet delivery flush` starts.
//
// Thread-safety: as FunctionRuntime::Invoke (any thread).
#pragma once

#include <string>

#include "stream/delivery/record_processor.h"

namespace freshet::lambda {
class FunctionRuntime;
}

namespace freshet::delivery {

class FunctionProcessor : public stream::delivery::RecordProcessor {
 public:
  explicit FunctionProcessor(lambda::FunctionRuntime* runtime) : runtime_(runtime) {}  // not owned

  // A handler's failure is a ProcessorAnswer with function_error; errors are the runtime's
  // (NotFound for an unknown function, Aborted once the runtime stops, Internal, ...).
  Result<stream::delivery::ProcessorAnswer> Invoke(const std::string& function, std::string event) override;

 private:
  lambda::FunctionRuntime* const runtime_;
};

}  // namespace freshet::delivery
