// The Kinesis event a Lambda event-source mapping hands a function, and the record it sends to an
// OnFailure destination, built exactly as Lambda builds them:
//
//   {"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":PK,
//                           "sequenceNumber":SEQ,"data":BASE64,
//                           "approximateArrivalTimestamp":SECONDS.FRACTION},
//                "eventSource":"aws:kinesis","eventVersion":"1.0",
//                "eventID":"shardId-000000000000:SEQ","eventName":"aws:kinesis:record",
//                "invokeIdentityArn":ROLE,"awsRegion":REGION,"eventSourceARN":STREAM_ARN}, ...]}
//
// Sequence numbers are written as the Kinesis API shows them (EventNames::sequence_text, supplied
// by the protocol layer, which owns that format).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stream/stream_reader.h"

namespace freshet::stream {

// How names look in events; set by whoever runs the engine (the protocol layer's formats).
struct EventNames {
  std::string region = "us-east-1";
  std::string account = "000000000000";
  // The Kinesis API's sequence number text for (shard, sequence), and its inverse (nullopt if the
  // text is not one). Default: decimal sequence.
  std::function<std::string(uint32_t shard, uint64_t sequence)> sequence_text;
  std::function<std::optional<uint64_t>(uint32_t shard, const std::string& text)> parse_sequence;

  std::string StreamArn(const std::string& stream) const;
  std::string FunctionArn(const std::string& function) const;
  std::string RoleArn() const;
  std::string Sequence(uint32_t shard, uint64_t sequence) const;
  std::optional<uint64_t> ParseSequence(uint32_t shard, const std::string& text) const;
};

// The event for records[begin, end). REQUIRES: begin < end <= records.size().
std::string KinesisEvent(const EventNames& names, const std::string& stream, const std::vector<Record>& records,
                         size_t begin, size_t end);

// What goes to an OnFailure stream for records[begin, end) that were given up on.
struct FailureInfo {
  std::string request_id;
  std::string function;
  std::string condition;  // "RetryAttemptsExhausted" | "RecordAgeExceeded"
  int64_t invoke_count = 0;
  std::string function_error;  // responseContext.functionError ("" when never invoked)
  int status_code = 200;
};
std::string OnFailureRecord(const EventNames& names, const std::string& stream, const FailureInfo& info,
                            const std::vector<Record>& records, size_t begin, size_t end, uint64_t now_ms);

// The sequence numbers a ReportBatchItemFailures response names ({"batchItemFailures":
// [{"itemIdentifier": SEQ}, ...]}). Empty or null list: every record succeeded. nullopt when the
// response is not such a document or names a record not in the batch: Lambda then treats the
// whole batch as failed.
struct ItemFailures {
  bool all_ok = true;
  uint64_t first_failed = 0;  // the lowest failed sequence number (when !all_ok)
};
std::optional<ItemFailures> ParseItemFailures(const EventNames& names, const std::string& payload, uint32_t shard,
                                              const std::vector<Record>& records, size_t begin, size_t end);

}  // namespace freshet::stream
