// ScanCursor and ScanModule (scan_cursor.h).
#include "query/sql/scan_cursor.h"

namespace freshet::query::sql {
namespace {

int Eof(sqlite3_vtab_cursor* c) { return !CursorOf<ScanCursor>(c)->it->Valid(); }

int Rowid(sqlite3_vtab_cursor* c, sqlite3_int64* rowid) {
  *rowid = CursorOf<ScanCursor>(c)->rowid;
  return SQLITE_OK;
}

}  // namespace

void ScanCursor::Start(const ReadState& state, storage::Cf cf, const std::string& lower, const std::string& upper) {
  const storage::Snapshot* snapshot = state.snapshot;
  if (!snapshot) {
    own_snapshot = std::make_unique<storage::Snapshot>(state.db);
    snapshot = own_snapshot.get();
  }
  it = snapshot->NewIterator(cf, lower, upper);
  it->Seek(lower);
  rowid = 0;
}

sqlite3_module ScanModule(decltype(sqlite3_module::xConnect) connect, decltype(sqlite3_module::xBestIndex) best_index,
                          decltype(sqlite3_module::xDisconnect) disconnect, decltype(sqlite3_module::xOpen) open,
                          decltype(sqlite3_module::xClose) close, decltype(sqlite3_module::xFilter) filter,
                          decltype(sqlite3_module::xNext) next, decltype(sqlite3_module::xColumn) column) {
  sqlite3_module m{};
  m.iVersion = 1;
  m.xCreate = nullptr;  // eponymous-only
  m.xConnect = connect;
  m.xBestIndex = best_index;
  m.xDisconnect = disconnect;
  m.xDestroy = disconnect;
  m.xOpen = open;
  m.xClose = close;
  m.xFilter = filter;
  m.xNext = next;
  m.xEof = Eof;
  m.xColumn = column;
  m.xRowid = Rowid;
  return m;
}

}  // namespace freshet::query::sql
