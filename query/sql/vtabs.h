// The virtual-table modules through which SQLite reads freshet tables and streams in place.
//
// Each table and stream is registered as an eponymous-only module (no CREATE VIRTUAL TABLE, so
// the connection stays read-only): a table under its own name, a stream as stream_<name>.
// Neither module has xUpdate, so SQLite refuses INSERT, UPDATE and DELETE on them.
//
// Reads go through ReadState::snapshot, the statement's snapshot set by the Engine, so every
// cursor of one statement sees the same state of the Db.
//
// Thread-safety: a connection and its modules are used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>

#include "query/sql/item_row.h"
#include "storage/db.h"
#include "storage/snapshot.h"
#include "storage/status.h"
#include "stream/stream_description.h"

namespace freshet::query::sql {

// What the modules read through. Owned by the Engine; outlives the connection.
struct ReadState {
  storage::Db* db = nullptr;
  // The running statement's snapshot; when null, each cursor takes its own.
  const storage::Snapshot* snapshot = nullptr;
};

// Registers table `columns.table` as module (and eponymous table) `columns.table.name`.
Status RegisterTableModule(sqlite3* conn, ReadState* state, TableColumns columns);
// Registers stream `stream` as module (and eponymous table) "stream_" + stream.name.
Status RegisterStreamModule(sqlite3* conn, ReadState* state, const stream::StreamDescription& stream);

}  // namespace freshet::query::sql
