#include "tools/protocol/fields.h"

#include <cctype>
#include <cmath>

namespace freshet::protocol {

std::string MemberPath(std::string_view member) {
  std::string out(member);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

AwsError ValidationError(std::string_view member, const std::string& value_text, std::string_view constraint) {
  return AwsError::Client("ValidationException", "1 validation error detected: Value " + value_text + " at '" +
                                                     MemberPath(member) +
                                                     "' failed to satisfy constraint: " + std::string(constraint));
}

AwsError MissingMember(std::string_view member) { return ValidationError(member, "null", "Member must not be null"); }

AwsError WrongType(std::string_view member, std::string_view expected) {
  return AwsError::Client("SerializationException",
                          "member " + std::string(member) + " must be " + std::string(expected));
}

Checked<std::string> RequiredString(const Json& request, const char* member) {
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return MissingMember(member);
  if (!it->is_string()) return WrongType(member, "a string");
  return it->get<std::string>();
}

Checked<std::optional<std::string>> OptionalString(const Json& request, const char* member) {
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return WrongType(member, "a string");
  return std::optional<std::string>(it->get<std::string>());
}

Checked<std::optional<int64_t>> OptionalInteger(const Json& request, const char* member, int64_t min, int64_t max) {
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return std::optional<int64_t>();
  int64_t v = 0;
  if (it->is_number_integer()) {
    if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return ValidationError(member, "'" + it->dump() + "'",
                             "Member must have value less than or equal to " + std::to_string(max));
    }
    v = it->get<int64_t>();
  } else if (it->is_number_float() && std::nearbyint(it->get<double>()) == it->get<double>() &&
             std::fabs(it->get<double>()) < 9e18) {
    v = static_cast<int64_t>(it->get<double>());
  } else {
    return WrongType(member, "an integer");
  }
  if (v < min) {
    return ValidationError(member, "'" + std::to_string(v) + "'",
                           "Member must have value greater than or equal to " + std::to_string(min));
  }
  if (v > max) {
    return ValidationError(member, "'" + std::to_string(v) + "'",
                           "Member must have value less than or equal to " + std::to_string(max));
  }
  return std::optional<int64_t>(v);
}

Checked<int64_t> RequiredInteger(const Json& request, const char* member, int64_t min, int64_t max) {
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> v, OptionalInteger(request, member, min, max));
  if (!v) return MissingMember(member);
  return *v;
}

Checked<std::optional<double>> OptionalNumber(const Json& request, const char* member) {
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return WrongType(member, "a number (seconds since the epoch)");
  return std::optional<double>(it->get<double>());
}

std::optional<AwsError> CheckLength(const std::string& value, const char* member, size_t min, size_t max) {
  size_t n = 0;
  for (char c : value) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  if (n < min) {
    return ValidationError(member, "'" + value + "'",
                           "Member must have length greater than or equal to " + std::to_string(min));
  }
  if (n > max) {
    return ValidationError(member, "'" + value.substr(0, 64) + (value.size() > 64 ? "...'" : "'"),
                           "Member must have length less than or equal to " + std::to_string(max));
  }
  return std::nullopt;
}

}  // namespace freshet::protocol
