// The `stream put` and `stream read` subcommands, added to the `stream` group.
#pragma once

#include "tools/cli_common.h"

namespace freshet::cli {

void AddStreamIoCommands(CLI::App* stream_group, Context* ctx);

}  // namespace freshet::cli
