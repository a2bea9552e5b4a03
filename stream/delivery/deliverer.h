// Deliverer: moves one delivery stream's records from its source stream into objects of its
// bucket, exactly once.
//
// Buffers. The deliverer reads every shard of the source after its cursor (a closed shard to its
// end before any of its children, as the consumer does) and orders the records it has read by
// (arrival time, shard, sequence number). A buffer starts at the first of them and takes records
// in that order while
//   - the record arrived before first.arrival + IntervalInSeconds (or in the same millisecond as
//     the first, so IntervalInSeconds 0 still keeps one put batch together), and
//   - the buffer's data stays within SizeInMBs (a buffer always takes its first record).
// The buffer is complete when the next record would break either rule (the cut is then decided by
// the stream's contents and the configuration alone), when the clock passes first.arrival +
// IntervalInSeconds (the records that arrived before then and are visible go in), or when a flush
// asks for it (everything visible goes in, in buffers of at most SizeInMBs).
//
// Exactly once. A complete buffer becomes a Seal (delivery_state.h: its shard ranges, object key
// and compression), written to the meta family and synced BEFORE its object is written; then the
// object is written through the delivery's ObjectSink (object_sink.h: the local BucketStore's temp
// file, fsync, rename, fsync directory; or a PUT to an external S3 answered 2xx);
// then ONE atomic write moves the cursors past the ranges, adds the manifest entry, removes the
// seal and (for a DirectPut buffer stream) deletes the delivered records. After a crash, a seal
// found at start is delivered again before anything else: the same records (its ranges), the same
// order, the same compression, the same key, hence the same bytes under the same name — the
// object is replaced by itself, never written twice under two names. Because the seal is durable
// before the object exists, boundaries that depended on timing (the clock passing the interval,
// a flush) are never decided again differently: timing only decides when a seal is made, and the
// seal decides the object.
//
// Processing. With a ProcessingConfiguration enabled, the seal's records (in object order) go
// through the Lambda (processing.h) before compression: the Ok records' data make the object (not
// written when none is left), the failed records make an error output object under
// ErrorOutputPrefix (seal.error_key, named from the same first record), and both are durable
// before the one commit, whose manifest entry records both. A redelivery invokes the function
// again for the same records and writes its answer under the same names (removing an object the
// new answer leaves empty): the bytes are those of the first attempt only if the function is
// deterministic, but no record is ever in two objects or in none. The processor is set by the
// owner of the process (SetProcessor); without one, a delivery that needs it fails with
// FailedPrecondition before writing anything.
//
// Thread-safety: one thread at a time drives a Deliverer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/buckets/bucket_store.h"
#include "stream/delivery/delivery_spec.h"
#include "stream/delivery/delivery_state.h"
#include "stream/delivery/object_sink.h"
#include "stream/delivery/record_processor.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"

namespace freshet::stream::delivery {

struct DeliveryStats {
  uint64_t objects = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;    // record data delivered
  uint64_t missed = 0;   // records removed by the source's retention before they were delivered
  uint64_t dropped = 0;  // by the processing Lambda
  uint64_t failed = 0;   // by the processing Lambda: written to the error output
};

class Deliverer {
 public:
  // `log` and `sink` are not owned and must outlive this; `sink` is where spec's objects go
  // (object_sink.h).
  Deliverer(StreamLog* log, ObjectSink* sink, DeliverySpec spec);
  // A deliverer writing into the local `buckets` (not owned).
  Deliverer(StreamLog* log, storage::BucketStore* buckets, DeliverySpec spec);

  // Delivers a seal left by an interrupted delivery, then every buffer complete at `now_ms`; with
  // `flush`, also every record visible when the call started. Returns the objects written.
  // Errors: NotFound if the bucket or the source stream is gone (the buffer waits, nothing is
  // lost); the sink's errors; IOError from the Db. A failed call can be retried: it resumes at the
  // seal.
  Result<size_t> Poll(uint64_t now_ms, bool flush);

  // The processing Lambda's runner (not owned; must outlive this; null = none in this process).
  void SetProcessor(RecordProcessor* processor) { processor_ = processor; }

  const DeliverySpec& spec() const { return spec_; }
  const DeliveryStats& stats() const { return stats_; }
  // The earliest time a buffer can become complete by the clock (0 when nothing is buffered).
  uint64_t next_deadline_ms() const { return next_deadline_ms_; }

  // Test hook: called after an object is durable and before its commit; returning true abandons
  // the delivery there (Poll returns Aborted), as a crash at that moment would.
  void SetCrashAfterObjectForTest(std::function<bool()> crash) { crash_after_object_ = std::move(crash); }

 private:
  struct Pending {  // a record read but not yet sealed
    uint64_t arrival_ms;
    uint32_t shard;
    uint64_t sequence;
    uint64_t size;
  };
  struct ShardState {
    bool loaded = false;
    uint64_t committed_next = 0;  // first sequence number after the committed cursor
    uint64_t scan_next = 0;       // next sequence number to read into `pending`
    std::deque<Pending> pending;
    uint64_t pending_bytes = 0;
  };

  Status LoadSource();
  Status LoadShard(uint32_t shard);
  bool Finished(uint32_t shard) const;  // closed, and delivered to its end
  bool Readable(uint32_t shard) const;  // not finished, and every parent finished
  Status Scan();
  // Makes the next seal from what is pending, or nullopt if no buffer is complete.
  Result<std::optional<Seal>> Cut(uint64_t now_ms, bool flush, const std::map<uint32_t, uint64_t>& flush_tips);
  // Writes the seal's object and commits it (see the file comment). Writes the seal first unless
  // it was loaded from the Db.
  Status Deliver(const Seal& seal, bool seal_stored);
  // The seal's records in object order.
  Result<std::vector<Record>> Assemble(const Seal& seal);
  // Writes the seal's object (and error object) from its records (deliverer_output.cc); fills
  // the manifest entry's sizes and counts.
  Status WriteObjects(const Seal& seal, bool seal_stored, const std::vector<Record>& records, ManifestEntry* entry);
  Status PutObject(const std::string& bucket, const std::string& key, std::string_view bytes);
  Status RemoveObject(const std::string& bucket, const std::string& key);

  StreamLog* const log_;
  storage::Db* const db_;
  std::unique_ptr<ObjectSink> own_sink_;  // the local sink of the BucketStore constructor
  ObjectSink* const sink_;
  const DeliverySpec spec_;
  StreamDescription source_;
  std::vector<ShardState> shards_;
  uint64_t next_ordinal_ = 0;
  uint64_t next_deadline_ms_ = 0;
  DeliveryStats stats_;
  std::function<bool()> crash_after_object_;
  RecordProcessor* processor_ = nullptr;
};

}  // namespace freshet::stream::delivery
