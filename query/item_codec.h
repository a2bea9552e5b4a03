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

#include "query/item.h"

namespace freshet::query {

inline constexpr int kMaxDepth = 32;

// Appends the encoding of every attribute of `item` except those named `skip1` and `skip2`
// (empty names skip nothing).
void EncodeItemValue(const Item& item, std::string_view skip1, std::string_view skip2,
                     std::string* dst);

// Adds the attributes encoded in `value` to *item (with Item::Set, so existing attributes with
// other names stay). Returns false if `value` is malformed; *item is then unspecified.
bool DecodeItemValue(std::string_view value, Item* item);

}  // namespace freshet::query
