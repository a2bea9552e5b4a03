// DeliveryRunner: runs every delivery stream of a Db — one Deliverer per delivery, polled in
// turn — and flushes one on request. `freshet serve` runs one on a thread (the owner component
// tools/delivery_component.cc); a CLI flush with no owner running uses a runner of its own.
//
// Each poll re-reads the list of deliveries: a new delivery is activated (CREATING -> ACTIVE, its
// buffer stream created if a crash left it missing), an updated one (new version) gets a new
// Deliverer, a deleted one is dropped. A delivery whose poll fails (bucket missing, source stream
// deleted, an external endpoint down) is not polled again until a backoff has passed: 1 s after
// the first failure, doubling up to 60 s while it keeps failing, back to none once a poll succeeds
// (Flush tries at once). Its error is reported through `notice` once per new message.
//
// Thread-safety: Poll and Flush may be called from any thread; they are serialized by a mutex.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/buckets/bucket_store.h"
#include "stream/delivery/deliverer.h"
#include "stream/delivery/delivery_store.h"
#include "stream/delivery/object_sink.h"

namespace freshet::stream::delivery {

class DeliveryRunner {
 public:
  // `log` and `buckets` are not owned and must outlive this. `notice` (may be null) gets one-line
  // messages about failing deliveries. `remote` makes the sinks of deliveries to an external S3
  // endpoint (one per endpoint, kept); without it such deliveries fail with FailedPrecondition.
  DeliveryRunner(StreamLog* log, storage::BucketStore* buckets, std::function<void(const std::string&)> notice,
                 RemoteSinkFactory remote = nullptr);

  // Polls every delivery once at `now_ms` (but those waiting out a backoff). Returns the objects
  // written; the earliest time any buffer becomes complete by the clock, or a failing delivery is
  // due to be tried again, is in next_deadline_ms() (0: nothing buffered or waiting).
  static constexpr uint64_t kFirstBackoffMs = 1000, kMaxBackoffMs = 60000;
  Result<size_t> PollAll(uint64_t now_ms);
  // Delivers everything buffered in `name` now (making a boundary: the buffer is sealed as it is).
  // Errors: NotFound; the deliverer's errors.
  Result<size_t> Flush(const std::string& name, uint64_t now_ms);
  uint64_t next_deadline_ms() const;
  // The processing Lambda's runner given to every deliverer (not owned; must outlive this; null =
  // none: deliveries with a ProcessingConfiguration then wait with an error). Call before polling.
  void SetProcessor(RecordProcessor* processor);

  // The runner of `freshet serve` in this process, if one runs (set by the owner component), so a
  // flush request served by the owner is carried out by its runner. Null otherwise.
  static DeliveryRunner* Active();
  static void SetActive(DeliveryRunner* runner);

 private:
  // The deliverer for `spec` (new if the delivery is new or changed). REQUIRES: mu_ held.
  Result<Deliverer*> DelivererFor(const DeliverySpec& spec);

  // The sink of a destination: the local buckets, or the endpoint's. REQUIRES: mu_ held.
  Result<ObjectSink*> SinkFor(const S3Destination& destination);

  StreamLog* const log_;
  LocalObjectSink local_;
  const RemoteSinkFactory remote_;
  std::map<std::string, std::unique_ptr<ObjectSink>> remote_sinks_;  // by endpoint
  DeliveryStore store_;
  const std::function<void(const std::string&)> notice_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Deliverer>> deliverers_;  // by delivery name
  std::map<std::string, std::string> last_error_;
  struct Backoff {
    uint64_t retry_at_ms = 0;
    uint64_t wait_ms = 0;
  };
  std::map<std::string, Backoff> backoff_;  // deliveries whose last poll failed, by name
  uint64_t next_deadline_ms_ = 0;
  RecordProcessor* processor_ = nullptr;
};

}  // namespace freshet::stream::delivery
