// Reading request fields with one-line errors that name the field. Internal to the Api.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stream/api.h"

namespace freshet::api {

Result<std::string> StringField(const Json& request, const char* name);
std::optional<std::string> OptionalString(const Json& request, const char* name);
Result<uint64_t> UintField(const Json& request, const char* name, uint64_t default_value, uint64_t max);
bool BoolField(const Json& request, const char* name, bool default_value);

// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Record data on the wire: text if valid UTF-8, else base64 with "Encoding": "base64".
void PutData(Json* object, const std::string& data);
Result<std::string> GetData(const Json& object);

}  // namespace freshet::api
