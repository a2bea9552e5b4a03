// What every freshet command shares: global flags, opening the data directory, exit codes,
// signal-driven stop, and the registry through which each *_commands.cc adds its commands.
//
// Thread-safety: Context is used from main's thread; StopRequested() is async-signal-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "storage/db.h"
#include "storage/status.h"
#include "tools/transport/api.h"

namespace freshet::cli {

struct Context {
  std::string data_dir_flag;  // --data-dir
  std::string endpoint_flag;  // --endpoint
  bool no_sync = false;       // --no-sync
  // Set by commands that keep reading while another process writes (stream read --follow), before
  // Api(): in-process reads then follow the writer instead of reading a view as of their start.
  bool follow_reads = false;
  Status result;  // set by the command that ran; main turns it into an exit code

  // --data-dir, else $FRESHET_DATA_DIR, else ./freshet-data.
  std::string DataDir() const;
  // Opens the data directory for writing (creating it). FailedPrecondition if held elsewhere.
  Result<std::unique_ptr<storage::Db>> OpenWriter() const;

  // --endpoint, else $FRESHET_ENDPOINT, else empty (no HTTP endpoint).
  std::string Endpoint() const;

  // What commands run their operations through: the HTTP endpoint if one is named (--endpoint);
  // else the owner of the data directory if one is live (`freshet serve`, `consume --follow`);
  // else this process, opening the directory as each operation needs. Owned by the context.
  Result<api::Api*> Api();
  bool has_owner() const { return has_owner_; }

 private:
  std::unique_ptr<api::Api> api_;
  bool has_owner_ = false;
};

// Exit codes, stable for scripts: 0 ok, 1 other failure, 2 invalid input or usage, 3 not found,
// 4 already exists, 5 directory busy or wrong state, 6 corruption, 7 I/O error, 130 interrupted.
int ExitCodeFor(const Status& status);

// Runs `fn`, turning any exception that escaped a library into an Internal status.
Status Guard(const std::function<Status()>& fn);

// Installs SIGINT/SIGTERM handlers that set the stop flag (for --follow modes).
void InstallStopHandlers();
bool StopRequested();

// Each command file registers an adder: `static Registrar r(20, AddTableCommands);`.
// Adders run in ascending `order` (this fixes the order of commands in --help).
using CommandAdder = void (*)(CLI::App* app, Context* ctx);
struct Registrar {
  Registrar(int order, CommandAdder adder);
};
void AddAllCommands(CLI::App* app, Context* ctx);

}  // namespace freshet::cli
