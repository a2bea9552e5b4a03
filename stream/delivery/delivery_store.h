// DeliveryStore: delivery streams as stored resources — create, describe, list, update, delete —
// and DirectPut's put path (records go to the delivery's hidden buffer stream, durably, before
// the put returns).
//
// Creating a DirectPut delivery also creates its buffer stream (StreamLog::CreateInternal,
// "~firehose/<id>", one shard, 7 days' retention: Firehose keeps undelivered data 24 hours; freshet
// keeps it longer because the deliverer may be stopped while `serve` is not running). Deleting a
// delivery removes its description, its state (seal, manifest), its cursors and its buffer stream;
// delivered objects stay in their bucket, as on AWS.
//
// Thread-safety: safe for concurrent use; read-modify-writes of a description are serialized by a
// process-wide mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stream/delivery/delivery_spec.h"
#include "stream/delivery/delivery_state.h"
#include "stream/stream_log.h"

namespace freshet::stream::delivery {

inline constexpr size_t kMaxDeliveryStreams = 50;          // Firehose's default quota per region
inline constexpr uint32_t kBufferRetentionHours = 24 * 7;  // of a DirectPut buffer stream
inline constexpr size_t kMaxRecordBytes = 1000 * 1024;     // Firehose: 1,000 KiB per record
inline constexpr size_t kMaxPutBatchRecords = 500;
inline constexpr size_t kMaxPutBatchBytes = 4 << 20;

class DeliveryStore {
 public:
  explicit DeliveryStore(StreamLog* log) : log_(log), db_(log->db()) {}  // log not owned

  // Stores `spec` (name, type, source, destination; id, version, status and times are set here;
  // a destination endpoint is normalized). A Kinesis-sourced delivery starts at LATEST: the same
  // atomic write that stores the description sets its cursors to every shard's tip, so records
  // put after Create returns are delivered and those put before are not.
  // Errors: InvalidArgument (name, destination, ARNs, endpoint URL); AlreadyExists (the name is
  // taken); NotFound (a Kinesis source stream that does not exist); LimitExceeded
  // (kMaxDeliveryStreams).
  Result<DeliverySpec> Create(DeliverySpec spec);
  Result<DeliverySpec> Get(const std::string& name) const;  // NotFound if absent
  Result<std::vector<DeliverySpec>> List() const;           // by name
  // Reads the description, applies `change`, and writes it, under the mutex. `change` may refuse.
  Result<DeliverySpec> Update(const std::string& name, const std::function<Status(DeliverySpec*)>& change);
  // Removes the delivery (see the file comment). NotFound if absent.
  Status Delete(const std::string& name);

  // Puts records into a DirectPut delivery's buffer: one atomic, durable write. Returns each
  // record's sequence number in the buffer (they name the records: RecordId).
  // Errors: NotFound; InvalidArgument for a Kinesis-sourced delivery or a record over 1,000 KiB.
  Result<std::vector<uint64_t>> Put(const DeliverySpec& spec, const std::vector<std::string>& records);

  Result<std::vector<ManifestEntry>> Objects(const DeliverySpec& spec, uint64_t from = 1,
                                             size_t limit = SIZE_MAX) const;

  StreamLog* log() const { return log_; }

 private:
  StreamLog* const log_;
  storage::Db* const db_;
};

}  // namespace freshet::stream::delivery
