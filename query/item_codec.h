// Item codec: the binary value stored for an item in the items column family.
//
// Grammar (varint32 is LEB128, as in storage/codec.h):
//
//   item_value := 0x01 members                   -- 0x01: format version
//   members    := varint32 count member*         -- members in strictly increasing name order
//   member     := varint32 len name value
//   value      := 'S' varint32 len utf8          -- S
//               | 'N' varint32 len text          -- N, the decimal text as given (lossless)
//               | 'B' varint32 len bytes         -- B
//               | 'T' | 'F'                      -- BOOL true, false
//               | '0'                            -- NULL
//               | 'L' varint32 count value*      -- L
//               | 'M' members                    -- M
//               | 's' | 'n' | 'b' varint32 count (varint32 len bytes)*   -- SS, NS, BS
//
// Key attributes are not in the value: they are in the item's key (see item_key.h), so the
// value holds only the other attributes. Nesting is at most kMaxDepth levels deep.
//
// Thread-safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "storage/codec.h"

namespace freshet::query {

inline constexpr int kMaxDepth = 32;

// Appends the encoding of every attribute of `item` except those named `skip1` and `skip2`
// (empty names skip nothing).
void EncodeItemValue(const Item& item, std::string_view skip1, std::string_view skip2, std::string* dst);

// Adds the attributes encoded in `value` to *item (with Item::Set, so existing attributes with
// other names stay). Returns false if `value` is malformed; *item is then unspecified.
bool DecodeItemValue(std::string_view value, Item* item);

// As DecodeItemValue, but only the top-level attributes named in `attributes` (every one if it
// is empty) are built; the others are stepped over without being built (a projection costs
// less than the whole item).
bool DecodeItemValueProjected(std::string_view value, const std::vector<std::string>& attributes, Item* item);

// Steps over one encoded `value` at the front of *in. Returns false if it is malformed.
bool SkipValue(std::string_view* in, int depth);
// Writes one encoded `value` from the front of *in at p as DynamoDB typed JSON ({"N":"22.8"},
// ...), exactly as ItemToTypedJson writes it, and consumes it. p must have room for
// kTypedJsonRoomPerByte bytes per encoded byte the value takes (at most that many per byte of
// *in). Returns the end of what was written, or null if the value is malformed.
inline constexpr size_t kTypedJsonRoomPerByte = 16;  // {"BOOL":false} for the one byte 'F'
char* PutTypedJsonValue(std::string_view* in, int depth, char* p);

// DynamoDB's size of an N value: one byte per two significant digits, plus one (AWS's "about").
size_t NumberSize(std::string_view text);
// Adds the DynamoDB size of the attributes encoded in `value` (an `item_value`) to *size: per
// attribute its name's bytes plus its value's (S and B their bytes, N NumberSize, BOOL and NULL
// 1, L and M 3 plus 1 per element and each element's size, M's member names counted too; sets
// the sum of their elements). The key attributes, which are not in the value, are not counted.
// Returns false if `value` is malformed.
bool EncodedItemSize(std::string_view value, size_t* size);

// Reading an encoded item (`item_value`) member by member: GetEncodedMemberCount consumes the
// version byte and the member count; then for each member GetEncodedName, followed by its value
// (consume it with SkipValue or PutTypedJsonValue). Return false if malformed.
inline bool GetEncodedMemberCount(std::string_view* in, uint32_t* count) {
  if (in->empty() || in->front() != '\x01') return false;
  in->remove_prefix(1);
  return codec::GetVarint32(in, count) && *count <= in->size();
}
inline bool GetEncodedName(std::string_view* in, std::string_view* name) { return codec::GetLengthPrefixed(in, name); }

}  // namespace freshet::query
