// ObjectSink: where a delivery's objects are written — the local buckets under `<data dir>/buckets`
// (LocalObjectSink) or an external S3-compatible endpoint (tools/delivery/remote_object_sink.h;
// the protocol code lives under tools/). A delivery stream names its destination once, at
// creation (S3Destination::endpoint): every process that delivers it (`freshet serve`, or a CLI
// flush) writes to the same place, so one delivery's objects are never split between two stores.
//
// Contract of PutObject, which the deliverer's exactly-once commit relies on (deliverer.h): it
// returns OK only once the object is durable in its store under `key` with exactly `bytes`, and
// writing the same bytes under the same key again replaces the object by itself (S3's PUT is
// idempotent), so a redelivery after a crash leaves one object.
//
// Thread-safety: a sink is driven by one thread at a time (the deliverer's); LocalObjectSink is
// safe from any thread (BucketStore is).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/buckets/bucket_store.h"
#include "storage/status.h"

namespace freshet::stream::delivery {

// What Firehose stores its objects as.
inline constexpr std::string_view kObjectContentType = "application/octet-stream";

class ObjectSink {
 public:
  virtual ~ObjectSink() = default;

  // Creates or replaces `bucket`/`key` with `bytes`, durable before it returns (see the file
  // comment). Errors: NotFound when the bucket does not exist (the delivery waits for it); others
  // as the store says, in one line that names the store, the bucket and the key.
  virtual Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                           std::string_view content_type) = 0;
  // Removes `bucket`/`key` (a redelivery whose processing Lambda now leaves an object empty); OK
  // also when it does not exist. NotFound when the bucket does not exist.
  virtual Status DeleteObject(std::string_view bucket, std::string_view key) = 0;
};

// The local buckets (storage::BucketStore: temp file, fsync, rename, fsync of the directory).
class LocalObjectSink : public ObjectSink {
 public:
  explicit LocalObjectSink(storage::BucketStore* buckets) : buckets_(buckets) {}  // not owned
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                   std::string_view content_type) override;
  Status DeleteObject(std::string_view bucket, std::string_view key) override;

 private:
  storage::BucketStore* const buckets_;
};

// Makes the sink of an external endpoint (a normalized S3Destination::endpoint). The tools layer
// gives one (tools/delivery/remote_object_sink.h); without one, such a delivery cannot run here.
using RemoteSinkFactory = std::function<Result<std::unique_ptr<ObjectSink>>(const std::string& endpoint)>;

// "http[s]://host[:port]" with nothing after the authority but an optional "/": returns the URL
// without that "/" and with the scheme in lower case. InvalidArgument (naming the URL and what is
// wrong) for another scheme, an empty or malformed host, a port outside 1..65535, user info, a
// path, a query or a fragment.
Result<std::string> NormalizeS3Endpoint(std::string_view url);

}  // namespace freshet::stream::delivery
