// LocalApi: runs Api operations on the data directory from this process.
//
// Read operations use the writer if this process has one open, else a read-only (secondary)
// instance that works beside another process's writer. Write operations open the directory
// for writing, which fails with FailedPrecondition if another process holds it.
//
// Thread-safety: Call is safe from several threads (the owner serves clients concurrently);
// the lazily opened databases are guarded by a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "query/table_store.h"
#include "storage/db.h"
#include "stream/api.h"
#include "stream/stream_log.h"

namespace freshet::api {

// What operations run on: a Db plus the stream log and table store over it.
struct Backend {
  storage::Db* db = nullptr;
  stream::StreamLog* log = nullptr;
  query::TableStore* tables = nullptr;
};

class LocalApi : public Api {
 public:
  // Opens `dir` lazily, as operations need it. `sync` is the durability policy for writes.
  LocalApi(std::string dir, bool sync);
  // Runs on an already open writer (the owner's). `log` must outlive this.
  explicit LocalApi(stream::StreamLog* log);
  ~LocalApi() override;

  Result<Json> Call(std::string_view op, const Json& request) override;

 private:
  Result<Backend> Reader();
  Result<Backend> Writer();

  const std::string dir_;
  const bool sync_ = true;
  std::mutex mu_;  // guards the members below while they are opened
  std::unique_ptr<storage::Db> own_writer_, own_reader_;
  std::unique_ptr<stream::StreamLog> own_log_, reader_log_;
  std::unique_ptr<query::TableStore> tables_, reader_tables_;
  stream::StreamLog* log_ = nullptr;  // the writer's log, owned or borrowed
};

// The operations, by family (api_streams.cc, api_tables.cc, api_consumers.cc). Each returns
// NotFound "unknown operation" for an op of another family.
Result<Json> CallStreamOp(const Backend& b, std::string_view op, const Json& request);
Result<Json> CallTableOp(const Backend& b, std::string_view op, const Json& request);
Result<Json> CallConsumerOp(const Backend& b, std::string_view op, const Json& request);

}  // namespace freshet::api
