// Standard base64 (RFC 4648 section 4, with "=" padding), as AWS's JSON protocols carry blobs.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace freshet::http {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical padded base64 (wrong length, a byte
// outside the alphabet, padding in the middle, or non-zero bits in the last symbol's padding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace freshet::http
