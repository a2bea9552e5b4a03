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

}  // namespace freshet::protocol
