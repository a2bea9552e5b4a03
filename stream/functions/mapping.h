// EventSourceMapping: a Lambda event-source mapping from a stream to a function, as stored.
//
// A mapping is Lambda's CreateEventSourceMapping request for a Kinesis stream, kept in the meta
// column family under tag 'e' and its UUID (storage/codec.h), as JSON. Its per-shard positions are
// cursors (stream/consumer/cursors.h) of the consumer named CursorName(uuid), written in the same
// batch as what an invocation's success commits. Creating a mapping writes, in the same batch as
// the description, a cursor on every shard the stream has then, just before StartingPosition, so a
// restart before the first record arrives still starts where the mapping was created; shards made
// by a later reshard (index >= initial_shards) have no cursor until their parents are done and
// start at their first record.
//
// Thread-safety: plain values; the store functions are safe to call concurrently (one writer Db).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.h"
#include "stream/stream_log.h"

namespace freshet::stream {

inline constexpr int64_t kDefaultMappingBatchSize = 100;
inline constexpr int64_t kMaxMappingBatchSize = 10000;
inline constexpr int64_t kMaxBatchingWindowSeconds = 300;
inline constexpr int64_t kMaxRetryAttemptsLimit = 10000;
inline constexpr int64_t kMaxRecordAgeLimit = 604800;

struct EventSourceMapping {
  std::string uuid;
  std::string function;                      // the function's name (FunctionName as given, resolved to a name)
  std::string stream;                        // the event source stream's name
  std::string starting_position = "LATEST";  // LATEST | TRIM_HORIZON | AT_TIMESTAMP
  uint64_t starting_timestamp_ms = 0;        // AT_TIMESTAMP
  int64_t batch_size = kDefaultMappingBatchSize;
  int64_t batching_window_seconds = 0;  // MaximumBatchingWindowInSeconds
  int64_t max_retry_attempts = -1;      // -1: until the records expire
  int64_t max_record_age_seconds = -1;  // -1: no limit
  bool bisect_on_error = false;
  bool report_batch_item_failures = false;  // FunctionResponseTypes [ReportBatchItemFailures]
  std::string on_failure_stream;            // DestinationConfig.OnFailure, a stream name ("" none)
  std::string on_failure_arn;               // as given, for the response
  bool enabled = true;
  // freshet: commit the handler's writes to freshet's tables with the checkpoint (default on).
  bool exactly_once = true;
  uint32_t initial_shards = 0;  // shards of the stream when the mapping was created
  uint32_t stream_id = 0;       // the stream's id then (a re-created stream is another stream)
  uint64_t last_modified_ms = 0;
  std::string state_reason = "User action";
  std::string last_result = "No records processed";

  std::string ToJson() const;
  static Result<EventSourceMapping> FromJson(std::string_view json);
  // Checks the limits Lambda checks; the message names the member.
  Status Validate() const;
};

// The consumer name of the mapping's cursors ("esm:" + uuid).
std::string CursorName(const std::string& uuid);

// A random version-4 UUID in its canonical text form.
std::string NewUuid();

// Stores `mapping` (a new one: uuid set) with its initial cursors (see the file comment), in one
// write. Errors: NotFound if the stream does not exist; InvalidArgument from Validate.
Status CreateMapping(StreamLog* log, EventSourceMapping* mapping);
// The mapping, or NotFound "event source mapping UUID does not exist".
Result<EventSourceMapping> GetMapping(const storage::Db& db, const std::string& uuid);
// Every mapping, in UUID order.
Result<std::vector<EventSourceMapping>> ListMappings(const storage::Db& db);
// Replaces the stored mapping (same uuid). NotFound if it was deleted.
Status PutMapping(storage::Db* db, const EventSourceMapping& mapping);
// Deletes the mapping and its cursors in one write. NotFound if absent.
Status DeleteMapping(storage::Db* db, const std::string& uuid);

}  // namespace freshet::stream
