// Text helpers shared by every module that writes JSON or checks text: one JSON string escaper
// one UTF-8 validator and one base64 codec (no RocksDB here; storage/ is simply the bottom of the
// module graph).
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
// The same literal written at p, which must have room for 6 * text.size() + 2 bytes; returns the
// end of what was written. For writers that size their buffer once (query/stored_json.cc).
char* PutJsonString(std::string_view text, char* p);

// Base64, standard alphabet, padded (RFC 4648 section 4), through OpenSSL. DecodeBase64 is strict:
// a length that is a multiple of 4, only alphabet characters, '=' only as the last one or two,
// no stray bits before the padding;
// it returns false (and leaves *bytes unspecified) otherwise.
std::string EncodeBase64(std::string_view bytes);
bool DecodeBase64(std::string_view text, std::string* bytes);

}  // namespace freshet::text
