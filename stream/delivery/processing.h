// Firehose's data transformation, applied to one object's records: the Lambda event, the
// invocations (in chunks, with retries) and the reading of the function's answer, exactly as
// Firehose does them.
//
// Event (one per chunk of at most ProcessingConfig::buffer_bytes of record data; a chunk always
// takes at least one record):
//   {"invocationId": UUID, "deliveryStreamArn": "arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME",
//    ["sourceKinesisStreamArn": ARN,] "region": REGION,
//    "records": [{"recordId": ID, "approximateArrivalTimestamp": MS, "data": BASE64}, ...]}
// REGION and ACCOUNT are the LambdaArn's. The recordId is 24 hex digits: for DirectPut the
// delivery's id and the record's sequence number in its buffer (the RecordId PutRecord answered),
// for a Kinesis source the shard index and the sequence number. The invocationId derives from the
// object's key and the chunk's index, so a redelivery sends the same events again.
//
// Answer: {"records": [{"recordId": ID, "result": "Ok"|"Dropped"|"ProcessingFailed", "data": BASE64}]}.
// Ok records' decoded data go into the object in input order; Dropped records are left out;
// ProcessingFailed records (errorCode Lambda.ProcessingFailedStatus) and records absent from the
// answer (Lambda.MissingRecordId) go to the error output. A failed invocation — the processor's
// error, a function error (Lambda.FunctionError), an answer that is not that shape, names an
// unknown record or a record twice (Lambda.JsonProcessingException, Lambda.DuplicatedRecordId) —
// is retried NumberOfRetries times at once; if every attempt fails, the chunk's records all go to
// the error output with the last attempt's error.
//
// Error output: one JSON object per failed record, newline-terminated, in input order:
//   {"attemptsMade": N, "arrivalTimestamp": MS, "errorCode": CODE, "errorMessage": TEXT,
//    "attemptEndingTimestamp": MS, "rawData": BASE64 (the record as it arrived), "lambdaArn": ARN}
// attemptEndingTimestamp is the clock when the chunk's attempts ended, so error output is not
// byte-identical across redeliveries (everything else is, for a deterministic function).
//
// Thread-safety: pure apart from the processor's calls.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/delivery/processing_config.h"
#include "stream/delivery/record_processor.h"
#include "stream/stream_reader.h"

namespace freshet::stream::delivery {

// What !{firehose:error-output-type} gives for records the Lambda failed.
inline constexpr std::string_view kProcessingFailed = "processing-failed";

struct ProcessingContext {
  std::string delivery_name;
  std::string source_stream_arn;  // KinesisStreamARN; "" for DirectPut
  bool direct_put = true;
  uint32_t delivery_id = 0;
  std::string invocation_seed;  // names the invocations (the object's key)
  std::function<uint64_t()> now_ms;
};

struct ProcessedRecords {
  std::string data;    // the Ok records' data, concatenated in input order
  std::string errors;  // the error output (see above); "" when no record failed
  uint64_t ok = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
  uint64_t invocations = 0;  // attempts made, over every chunk
};

// The recordId of a record (see above): `high` is the delivery id (DirectPut) or the shard.
std::string ProcessingRecordId(uint32_t high, uint64_t sequence);

// Runs `records` (in object order) through the function of `config`.
// Errors: Aborted from the processor (stopping: nothing is decided, the caller retries later).
// REQUIRES: config.enabled, processor non-null.
Result<ProcessedRecords> ProcessRecords(const ProcessingConfig& config, const ProcessingContext& context,
                                        const std::vector<Record>& records, RecordProcessor* processor);

}  // namespace freshet::stream::delivery
