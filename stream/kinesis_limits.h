// Kinesis's limits on records and put batches, in one place for every module that makes records
// (stream/ enforces them; ingest/ batches within them). Header only, so ingest/ needs no link to
// the stream library.
#pragma once

#include <cstddef>

namespace freshet::stream {

inline constexpr size_t kMaxDataBytes = 1 << 20;      // a record's data
inline constexpr size_t kMaxPartitionKeyChars = 256;  // a partition key, in characters
inline constexpr size_t kMaxBatchRecords = 500;       // records in one PutRecords
inline constexpr size_t kMaxBatchBytes = 5 << 20;     // data and keys in one PutRecords

}  // namespace freshet::stream
