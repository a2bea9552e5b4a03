// Reading members of an AWS JSON request, with AWS's validation errors.
//
// AWS answers a missing or out-of-range member with ValidationException and a message such as
// "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member
// must not be null"; a member of the wrong JSON type with SerializationException. The readers
// here return Checked<T>: the value, or that error.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "tools/protocol/aws_error.h"

namespace freshet::protocol {

template <typename T>
class [[nodiscard]] Checked {
 public:
  Checked(T value) : rep_(std::move(value)) {}         // NOLINT: implicit by design
  Checked(AwsError error) : rep_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(rep_); }
  T& value() { return std::get<T>(rep_); }
  AwsError& error() { return std::get<AwsError>(rep_); }

 private:
  std::variant<T, AwsError> rep_;
};

// Declares `lhs` from a Checked's value, or returns its AwsError (as an Outcome).
#define FRESHET_CHECKED_ASSIGN(lhs, expr) FRESHET_CHECKED_ASSIGN_IMPL(FRESHET_CONCAT(_chk_, __LINE__), lhs, expr)
#define FRESHET_CHECKED_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp.error());     \
  lhs = std::move(tmp.value())

// "StreamName" -> "streamName", as AWS names members in validation messages.
std::string MemberPath(std::string_view member);

AwsError ValidationError(std::string_view member, const std::string& value_text, std::string_view constraint);
AwsError MissingMember(std::string_view member);
AwsError WrongType(std::string_view member, std::string_view expected);

Checked<std::string> RequiredString(const Json& request, const char* member);
Checked<std::optional<std::string>> OptionalString(const Json& request, const char* member);
// A whole number in [min, max], or nullopt when absent or null.
Checked<std::optional<int64_t>> OptionalInteger(const Json& request, const char* member, int64_t min, int64_t max);
Checked<int64_t> RequiredInteger(const Json& request, const char* member, int64_t min, int64_t max);
// A number (epoch seconds, possibly fractional), or nullopt.
Checked<std::optional<double>> OptionalNumber(const Json& request, const char* member);
// String length within [min, max] characters (UTF-8 code points).
std::optional<AwsError> CheckLength(const std::string& value, const char* member, size_t min, size_t max);

}  // namespace freshet::protocol
