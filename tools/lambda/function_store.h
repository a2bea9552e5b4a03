// FunctionStore: Lambda functions' definitions in the meta column family (tag 'L', storage/codec.h)
// and their code on disk.
//
// A function's configuration is one JSON value under 'L' name (the fields below). Its code is
// unpacked, durably and before the definition is written, into
// <data dir>/functions/<name>/<code sha256 hex>/ (zip_archive.h), with the zip kept beside it as
// <code sha256 hex>.zip for GetFunction's Code.Location. A crash between the two leaves an unused
// code directory, never a definition without its code. Replaced code is removed after the new
// definition is written.
//
// Thread-safety: all methods may be called concurrently; changes are serialized by one mutex per
// process (only the data directory's writer changes definitions).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace freshet::storage {
class Db;
}

namespace freshet::lambda {

enum class RuntimeKind { kPython, kNode, kProvided };

// The runtime a Lambda runtime name runs on here: every python3.x (and "python", "python3") is
// the machine's python3, every nodejsNN.x (and "node", "nodejs") its node, provided /
// provided.al2 / provided.al2023 the code's own `bootstrap`. InvalidArgument for anything else.
Result<RuntimeKind> RuntimeKindFor(std::string_view runtime);

// What actually runs a runtime here, e.g. "Python 3.11.2 (/usr/bin/python3)"; computed once.
std::string LocalInterpreter(RuntimeKind kind);

struct FunctionConfig {
  std::string name;
  std::string runtime;  // as given: "python3.12"
  std::string handler;  // "lambda_function.lambda_handler"
  std::string role;
  std::string description;
  int timeout_seconds = 3;  // 1..900
  int memory_mb = 128;      // 128..10240
  std::map<std::string, std::string> environment;
  std::string code_sha256;    // hex of the zip's SHA-256
  uint64_t code_size = 0;     // bytes of the zip
  std::string last_modified;  // "2026-11-29T21:40:00.000+0000"
  std::string revision_id;    // changes with every update
  std::string version = "$LATEST";
  std::string state = "Active";
};

// JSON of the stored definition, and back (Corruption naming the function if unreadable).
std::string EncodeFunction(const FunctionConfig& config);
Result<FunctionConfig> DecodeFunction(std::string_view name, std::string_view json);

// Checks the fields AWS checks (runtime, handler, timeout, memory, names of variables).
// InvalidArgument naming the field.
Status ValidateFunction(const FunctionConfig& config);

class FunctionStore {
 public:
  // Not owned; `db` must outlive this. `data_dir` holds functions/.
  FunctionStore(storage::Db* db, std::string data_dir);

  // <data dir>/functions/<name>/<sha256 hex>
  std::string CodeDir(const FunctionConfig& config) const;
  // <data dir>/functions/<name>/log
  std::string LogPath(std::string_view name) const;

  // Stores a new function with the code in `zip`. Sets code_sha256, code_size, last_modified,
  // revision_id. Errors: AlreadyExists; InvalidArgument (fields, a damaged zip); IOError.
  Result<FunctionConfig> Create(FunctionConfig config, std::string_view zip);
  // NotFound naming the function.
  Result<FunctionConfig> Get(std::string_view name) const;
  // Every function, in name order.
  Result<std::vector<FunctionConfig>> List() const;
  // Replaces the code. Errors: NotFound; InvalidArgument; IOError.
  Result<FunctionConfig> UpdateCode(std::string_view name, std::string_view zip);
  // Applies `change` to the stored configuration (not its code fields) and stores it validated.
  Result<FunctionConfig> UpdateConfiguration(std::string_view name,
                                             const std::function<Status(FunctionConfig*)>& change);
  // Removes the definition, then its code and logs. NotFound naming the function.
  Status Delete(std::string_view name);

 private:
  storage::Db* const db_;
  const std::string data_dir_;

  Status Put(const FunctionConfig& config);
  Status StoreCode(FunctionConfig* config, std::string_view zip);
};

// Lambda's timestamp for now: "2026-11-29T21:40:00.000+0000".
std::string LambdaTimestampNow();

}  // namespace freshet::lambda
