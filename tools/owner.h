// Running as the owner of a data directory: `freshet serve` and `freshet consume --follow`.
#pragma once

#include <vector>

#include "stream/consumer.h"
#include "tools/cli_common.h"

namespace freshet::cli {

// Opens the data directory for writing, serves other freshet processes on its socket, runs each
// pipeline's consumer in follow mode on its own thread, and trims expired records once a minute,
// until SIGINT or SIGTERM. Then it stops accepting, lets in-flight requests and consumer steps
// commit, removes the socket and closes the store. Prints each consumer's summary.
Status RunOwner(Context* ctx, std::vector<stream::PipelineSpec> pipelines, const stream::ConsumerOptions& options);

// FailedPrecondition naming the owner if the data directory has a live one (for commands that
// need the directory for themselves, such as a one-shot consume).
Status CheckNoOwner(Context* ctx);

}  // namespace freshet::cli
