// Object names as Firehose makes them, decided by the first record of the object.
//
//   key := prefix' [hour path] file name [extension]
//   prefix'    := Prefix with its !{...} expressions evaluated (see below)
//   hour path  := "YYYY/MM/DD/HH/" (UTC, of the first record's arrival time), added only when
//                 the prefix holds no expression (Firehose's rule: a custom prefix decides the
//                 layout itself)
//   file name  := DeliveryStreamName "-" VersionId "-" YYYY-MM-DD-HH-MM-SS "-" suffix
//   suffix     := a UUID-shaped hex string (8-4-4-4-12) taken from MD5(delivery name, source
//                 stream id, shard, sequence number of the first record)
//   extension  := ".gz" | ".zip" | ".snappy" | ".hsnappy" | "" per CompressionFormat, or the
//                 Extended configuration's FileExtension when given
//
// Expressions: !{timestamp:PATTERN} with Java DateTimeFormatter letters yyyy MM dd HH mm ss (and
// 'quoted' literals; other characters are copied), of the first record's arrival time in UTC;
// !{firehose:error-output-type} (ErrorOutputPrefix only; "processing-failed" and such);
// !{firehose:random-string}: 11 characters [a-z0-9]. On AWS the suffix and random-string are
// random, so a retried object can land twice under two names; here both derive from the first
// record's position, so redelivering a buffer after a crash writes the same key, replacing the
// object with the same bytes instead of adding a copy.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"
#include "stream/delivery/delivery_spec.h"

namespace freshet::stream::delivery {

// Where an object's first record is: its source stream id, shard and sequence number, and its
// arrival time (which names the object).
struct FirstRecord {
  uint32_t stream_id = 0;
  uint32_t shard = 0;
  uint64_t sequence = 0;
  uint64_t arrival_ms = 0;
};

// Whether `prefix` holds a !{...} expression.
bool HasExpressions(std::string_view prefix);
// Checks the expressions of a prefix: namespaces timestamp and firehose, the firehose keys
// error-output-type (only in an error prefix) and random-string, balanced braces.
Status CheckPrefix(std::string_view prefix, bool error_prefix);
// Formats `ms` (UTC) with a DateTimeFormatter-like pattern (yyyy MM dd HH mm ss, 'literal').
std::string FormatTimestamp(std::string_view pattern, uint64_t ms);
// Evaluates the prefix's expressions. `error_type` is what !{firehose:error-output-type} gives.
std::string ExpandPrefix(std::string_view prefix, const std::string& delivery_name, const FirstRecord& first,
                         std::string_view error_type = "");
// The object key for a buffer starting at `first` (see the grammar above).
std::string ObjectKey(const DeliverySpec& spec, const FirstRecord& first);
// The key of the error output object for a buffer starting at `first` (Firehose's layout):
//   ErrorOutputPrefix with expressions: it, evaluated (!{firehose:error-output-type} = error_type);
//   a plain ErrorOutputPrefix:          it + error_type "/" + hour path;
//   no ErrorOutputPrefix:               Prefix + error_type "/" + hour path (Prefix then holds no
//                                       expression: ValidateDestination requires that);
// then the file name as for objects, with a suffix of its own (salted with error_type), and the
// extension. error_type is "processing-failed" for records a processing Lambda failed.
std::string ErrorObjectKey(const DeliverySpec& spec, const FirstRecord& first, std::string_view error_type);
// The deterministic stand-ins for Firehose's random parts. `salt` makes another suffix for the
// same first record (the error object's).
std::string PositionSuffix(const std::string& delivery_name, const FirstRecord& first, std::string_view salt = "");
std::string PositionRandomString(const std::string& delivery_name, const FirstRecord& first);

}  // namespace freshet::stream::delivery
