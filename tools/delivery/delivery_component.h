// The delivery part of `freshet serve`: a thread that runs every delivery stream of the data
// directory (stream/delivery/delivery_runner.h), writing objects into `<data dir>/buckets`, and
// carries out flush requests served by this owner (DeliveryRunner::Active). Processing Lambdas run
// on the owner's function runtime (function_processor.h), unless `serve --no-functions`.
//
// The thread polls after every put it is told of (StreamLog::WaitForPut) and at least every
// 200 ms, and sooner when a buffer's interval ends. Stop joins it between polls: a delivery in
// progress finishes its object and commit, or leaves its seal for the next start.
//
// Thread-safety: made and stopped from the owner's main thread.
#pragma once

#include <memory>

#include "tools/owner_component.h"

namespace freshet::delivery {

Result<std::unique_ptr<cli::OwnerComponent>> MakeDeliveryComponent(const cli::OwnerEnv& env);

}  // namespace freshet::delivery
