// Base64 for the transport (SigV4 and CBOR blobs): storage/text.h's codec under the names the
// transport uses. Base64Decode is strict (see text::DecodeBase64).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/text.h"

namespace freshet::http {

inline std::string Base64Encode(std::string_view bytes) { return text::EncodeBase64(bytes); }

inline std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  if (!text::DecodeBase64(text, &out)) return std::nullopt;
  return out;
}

}  // namespace freshet::http
