// Running as the owner of a data directory: `freshet serve` and `freshet consume --follow`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stream/consumer/consumer.h"
#include "tools/cli_common.h"
#include "tools/protocol/registry.h"

namespace freshet::cli {

struct OwnerOptions {
  // Serve the registry over HTTP on "[ADDR:]PORT" (ADDR defaults to 127.0.0.1); nullopt: no HTTP.
  std::optional<std::string> http;
  // A ~/.aws/credentials-format file: verify SigV4 signatures against it (empty: check form only).
  std::string credentials_file;
  protocol::Settings settings;
  // Serve Lambda's REST API and function routes over HTTP; off with `serve --no-functions`.
  bool functions = true;
};

// Opens the data directory for writing, serves other freshet processes on its socket (and AWS
// clients over HTTP if asked), runs each pipeline's consumer in follow mode on its own thread, and
// trims expired records once a minute, until SIGINT or SIGTERM. Then it stops accepting, lets
// in-flight requests and consumer steps commit, removes the socket and closes the store. Prints
// each consumer's summary.
Status RunOwner(Context* ctx, std::vector<stream::PipelineSpec> pipelines, const stream::ConsumerOptions& options,
                const OwnerOptions& owner = {});

// Splits "[ADDR:]PORT" (ADDR may be an IPv6 address in brackets). InvalidArgument otherwise.
Status ParseListenAddress(const std::string& text, std::string* address, int* port);

// FailedPrecondition naming the owner if the data directory has a live one (for commands that
// need the directory for themselves, such as a one-shot consume).
Status CheckNoOwner(Context* ctx);

}  // namespace freshet::cli
