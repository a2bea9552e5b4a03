// The processing Lambda over freshet's function runtime (function_processor.h).
#include "tools/delivery/function_processor.h"

#include "tools/lambda/function_runtime.h"

namespace freshet::delivery {

Result<stream::delivery::ProcessorAnswer> FunctionProcessor::Invoke(const std::string& function, std::string event) {
  FRESHET_ASSIGN_OR_RETURN(lambda::InvokeResult r, runtime_->Invoke(function, std::move(event), {}));
  return stream::delivery::ProcessorAnswer{std::move(r.payload), std::move(r.function_error)};
}

}  // namespace freshet::delivery
