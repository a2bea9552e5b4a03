// Output helpers shared by commands: aligned tables for people, base64, UTF-8 checks.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "storage/text.h"

namespace freshet::cli {

using text::IsValidUtf8;

// Prints `rows` under `headers` in left-aligned columns separated by two spaces.
void PrintTable(std::ostream& out, const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);

// Base64 of record data (storage/text.h).
inline std::string Base64Encode(std::string_view bytes) { return text::EncodeBase64(bytes); }

// Parses a whole decimal number in [min, max] from a flag value; the message names the flag.
bool ParseUnsigned(std::string_view text, uint64_t min, uint64_t max, uint64_t* out);

}  // namespace freshet::cli
