// RecordSink: where ingest/ delivers stream records, so ingest/ does not depend on stream/.
//
// tools/ingest_commands.cc implements RecordSink over stream::StreamLog::Put; tests use an
// in-memory sink. RecordBatcher groups records into batches within the Kinesis PutRecords limits
// (500 records, 5 MiB of partition keys + data) before handing them to the sink.
//
// Thread-safety: a RecordBatcher is used by one thread; a sink is called from that thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "storage/status.h"
#include "stream/kinesis_limits.h"

namespace freshet::ingest {

// Kinesis limits: the ones stream/ enforces (stream/kinesis_limits.h), under ingest's names.
inline constexpr size_t kMaxBatchRecords = stream::kMaxBatchRecords;
inline constexpr size_t kMaxBatchBytes = stream::kMaxBatchBytes;
inline constexpr size_t kMaxRecordDataBytes = stream::kMaxDataBytes;
inline constexpr size_t kMaxPartitionKeyChars = stream::kMaxPartitionKeyChars;

struct PendingRecord {
  std::string partition_key;
  std::string data;  // one JSON object
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Stores `records` (1..kMaxBatchRecords, within kMaxBatchBytes) atomically and durably, or fails;
  // a failure stops the ingest run that called it.
  virtual Status Put(std::vector<PendingRecord>&& records) = 0;
};

// Returns InvalidArgument naming the problem if `record` breaks a per-record limit (empty or
// over-long partition key, data over 1 MiB); such a record is skipped as a malformed line.
Status CheckRecordLimits(const PendingRecord& record);

// Accumulates records and puts them to a sink in batches of at most kMaxBatchRecords / kMaxBatchBytes.
class RecordBatcher {
 public:
  explicit RecordBatcher(RecordSink* sink) : sink_(sink) {}  // sink not owned; must outlive this

  // Adds one record (REQUIRES: CheckRecordLimits(record).ok()); puts a full batch first if needed.
  Status Add(PendingRecord record);
  // Puts whatever is pending (nothing if empty). Call at the end and wherever the caller wants a
  // durable point (after each API page).
  Status Flush();
  // Records handed to the sink so far (successfully put).
  size_t records_put() const { return records_put_; }

 private:
  RecordSink* const sink_;
  std::vector<PendingRecord> pending_;
  size_t pending_bytes_ = 0;
  size_t records_put_ = 0;
};

}  // namespace freshet::ingest
