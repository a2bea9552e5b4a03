// The stream module: one stream's log as a SQL table stream_<name>, in key order (shard, then
// sequence number). Columns:
//   shard_id TEXT ("shardId-000000000000"), sequence_number INTEGER, arrival_time INTEGER (ms
//   since the epoch), arrival_time_iso TEXT ("2024-05-01T12:00:00.123Z"), partition_key TEXT,
//   data (TEXT if valid UTF-8, else BLOB)
// Every query reads the stream's whole log (no pushdown); SQLite filters.
#include <ctime>
#include <string>

#include "query/sql/scan_cursor.h"
#include "query/sql/vtabs.h"
#include "storage/codec.h"
#include "stream/shard_router.h"

namespace freshet::query::sql {
namespace {

constexpr const char* kDeclaration =
    "CREATE TABLE x(shard_id TEXT, sequence_number INTEGER, arrival_time INTEGER, arrival_time_iso TEXT, "
    "partition_key TEXT, data)";

struct StreamAux {
  ReadState* state;
  stream::StreamDescription stream;
};

struct StreamVtab {
  sqlite3_vtab base{};
  const StreamAux* aux = nullptr;
};

struct StreamCursor : ScanCursor {
  codec::LogKey key;
  codec::LogValue value;
};

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string IsoMs(uint64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned>(ms % 1000));
  return buf;
}

int Connect(sqlite3* conn, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(conn, kDeclaration);
  if (rc != SQLITE_OK) return rc;
  auto* vtab = new StreamVtab;
  vtab->aux = static_cast<StreamAux*>(aux);
  *out = &vtab->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab->zErrMsg);
  delete reinterpret_cast<StreamVtab*>(vtab);
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1e6;
  return SQLITE_OK;
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  *out = &(new StreamCursor)->base;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* c) {
  delete CursorOf<StreamCursor>(c);
  return SQLITE_OK;
}

int SetRow(StreamCursor* cursor) {
  auto* vtab = reinterpret_cast<StreamVtab*>(cursor->base.pVtab);
  auto fail = [&](const std::string& what, int rc) {
    sqlite3_free(vtab->base.zErrMsg);
    vtab->base.zErrMsg = sqlite3_mprintf("stream '%s': %s", vtab->aux->stream.name.c_str(), what.c_str());
    return rc;
  };
  if (!cursor->it->Valid()) {
    Status s = cursor->it->status();
    return s.ok() ? SQLITE_OK : fail(s.ToString(), SQLITE_IOERR);
  }
  ++cursor->rowid;
  if (!codec::LogKey::Decode(cursor->it->key(), &cursor->key) ||
      !codec::LogValue::Decode(cursor->it->value(), &cursor->value)) {
    return fail("a stored record is malformed", SQLITE_CORRUPT);
  }
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* c, int, const char*, int, sqlite3_value**) {
  auto* cursor = CursorOf<StreamCursor>(c);
  const StreamAux* aux = reinterpret_cast<StreamVtab*>(c->pVtab)->aux;
  const std::string prefix = codec::LogKey::StreamPrefix(aux->stream.id);
  cursor->Start(*aux->state, storage::Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
  return SetRow(cursor);
}

int Next(sqlite3_vtab_cursor* c) {
  auto* cursor = CursorOf<StreamCursor>(c);
  cursor->it->Next();
  return SetRow(cursor);
}

void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

int Column(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int column) {
  auto* cursor = CursorOf<StreamCursor>(c);
  switch (column) {
    case 0: ResultText(ctx, stream::ShardId(cursor->key.shard)); break;
    case 1: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(cursor->key.sequence)); break;
    case 2: sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(cursor->value.arrival_ms)); break;
    case 3: ResultText(ctx, IsoMs(cursor->value.arrival_ms)); break;
    case 4: ResultText(ctx, cursor->value.partition_key); break;
    default: {
      const std::string_view data = cursor->value.data;
      if (ValidUtf8(data)) {
        ResultText(ctx, data);
      } else {
        sqlite3_result_blob(ctx, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
      }
    }
  }
  return SQLITE_OK;
}

const sqlite3_module kStreamModule = ScanModule(Connect, BestIndex, Disconnect, Open, Close, Filter, Next, Column);

}  // namespace

Status RegisterStreamModule(sqlite3* conn, ReadState* state, const stream::StreamDescription& stream) {
  const std::string name = "stream_" + stream.name;
  int rc = sqlite3_create_module_v2(conn, name.c_str(), &kStreamModule, new StreamAux{state, stream},
                                    [](void* p) { delete static_cast<StreamAux*>(p); });
  if (rc != SQLITE_OK) {
    return Status::Internal("cannot register stream '" + stream.name + "' with SQLite: " + sqlite3_errmsg(conn));
  }
  return Status::OK();
}

}  // namespace freshet::query::sql
