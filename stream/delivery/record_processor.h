// RecordProcessor: how a deliverer runs a delivery stream's processing Lambda. The engine builds
// Firehose's event and reads the answer (processing.h); the owner of the process supplies the
// invocation (tools/delivery/function_processor.h runs freshet's own functions; tests use a fake),
// so stream/ knows nothing of workers, processes or HTTP.
//
// Thread-safety: Invoke may be called from several deliverers' threads at once.
#pragma once

#include <string>

#include "storage/status.h"

namespace freshet::stream::delivery {

struct ProcessorAnswer {
  std::string payload;         // the function's response (JSON text), or its error document
  std::string function_error;  // "" on success; "Unhandled" when the handler failed (Lambda's)
};

class RecordProcessor {
 public:
  virtual ~RecordProcessor() = default;
  // Invokes `function` (a function name) synchronously with `event` (JSON text).
  // Errors: NotFound for an unknown function (the deliverer counts it as a failed invocation);
  // Aborted when the runtime is stopping (the deliverer then stops, nothing is committed); any
  // other error is a failed invocation.
  virtual Result<ProcessorAnswer> Invoke(const std::string& function, std::string event) = 0;
};

}  // namespace freshet::stream::delivery
