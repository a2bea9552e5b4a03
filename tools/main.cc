// freshet: a durable single-machine streaming pipeline (stream log, consumer, tables, query).
// main() only parses arguments, runs the chosen command and turns its Status into an exit code.
#include <iostream>

#include "tools/cli_common.h"

#ifndef FRESHET_VERSION
#define FRESHET_VERSION "0.1.0"  // tools/CMakeLists.txt passes the project's version
#endif

int main(int argc, char** argv) {
  using freshet::cli::Context;
  CLI::App app{
      "freshet: a durable streaming pipeline on one machine.\n"
      "Kinesis-style sharded streams, a checkpointing consumer and DynamoDB-style tables,\n"
      "all in one RocksDB data directory."};
  app.name("freshet");
  app.require_subcommand(1, 1);
  app.fallthrough();
  app.set_version_flag("--version", "freshet " FRESHET_VERSION);
  Context ctx;
  app.add_option("--data-dir", ctx.data_dir_flag, "data directory (default: $FRESHET_DATA_DIR, else ./freshet-data)");
  app.add_option("--endpoint", ctx.endpoint_flag,
                 "send every operation to this AWS-protocol HTTP endpoint (another freshet serve --http, or a "
                 "Kinesis-compatible service) instead of the data directory (default: $FRESHET_ENDPOINT); "
                 "requests are signed with SigV4 using the standard AWS credentials (environment or "
                 "~/.aws/credentials), or dummy ones when none are set");
  app.add_flag("--no-sync", ctx.no_sync,
               "acknowledge writes before they are fsynced: much faster, but a power cut may lose "
               "the most recent acknowledged writes (a process crash does not)");
  freshet::cli::AddAllCommands(&app, &ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "freshet: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "freshet: internal error: " << e.what() << "\n";
    return 1;
  }
  if (!ctx.result.ok()) {
    std::cerr << "freshet: " << ctx.result.message() << "\n";
    return freshet::cli::ExitCodeFor(ctx.result);
  }
  return 0;
}
