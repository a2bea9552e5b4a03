// How Kinesis names things on the wire, and freshet's compact forms behind them.
//
// Sequence numbers: the log keys a record by (stream, shard index, u64 sequence); on the wire a
// sequence number is the decimal text of 2^124 + shard * 2^64 + sequence — 38 digits, increasing
// within a shard, unique within a stream, and naming its shard (so a sequence number used with the
// wrong shard is refused, as AWS does).
//
// Shard iterators: opaque base64 text of "1|stream name|stream id|shard|next sequence|issued ms".
// They expire 5 minutes after they were issued (ExpiredIteratorException), as on AWS; the stream
// id makes an iterator of a deleted and re-created stream invalid.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/protocol/fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::kinesis {

inline constexpr uint64_t kIteratorLifetimeMs = 5 * 60 * 1000;
inline constexpr int64_t kMaxGetRecordsLimit = 10000;
inline constexpr size_t kMaxGetRecordsBytes = 10 << 20;

std::string SequenceNumberText(uint32_t shard, uint64_t sequence);
struct ParsedSequence {
  uint32_t shard = 0;
  uint64_t sequence = 0;
};
// nullopt unless `text` is a sequence number freshet issued.
std::optional<ParsedSequence> ParseSequenceNumber(std::string_view text);

struct IteratorState {
  std::string stream;
  uint32_t stream_id = 0;
  uint32_t shard = 0;
  uint64_t next = 0;       // the next sequence number to read
  uint64_t issued_ms = 0;  // when the iterator was handed out
};
std::string EncodeIterator(const IteratorState& state);
std::optional<IteratorState> DecodeIterator(std::string_view text);

std::string StreamArn(const RequestContext& context, std::string_view stream);
// The stream a request names, by StreamName or StreamARN (AWS accepts either).
Checked<std::string> StreamNameOf(const Json& request);

// Epoch milliseconds as AWS's epoch seconds (a JSON number with a fraction).
Json EpochSeconds(uint64_t ms);
// The same, appended as JSON text ("1795977924.640").
void AppendEpochSeconds(uint64_t ms, std::string* out);

// "Stream NAME under account ACCOUNT not found."
AwsError StreamNotFound(const RequestContext& context, std::string_view stream);

}  // namespace freshet::protocol::kinesis
