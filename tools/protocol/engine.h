// Engine: what the protocol's handlers run on — a Db with the stream log and table store over it.
//
// In the owner (`freshet serve`, `consume --follow`) the engine is the owner's open writer. In a
// one-shot CLI command with no owner it opens the data directory lazily: read operations use a
// read-only instance that works beside another process's writer (a read view as of the first read:
// storage::Db's kReadView; with `follow`, a secondary instance that catches up with the writer, for
// commands that keep reading); write operations open the directory for writing, which fails with
// FailedPrecondition if another process holds it.
//
// Thread-safety: Reader() and Writer() are safe to call from several threads; the lazily opened
// instances are guarded by a mutex and live as long as the Engine.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "query/table_store.h"
#include "storage/db.h"
#include "stream/stream_log.h"

namespace freshet::lambda {
class FunctionRuntime;
}

namespace freshet::protocol {

// The engine objects one operation uses. Not owned.
struct Backend {
  storage::Db* db = nullptr;
  stream::StreamLog* log = nullptr;
  query::TableStore* tables = nullptr;
  // Runs Lambda functions (tools/lambda/function_runtime.h): the owner's, or one started in this
  // process on first use by a one-shot command. Null only where functions cannot run.
  lambda::FunctionRuntime* functions = nullptr;
};

class Engine {
 public:
  // Opens `dir` lazily, as operations need it; `sync` is the durability policy for writes.
  Engine(std::string dir, bool sync, bool follow = false);
  // Runs on an already open writer (the owner's). `log` must outlive this.
  explicit Engine(stream::StreamLog* log);
  ~Engine();

  Result<Backend> Reader();
  Result<Backend> Writer();

  // Backends carry `functions` (not owned; must outlive this) instead of a runtime of their own.
  // Call before serving requests.
  void SetFunctions(lambda::FunctionRuntime* functions) { functions_ = functions; }

 private:
  const std::string dir_;
  const bool sync_ = true;
  const bool follow_ = false;
  std::mutex mu_;  // guards the members below while they are opened
  std::unique_ptr<storage::Db> own_writer_, own_reader_;
  std::unique_ptr<stream::StreamLog> own_log_, reader_log_;
  std::unique_ptr<query::TableStore> tables_, reader_tables_;
  stream::StreamLog* log_ = nullptr;              // the writer's log, owned or borrowed
  lambda::FunctionRuntime* functions_ = nullptr;  // borrowed (the owner's) or own_functions_
  std::unique_ptr<lambda::FunctionRuntime> own_functions_;
  lambda::FunctionRuntime* Functions(storage::Db* db);  // REQUIRES: mu_ held
};

}  // namespace freshet::protocol
