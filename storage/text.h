// Text helpers shared by every module that writes JSON or checks text: one JSON string escaper
// and one UTF-8 validator (no RocksDB here; storage/ is simply the bottom of the module graph).
//
// Thread-safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>

namespace freshet::text {

// Whether `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), no
// code points past U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::string_view text);

// Appends `text` as a JSON string literal: quotes, '"' and '\' escaped, \n \r \t by name, other
// bytes below 0x20 as \u00XX. Bytes >= 0x80 are copied as they are (the caller ensures UTF-8
// where the reader needs it).
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace freshet::text
