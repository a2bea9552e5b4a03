// Reading stored item values (query/item_codec.h grammar) in place, without building Items: what
// a table row needs on its hot path (find a member, skip a value, write a value as plain JSON).
//
// Thread-safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>

namespace freshet::query::sql {

// Consumes a varint32 length and that many bytes from the front of *in into *out.
bool GetLengthPrefixed(std::string_view* in, std::string_view* out);
// Consumes one encoded value from the front of *in. False if it is malformed or nested deeper
// than kMaxDepth.
bool SkipEncodedValue(std::string_view* in, int depth);
// Consumes one encoded value from the front of *in and appends its plain JSON form, exactly as
// AppendPlainJson (query/item_json.h) writes the decoded value. False if it is malformed.
bool AppendEncodedJson(std::string_view* in, std::string* out, int depth);
// AppendJsonString (query/item_json.h), with the common case (no control character, quote or
// backslash) appended in one piece.
void AppendJsonText(std::string_view text, std::string* out);

}  // namespace freshet::query::sql
