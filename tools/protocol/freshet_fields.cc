#include "tools/protocol/freshet_fields.h"

namespace freshet::protocol {

Result<std::string> StringField(const Json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end() || !it->is_string()) {
    return Status::InvalidArgument(std::string("request field ") + name + " (a string) is missing");
  }
  return it->get<std::string>();
}

std::optional<std::string> OptionalStringField(const Json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<uint64_t> UintField(const Json& request, const char* name, uint64_t default_value, uint64_t max) {
  auto it = request.find(name);
  if (it == request.end() || it->is_null()) return default_value;
  if (!it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return Status::InvalidArgument(std::string("request field ") + name + " must be a whole number up to " +
                                   std::to_string(max));
  }
  return it->get<uint64_t>();
}

bool BoolField(const Json& request, const char* name, bool default_value) {
  auto it = request.find(name);
  return it != request.end() && it->is_boolean() ? it->get<bool>() : default_value;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace freshet::protocol
