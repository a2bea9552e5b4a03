// DeliverySpec: what the meta column family records about one delivery stream (Firehose's
// DeliveryStreamDescription, in freshet's terms), and its checks.
//
// A delivery stream reads a source stream — its own hidden buffer stream (DirectPut; records put
// with PutRecord/PutRecordBatch land there, durably, before they are acknowledged) or a user's
// Kinesis stream (KinesisStreamAsSource) — and writes its records into objects of a bucket,
// buffered by size and time and compressed as configured (deliverer.h says how).
//
// Stored as JSON under meta tag 'D' and the delivery's name (storage/codec.h); the id given at
// creation keys the delivery's state (seal, manifest, flush requests) and its cursors' consumer
// name, so a delivery deleted and created again under the same name starts afresh.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"
#include "stream/stream_description.h"

namespace freshet::stream::delivery {

enum class Compression { kUncompressed, kGzip, kZip, kSnappy, kHadoopSnappy };
// "UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY" (Firehose's spellings).
std::string_view CompressionName(Compression c);
// Firehose's spellings, and case-insensitive short forms for the CLI ("gzip", "snappy", ...).
Result<Compression> ParseCompression(std::string_view text);
// What Firehose appends to an object's name: ".gz", ".zip", ".snappy", ".hsnappy", or "".
std::string_view CompressionExtension(Compression c);

inline constexpr uint32_t kDefaultSizeMb = 5;
inline constexpr uint32_t kDefaultIntervalSeconds = 300;
inline constexpr uint32_t kMaxSizeMb = 128;
inline constexpr uint32_t kMaxIntervalSeconds = 900;

struct S3Destination {
  std::string role_arn;
  std::string bucket_arn;  // arn:aws:s3:::bucket
  std::string bucket;      // from bucket_arn
  std::string prefix;
  std::string error_output_prefix;
  uint32_t size_mb = kDefaultSizeMb;
  uint32_t interval_seconds = kDefaultIntervalSeconds;
  Compression compression = Compression::kUncompressed;
  bool extended = false;                      // given as ExtendedS3DestinationConfiguration
  std::optional<std::string> file_extension;  // Extended's FileExtension (overrides the default)
  std::string processing_json;                // ProcessingConfiguration as given (processing_config.h)
  std::string cloudwatch_json;                // CloudWatchLoggingOptions as given (stored)
  // Where the bucket is: "" for the local buckets (`<data dir>/buckets`), else an external
  // S3-compatible endpoint "http[s]://host[:port]" (object_sink.h: NormalizeS3Endpoint). Set at
  // creation and never changed, so a delivery's objects all go to one store. Not part of AWS's
  // description of the destination (the endpoint is where freshet stands in for S3).
  std::string endpoint;

  uint64_t size_bytes() const { return uint64_t{size_mb} << 20; }
  uint64_t interval_ms() const { return uint64_t{interval_seconds} * 1000; }
};

struct DeliverySpec {
  enum class Type { kDirectPut, kKinesisSource };
  std::string name;
  uint32_t id = 0;  // given by the catalog at creation
  Type type = Type::kDirectPut;
  // The stream records are read from: "~firehose/<id>" for DirectPut (created with the delivery,
  // hidden from ListStreams), the user's stream name for a Kinesis source.
  std::string source_stream;
  std::string source_stream_arn;  // KinesisStreamARN as given
  std::string source_role_arn;
  S3Destination destination;
  uint64_t version = 1;             // VersionId; UpdateDestination increments it
  std::string status = "CREATING";  // then ACTIVE once the deliverer runs it
  uint64_t created_ms = 0;
  uint64_t updated_ms = 0;
  std::map<std::string, std::string> tags;

  // Consumer name of the delivery's cursors (cursors CF): "firehose:<id>", which no consumer
  // spec name can take.
  std::string cursor_name() const { return "firehose:" + std::to_string(id); }
  std::string ToJson() const;
  // Corruption if `json` is not a description freshet wrote.
  static Result<DeliverySpec> FromJson(std::string_view json);
};

std::string_view TypeName(DeliverySpec::Type type);  // "DirectPut" or "KinesisStreamAsSource"

// Delivery stream names: 1..64 characters of [a-zA-Z0-9_.-] (Firehose's rule).
Status ValidateDeliveryName(std::string_view name);
// "arn:aws:s3:::bucket" -> "bucket"; InvalidArgument otherwise.
Result<std::string> BucketFromArn(std::string_view arn);
// "arn:aws:kinesis:region:account:stream/NAME" -> "NAME"; InvalidArgument otherwise.
Result<std::string> StreamFromArn(std::string_view arn);
// Checks sizes, interval, the prefixes' expressions (object_naming.h) and the
// ProcessingConfiguration (processing_config.h) as Firehose does.
Status ValidateDestination(const S3Destination& destination);

// The hidden buffer stream of a DirectPut delivery: kInternalBufferPrefix + the delivery's id.
inline constexpr std::string_view kInternalBufferPrefix = "~firehose/";
std::string BufferStreamName(uint32_t delivery_id);

}  // namespace freshet::stream::delivery
