// ScanCursor: what every freshet virtual-table cursor shares (the table and stream modules,
// table_vtab.cc and stream_vtab.cc): one iterator over one key range of a column family, read as
// of the running statement's snapshot (or a snapshot of the cursor's own when there is none), and
// the row counter xRowid answers with. ScanModule builds the module around such cursors.
//
// A module's cursor type derives from ScanCursor and adds what its rows decode into; SQLite's
// cursor pointer is &ScanCursor::base, turned back with CursorOf<T>.
//
// Thread-safety: a cursor is used by one thread at a time (its connection's).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "query/sql/vtabs.h"
#include "storage/iterator.h"
#include "storage/snapshot.h"

namespace freshet::query::sql {

struct ScanCursor {
  sqlite3_vtab_cursor base{};  // first: SQLite's pointer to the cursor points here
  std::unique_ptr<storage::Snapshot> own_snapshot;
  std::unique_ptr<storage::Iterator> it;
  sqlite3_int64 rowid = 0;

  // Starts a scan of [lower, upper) of `cf` (empty upper: no bound) as of state.snapshot, or of a
  // new snapshot of the cursor's own when the statement has none; positions `it` at `lower` and
  // restarts rowid.
  void Start(const ReadState& state, storage::Cf cf, const std::string& lower, const std::string& upper);
};

// The cursor of type T (derived from ScanCursor) that SQLite's `c` points to.
template <typename T>
T* CursorOf(sqlite3_vtab_cursor* c) {
  return static_cast<T*>(reinterpret_cast<ScanCursor*>(c));
}

// A read-only, eponymous-only module (no xCreate, no xUpdate) whose cursors are ScanCursors: xEof
// and xRowid come from the cursor's iterator and row counter; the other slots are the module's.
sqlite3_module ScanModule(decltype(sqlite3_module::xConnect) connect, decltype(sqlite3_module::xBestIndex) best_index,
                          decltype(sqlite3_module::xDisconnect) disconnect, decltype(sqlite3_module::xOpen) open,
                          decltype(sqlite3_module::xClose) close, decltype(sqlite3_module::xFilter) filter,
                          decltype(sqlite3_module::xNext) next, decltype(sqlite3_module::xColumn) column);

}  // namespace freshet::query::sql
