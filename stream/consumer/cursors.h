// Consumer cursors: per consumer, stream and shard, the last applied sequence number, in the
// cursors column family (key layout in storage/codec.h). A cursor only ever moves in the same
// batch as the items it covers (see consumer.h); reset moves it by itself.
//
// Thread-safety: functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"

namespace freshet::stream {

// The last applied sequence number, or nullopt if the consumer never committed on the shard.
Result<std::optional<uint64_t>> LoadCursor(const storage::Db& db, const std::string& consumer, uint32_t stream_id,
                                           uint32_t shard);
// Appends the cursor's new value to `batch`.
void AddCursor(const std::string& consumer, uint32_t stream_id, uint32_t shard, uint64_t sequence,
               storage::Batch* batch);

struct ShardLag {
  uint32_t shard = 0;
  std::optional<uint64_t> cursor;  // last applied sequence number
  uint64_t tip = 0;                // last sequence number in the shard (0: none yet)
  uint64_t behind = 0;             // records after the cursor
  uint64_t ms_behind = 0;          // newest record's arrival minus the oldest unapplied one's
};

struct ConsumerInfo {
  std::string name;
  std::string stream;  // "?" if the stream was deleted
  uint32_t shards_with_cursor = 0;
};

Result<std::vector<ConsumerInfo>> ListConsumers(const storage::Db& db, const StreamLog& log);
// NotFound if the consumer has no cursor on `stream`.
Result<std::vector<ShardLag>> ConsumerLag(const storage::Db& db, const std::string& consumer,
                                          const StreamDescription& stream);
// The stream a consumer has cursors on (the first, if several). NotFound if none.
Result<StreamDescription> ConsumerStream(const storage::Db& db, const StreamLog& log, const std::string& consumer);
// Moves every shard's cursor to just before `position` (trim-horizon or latest).
Status ResetConsumer(storage::Db* db, const std::string& consumer, const StreamDescription& stream,
                     const Position& position);

}  // namespace freshet::stream
