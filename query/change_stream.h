// DynamoDB change streams: one change record per item change, written by TableStore in the same
// batch as the change itself, numbered by Db::Write in commit order (Batch::PutSequenced).
//
// Records live in the items column family in their own key space (after the index entries):
//
//   change_key := u32 0xFFFFFFFE u32 table_id u64 label_ms u64 sequence
//   value      := JSON {"e": "INSERT"|"MODIFY"|"REMOVE", "t": ms, "k": typed keys,
//                       "n": typed new image?, "o": typed old image?, "s": size bytes,
//                       "v": view type, "ttl": true if removed by the TTL sweep}
//
// label_ms is when the stream was enabled (StreamSettings::label_ms): disabling and enabling a
// stream starts a new one, as DynamoDB does, and the old one's records stay readable until they
// are trimmed. Sequences start at 1 within one stream. Records older than kChangeRetentionMs are
// removed by TrimChanges (the owner's sweeper runs it).
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "query/item.h"
#include "query/key_condition.h"
#include "query/table_description.h"
#include "storage/batch.h"
#include "storage/db.h"
#include "storage/status.h"

namespace freshet::query {

inline constexpr uint32_t kChangeSpace = 0xFFFFFFFEu;
inline constexpr uint64_t kChangeRetentionMs = 24ull * 3600 * 1000;

// u32 kChangeSpace u32 table_id u64 label_ms.
std::string ChangePrefix(uint32_t table_id, uint64_t label_ms);
KeyRange ChangeRange(uint32_t table_id, uint64_t label_ms);
// Every change record of a table, all its streams (DeleteTable drops them with the items).
KeyRange AllChangesRange(uint32_t table_id);

// Appends the change record of replacing `old` by `item` (either may be null; not both) to
// *batch, if the table's stream is enabled. `ttl`: a removal by the TTL sweep.
void AddChangeRecord(const TableDescription& table, const Item* old, const Item* item, bool ttl, uint64_t now_ms,
                     storage::Batch* batch);

struct ChangeRecord {
  uint64_t sequence = 0;
  std::string json;  // the value above
};

// Up to `limit` records of the stream (table_id, label_ms) with sequence > after, in order.
Result<std::vector<ChangeRecord>> ReadChanges(const storage::Db& db, uint32_t table_id, uint64_t label_ms,
                                              uint64_t after, size_t limit);
// The first and last sequence numbers of the stream, 0 if it has none.
Result<std::pair<uint64_t, uint64_t>> ChangeBounds(const storage::Db& db, uint32_t table_id, uint64_t label_ms);
// Deletes the records of every stream of the table older than `before_ms`; returns how many.
Result<uint64_t> TrimChanges(storage::Db* db, uint32_t table_id, uint64_t before_ms);

}  // namespace freshet::query
