// StreamAttributes: what Kinesis keeps about a stream beside its shards — its capacity mode
// (PROVISIONED or ON_DEMAND) and its tags.
//
// Stored in the meta column family under tag 'a' and the stream's id (never its name), so the
// attributes of a deleted stream can never be mistaken for those of a new stream of that name.
//
// Thread-safety: functions are safe to call concurrently; concurrent read-modify-write of one
// stream's attributes is serialized by a process-wide mutex.
#pragma once

#include <map>
#include <string>

#include "storage/db.h"

namespace freshet::stream {

struct StreamAttributes {
  std::string mode = "PROVISIONED";  // or "ON_DEMAND"
  std::map<std::string, std::string> tags;
};

// The stream's attributes (defaults if none were stored).
Result<StreamAttributes> LoadStreamAttributes(const storage::Db& db, uint32_t stream_id);
// Replaces the stream's attributes in one write.
Status SaveStreamAttributes(storage::Db* db, uint32_t stream_id, const StreamAttributes& attributes);
// Loads, applies `change`, and saves, under the mutex. `change` may return an error to abort.
Status UpdateStreamAttributes(storage::Db* db, uint32_t stream_id,
                              const std::function<Status(StreamAttributes*)>& change);

}  // namespace freshet::stream
