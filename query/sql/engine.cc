#include "query/sql/engine.h"

#include <sqlite3.h>

#include <cctype>
#include <set>

#include "query/item_codec.h"
#include "query/item_key.h"
#include "query/key_condition.h"
#include "query/sql/vtabs.h"
#include "query/table_store.h"
#include "storage/codec.h"
#include "storage/snapshot.h"
#include "stream/stream_log.h"

namespace freshet::query::sql {
namespace {

// The columns of `table`: key attributes, then the attribute names of a sample of its items,
// read in key order: at most `per_partition` items of each partition key (then a seek to the
// next partition key), `sample` items in all. So a table whose first partitions lack an
// attribute (rain gauges before thermometers) still gets that attribute's column.
Result<TableColumns> DiscoverColumns(const storage::Snapshot& snapshot, const TableDescription& table, size_t sample,
                                     size_t per_partition) {
  TableColumns columns;
  columns.table = table;
  std::set<std::string, std::less<>> names;
  const KeyRange range = TableRange(table.id);
  auto it = snapshot.NewIterator(storage::Cf::kItems, range.lower, range.upper);
  size_t n = 0, in_partition = 0;
  it->Seek(range.lower);
  while (it->Valid() && n < sample) {
    Item item;
    if (!DecodeItemValue(it->value(), &item) || !DecodeItemKey(table, it->key(), &item)) {
      return Status::Corruption("item of table '" + table.name + "' is malformed");
    }
    for (const auto& [name, value] : item) {
      if (name != table.partition_key.name && names.find(name) == names.end()) names.insert(name);
    }
    ++n;
    if (++in_partition < per_partition || !table.sort_key) {
      it->Next();
      continue;
    }
    std::string prefix = TableKeyPrefix(table.id);
    FRESHET_RETURN_IF_ERROR(
        AppendKeyComponent(table.partition_key, *item.Find(table.partition_key.name), kMaxPartitionKeyBytes, &prefix));
    const std::string next = codec::PrefixSuccessor(prefix);
    if (next.empty()) break;
    it->Seek(next);
    in_partition = 0;
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  names.erase(table.partition_key.name);
  if (table.sort_key) names.erase(table.sort_key->name);
  columns.attributes.assign(names.begin(), names.end());
  if (names.count("item")) columns.item_column = "_item";
  return columns;
}

// Resets the statement and releases the snapshot however Run ends.
struct StatementScope {
  ReadState* state;
  sqlite3_stmt* stmt = nullptr;
  std::unique_ptr<storage::Snapshot> snapshot;
  ~StatementScope() {
    if (stmt) {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
    state->snapshot = nullptr;
  }
};

bool OnlySpaceOrSemicolons(std::string_view s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != ';') return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Open(storage::Db* db, const EngineOptions& options) {
  std::unique_ptr<Engine> engine(new Engine);
  engine->state_ = std::make_unique<ReadState>();
  engine->state_->db = db;
  // NOMUTEX: an Engine is used by one thread at a time, so the connection needs no mutex of its
  // own (SQLite's serialized mode would lock it on every column of every row).
  int rc = sqlite3_open_v2(":memory:", &engine->conn_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("cannot open SQLite: ") +
                            (engine->conn_ ? sqlite3_errmsg(engine->conn_) : sqlite3_errstr(rc)));
  }
  // ATTACH would open other database files (read-only, but outside the data directory): refused.
  sqlite3_set_authorizer(
      engine->conn_,
      [](void*, int action, const char*, const char*, const char*, const char*) {
        return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
      },
      nullptr);
  TableStore tables(db);
  FRESHET_ASSIGN_OR_RETURN(std::vector<TableDescription> list, tables.List());
  storage::Snapshot snapshot(db);
  for (const TableDescription& t : list) {
    FRESHET_ASSIGN_OR_RETURN(TableColumns columns,
                             DiscoverColumns(snapshot, t, options.sample_items, options.sample_per_partition));
    FRESHET_RETURN_IF_ERROR(RegisterTableModule(engine->conn_, engine->state_.get(), std::move(columns)));
    engine->names_.push_back(t.name);
  }
  stream::StreamLog log(db);
  FRESHET_ASSIGN_OR_RETURN(std::vector<stream::StreamDescription> streams, log.List());
  for (const auto& s : streams) {
    FRESHET_RETURN_IF_ERROR(RegisterStreamModule(engine->conn_, engine->state_.get(), s));
    engine->names_.push_back("stream_" + s.name);
  }
  return engine;
}

Engine::~Engine() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(conn_);
}

Status Engine::ErrorFor(int rc, std::string_view sql) const {
  std::string message = sqlite3_errmsg(conn_);
  constexpr std::string_view kMayNot = " may not be modified";
  if (message.rfind("table ", 0) == 0 && message.size() > kMayNot.size() &&
      message.compare(message.size() - kMayNot.size(), kMayNot.size(), kMayNot) == 0) {
    const std::string table = message.substr(6, message.size() - 6 - kMayNot.size());
    return Status::InvalidArgument("freshet sql is read-only: table " + table + " cannot be modified");
  }
  if (message == "not authorized") {
    return Status::InvalidArgument("freshet sql is read-only: ATTACH and DETACH are not allowed");
  }
  if ((rc & 0xFF) == SQLITE_READONLY) {
    return Status::InvalidArgument("freshet sql is read-only: the statement would write (" + message + ")");
  }
  if (message.rfind("no such table: ", 0) == 0) {
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    return Status::NotFound(message + " (tables and streams: " + (known.empty() ? "none" : known) + ")");
  }
  if ((rc & 0xFF) == SQLITE_CORRUPT) return Status::Corruption(message);
  if ((rc & 0xFF) == SQLITE_IOERR) return Status::IOError(message);
  (void)sql;
  return Status::InvalidArgument(message);
}

Result<sqlite3_stmt*> Engine::Prepare(std::string_view sql) {
  auto cached = statements_.find(sql);
  if (cached != statements_.end()) return cached->second;
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(conn_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) return ErrorFor(rc, sql);
  if (!stmt) return Status::InvalidArgument("no SQL statement given");
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(stmt, sqlite3_finalize);
  const std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (!OnlySpaceOrSemicolons(rest)) {
    sqlite3_stmt* next = nullptr;
    const char* next_tail = nullptr;
    rc = sqlite3_prepare_v2(conn_, rest.data(), static_cast<int>(rest.size()), &next, &next_tail);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK) return ErrorFor(rc, rest);
    if (next) return Status::InvalidArgument("freshet sql runs one statement at a time; found more after the first");
  }
  if (!sqlite3_stmt_readonly(stmt)) {
    return Status::InvalidArgument("freshet sql is read-only: the statement would write: " +
                                   std::string(sqlite3_sql(stmt)));
  }
  if (statements_.size() >= 64) {
    for (auto& [text, old] : statements_) sqlite3_finalize(old);
    statements_.clear();
  }
  statements_.emplace(std::string(sql), owned.release());
  return stmt;
}

Status Engine::Run(std::string_view sql, const std::vector<SqlValue>& params,
                   const std::function<void(const std::vector<std::string>&)>& on_columns,
                   const std::function<Status(SqlRow&)>& on_row) {
  StatementScope scope{state_.get(), nullptr, nullptr};
  FRESHET_ASSIGN_OR_RETURN(scope.stmt, Prepare(sql));
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(scope.stmt)) {
    return Status::InvalidArgument("the statement has " + std::to_string(sqlite3_bind_parameter_count(scope.stmt)) +
                                   " parameter(s); " + std::to_string(params.size()) + " given");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& p = params[i];
    const int at = static_cast<int>(i) + 1;
    switch (p.kind) {
      case SqlValue::Kind::kNull: sqlite3_bind_null(scope.stmt, at); break;
      case SqlValue::Kind::kInteger: sqlite3_bind_int64(scope.stmt, at, p.integer); break;
      case SqlValue::Kind::kReal: sqlite3_bind_double(scope.stmt, at, p.real); break;
      case SqlValue::Kind::kText:
        sqlite3_bind_text(scope.stmt, at, p.bytes.data(), static_cast<int>(p.bytes.size()), SQLITE_TRANSIENT);
        break;
      case SqlValue::Kind::kBlob:
        sqlite3_bind_blob(scope.stmt, at, p.bytes.data(), static_cast<int>(p.bytes.size()), SQLITE_TRANSIENT);
        break;
    }
  }
  int rc = SQLITE_OK;
  scope.snapshot = std::make_unique<storage::Snapshot>(state_->db);
  state_->snapshot = scope.snapshot.get();

  const int n = sqlite3_column_count(scope.stmt);
  std::vector<std::string> columns;
  for (int i = 0; i < n; ++i) columns.emplace_back(sqlite3_column_name(scope.stmt, i));
  on_columns(columns);
  SqlRow row(static_cast<size_t>(n));
  while ((rc = sqlite3_step(scope.stmt)) == SQLITE_ROW) {
    row.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      SqlValue& v = row[static_cast<size_t>(i)];
      switch (sqlite3_column_type(scope.stmt, i)) {
        case SQLITE_INTEGER:
          v.kind = SqlValue::Kind::kInteger;
          v.integer = sqlite3_column_int64(scope.stmt, i);
          break;
        case SQLITE_FLOAT:
          v.kind = SqlValue::Kind::kReal;
          v.real = sqlite3_column_double(scope.stmt, i);
          break;
        case SQLITE_TEXT:
          v.kind = SqlValue::Kind::kText;
          v.bytes.assign(reinterpret_cast<const char*>(sqlite3_column_text(scope.stmt, i)),
                         static_cast<size_t>(sqlite3_column_bytes(scope.stmt, i)));
          break;
        case SQLITE_BLOB: {
          v.kind = SqlValue::Kind::kBlob;
          const void* p = sqlite3_column_blob(scope.stmt, i);
          v.bytes.assign(p ? static_cast<const char*>(p) : "",
                         static_cast<size_t>(sqlite3_column_bytes(scope.stmt, i)));
          break;
        }
        default: v.kind = SqlValue::Kind::kNull; break;
      }
    }
    FRESHET_RETURN_IF_ERROR(on_row(row));
  }
  if (rc != SQLITE_DONE) return ErrorFor(rc, sql);
  return Status::OK();
}

Result<SqlResult> Engine::Query(std::string_view sql, const std::vector<SqlValue>& params) {
  SqlResult result;
  FRESHET_RETURN_IF_ERROR(Run(
      sql, params, [&](const std::vector<std::string>& columns) { result.columns = columns; },
      [&](SqlRow& row) {
        result.rows.push_back(std::move(row));
        return Status::OK();
      }));
  return result;
}

}  // namespace freshet::query::sql
