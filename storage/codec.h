// The key codec: every byte layout freshet writes to RocksDB, in one place.
//
// Grammar (all integers big-endian, so byte order is numeric order; a copy is in docs/codec.md):
//
//   u32, u64         := fixed-width big-endian unsigned integer
//   bytes            := (raw byte other than 0x00 | 0x00 0xFF)* 0x00 0x01
//                       -- order-preserving: a shorter string that is a prefix sorts first,
//                       -- and no encoded string is a prefix of another
//   number           := 0x02                                       -- zero
//                     | 0x03 exp (digit)+ 0x00                     -- positive
//                     | 0x01 ~exp (~digit)+ 0xFF                   -- negative (bytes complemented)
//                       -- value = 0.d1 d2 ... dn x 10^E with d1 != 0 and dn != 0;
//                       -- exp = E + 129 (one byte: E is in [-129, 126]); digit = d + 1 (0x01..0x0A)
//   varint32         := LEB128, for lengths inside values only (never inside keys)
//
//   meta CF:    key := tag name_bytes              value := JSON description
//                 tag 'n' (next id)      key := 'n'               value := u32
//                 tag 's' (stream)       key := 's' name          value := JSON (stream/stream_description.h;
//                                                              shards listed once resharded)
//                 tag 't' (table)        key := 't' name          value := JSON
//                 tag 'h' (trim horizon) key := 'h' u32 stream_id u32 shard   value := u64 first kept seq
//                 tag 'a' (stream attributes) key := 'a' u32 stream_id    value := JSON {mode, tags}
//                 tag 'R' (IAM role)     key := 'R' name     value := JSON (storage/iam/iam_store.h)
//                 tag 'P' (IAM policy)   key := 'P' name     value := JSON, with its versions
//                 tag 'D' (delivery stream) key := 'D' name     value := JSON (stream/delivery/delivery_spec.h)
//                 tag 'E' (delivery state)  key := 'E' u32 delivery_id u8 kind [u64 ordinal]
//                   kind 'p': the sealed buffer being delivered;
//                   'o' u64 ordinal: the manifest entry of a delivered object   value := JSON
//                 tag 'e' (event-source mapping) key := 'e' uuid         value := JSON
//                 tag 'L' (Lambda function) key := 'L' name  value := JSON (tools/lambda/function_store.h)
//                 tag 'G' (HTTP route)   key := 'G' method ' ' path   value := JSON {function, method, path}
//   log CF:     key := u32 stream_id u32 shard u64 sequence
//               value := u64 arrival_ms u8 flags varint32 len partition_key
//                        [16 bytes explicit hash key, if flags & 1] data...
//   items CF:   key := u32 table_id key_component(partition) [key_component(sort)]
//                 key_component := bytes (for S and B) | number (for N)
//               value := the item, encoded by query/ (see query/item_codec.h)
//               index entries: key := u32 0xFFFFFFFF u32 table_id u32 index_number
//                   key_component(index pk) [key_component(index sk)] key_component(pk) [key_component(sk)]
//                 value := the projected item (query/secondary_index.h)
//               change records: key := u32 0xFFFFFFFE u32 table_id u64 label_ms u64 sequence
//                 value := JSON (query/change_stream.h)
//   cursors CF: key := bytes(consumer name) u32 stream_id u32 shard   value := u64 last applied seq
//
// Tags are frozen: changing one makes existing data directories unreadable.
//
// Thread-safety: all functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::codec {

// --- Fixed-width big-endian integers ---
void PutFixed32(std::string* dst, uint32_t value);
void PutFixed64(std::string* dst, uint64_t value);
inline uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
uint64_t DecodeFixed64(const char* p);
// Consume a fixed-width integer from the front of *in. Return false if *in is too short.
// (GetFixed32 and GetVarint32 are inline: every item key and value read goes through them.)
inline bool GetFixed32(std::string_view* in, uint32_t* value) {
  if (in->size() < 4) return false;
  *value = DecodeFixed32(in->data());
  in->remove_prefix(4);
  return true;
}
bool GetFixed64(std::string_view* in, uint64_t* value);

// --- Variable-length integers (values only) ---
void PutVarint32(std::string* dst, uint32_t value);
bool GetVarint32Slow(std::string_view* in, uint32_t* value);  // GetVarint32 past its first byte
inline bool GetVarint32(std::string_view* in, uint32_t* value) {
  if (!in->empty() && (static_cast<unsigned char>(in->front()) & 0x80) == 0) {  // below 128: one byte
    *value = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    return true;
  }
  return GetVarint32Slow(in, value);
}

// Consumes a varint32 length and that many bytes from the front of *in, setting *out to the
// bytes. Returns false if *in is too short.
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

// --- Order-preserving strings ---
void PutOrderedBytes(std::string* dst, std::string_view value);
// Appends the escaped form of `value` without the terminator: every encoded string that starts
// with `value` starts with these bytes (for prefix scans such as begins_with).
void PutOrderedBytesPrefix(std::string* dst, std::string_view value);
// Consumes one encoded string. Returns false (and leaves *in unspecified) on malformed input.
bool GetOrderedBytes(std::string_view* in, std::string* value);

// --- Order-preserving decimal numbers (DynamoDB N) ---
// Appends the encoding of `decimal` ("-12.5e3", "0.001", "42"). Returns InvalidArgument if it
// is not a number, has more than 38 significant digits, or its magnitude is outside
// [1e-130, 1e126).
[[nodiscard]] Status PutOrderedNumber(std::string* dst, std::string_view decimal);
// Consumes one encoded number and sets *decimal to its canonical text (no exponent unless
// needed, e.g. "12.5", "-0.001", "1E+40"). Returns false on malformed input.
bool GetOrderedNumber(std::string_view* in, std::string* decimal);
// Canonical text of a DynamoDB number, or InvalidArgument (same rules as PutOrderedNumber).
Result<std::string> CanonicalNumber(std::string_view decimal);

// Smallest string greater than every string with this prefix; empty if there is none
// (the prefix is all 0xFF). Used as an exclusive upper bound.
std::string PrefixSuccessor(std::string_view prefix);

// --- Meta keys ---
inline constexpr char kMetaNextId = 'n';
inline constexpr char kMetaStream = 's';
inline constexpr char kMetaTable = 't';
inline constexpr char kMetaTrimHorizon = 'h';
inline constexpr char kMetaStreamAttributes = 'a';    // 'a' u32 stream_id -> JSON {mode, tags}
inline constexpr char kMetaDelivery = 'D';            // 'D' name -> JSON delivery stream description
inline constexpr char kMetaDeliveryState = 'E';       // 'E' u32 delivery_id kind ... (see the grammar)
inline constexpr char kMetaEventSourceMapping = 'e';  // 'e' uuid -> JSON (stream/functions/mapping.h)
inline constexpr char kMetaFunction = 'L';            // 'L' name -> JSON function configuration
inline constexpr char kMetaRoute = 'G';               // 'G' method ' ' path -> JSON route
std::string MetaKey(char tag, std::string_view name);
std::string TrimHorizonKey(uint32_t stream_id, uint32_t shard);

// --- Log keys and values ---
struct LogKey {
  uint32_t stream_id = 0;
  uint32_t shard = 0;
  uint64_t sequence = 0;

  static constexpr size_t kEncodedSize = 16;
  std::string Encode() const;
  void AppendTo(std::string* dst) const;
  // Returns false unless `key` is exactly a log key.
  static bool Decode(std::string_view key, LogKey* out);
  static std::string StreamPrefix(uint32_t stream_id);
  static std::string ShardPrefix(uint32_t stream_id, uint32_t shard);
};

struct LogValue {
  uint64_t arrival_ms = 0;
  std::string_view partition_key;
  std::optional<std::string_view> explicit_hash_key;  // 16 bytes, big-endian 128-bit
  std::string_view data;

  void AppendTo(std::string* dst) const;
  // The views in *out point into `value`. Returns false if `value` is malformed.
  static bool Decode(std::string_view value, LogValue* out);
};

// --- Cursor keys ---
struct CursorKey {
  std::string consumer;
  uint32_t stream_id = 0;
  uint32_t shard = 0;

  std::string Encode() const;
  static bool Decode(std::string_view key, CursorKey* out);
  static std::string ConsumerPrefix(std::string_view consumer);
};

}  // namespace freshet::codec
