// Engine: SQL over a freshet Db, through SQLite reading the Db's tables and streams in place.
//
// The connection is an in-memory SQLite database opened read-only; every freshet table is an
// eponymous virtual table of its own name and every stream one named stream_<name> (see
// vtabs.h, item_row.h and docs/sql.md for columns, types and key pushdown). Tables and streams
// are those that exist when the Engine is opened; a table's columns are its key attributes and
// the attributes found in a sample of its items (EngineOptions: the first 100 items of each
// partition key, 20,000 in all), then the whole item as JSON; attributes outside the sample are
// still in the JSON column (json_extract(item, '$.name')). Everything else (joins, GROUP BY, window and JSON
// functions) is SQLite's.
//
// Each statement reads one consistent snapshot of the Db, taken when it starts. Statements are
// read-only: one that would write anything fails with "freshet sql is read-only: ...".
//
// Thread-safety: an Engine is used by one thread at a time. The Db must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace freshet::query::sql {

struct SqlValue {
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText, kBlob };
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // kText (UTF-8) and kBlob
};
using SqlRow = std::vector<SqlValue>;

struct SqlResult {
  std::vector<std::string> columns;
  std::vector<SqlRow> rows;
};

struct EngineOptions {
  // Which items of each table are read to find its columns: in key order, at most
  // `sample_per_partition` items of each partition key, `sample_items` in all.
  size_t sample_items = 20000;
  size_t sample_per_partition = 100;
};

struct ReadState;

class Engine {
 public:
  // Opens the connection and registers every table and stream of `db` (not owned).
  // Errors: read errors listing tables and streams; Internal if SQLite cannot be set up.
  static Result<std::unique_ptr<Engine>> Open(storage::Db* db, const EngineOptions& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs exactly one statement: `on_columns` once with the result's column names, then `on_row`
  // for each row (stopping at the first error it returns; it may move the row's values away). Errors:
  // InvalidArgument with SQLite's one-line message (syntax errors, "freshet sql is read-only: table X cannot
  // be modified", more than one statement); NotFound "no such table: X"; Corruption or IOError from reading.
  // `params` are bound to the statement's parameters (?, ?NNN, :name) in order. Prepared
  // statements are kept by their text (up to 64) and reused, so a statement run again with
  // other parameters is not parsed again.
  Status Run(std::string_view sql, const std::vector<SqlValue>& params,
             const std::function<void(const std::vector<std::string>&)>& on_columns,
             const std::function<Status(SqlRow&)>& on_row);
  Status Run(std::string_view sql, const std::function<void(const std::vector<std::string>&)>& on_columns,
             const std::function<Status(SqlRow&)>& on_row) {
    return Run(sql, {}, on_columns, on_row);
  }
  // Run, collecting every row.
  Result<SqlResult> Query(std::string_view sql, const std::vector<SqlValue>& params = {});

  // The SQL names of the registered tables and streams.
  const std::vector<std::string>& relation_names() const { return names_; }

 private:
  Engine() = default;
  Status ErrorFor(int rc, std::string_view sql) const;
  // The prepared statement for `sql` (from the cache, or prepared, checked and cached).
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  sqlite3* conn_ = nullptr;
  std::unique_ptr<ReadState> state_;
  std::vector<std::string> names_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

}  // namespace freshet::query::sql
