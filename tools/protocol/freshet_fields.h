// Reading request members of the Freshet_20261129 operations (what AWS has no operation for),
// with one-line errors that name the member. Internal to tools/protocol.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/protocol/registry.h"

namespace freshet::protocol {

Result<std::string> StringField(const Json& request, const char* name);
std::optional<std::string> OptionalStringField(const Json& request, const char* name);
Result<uint64_t> UintField(const Json& request, const char* name, uint64_t default_value, uint64_t max);
bool BoolField(const Json& request, const char* name, bool default_value);

// A registry handler for a function that returns Result<Json> (engine Statuses map onto the
// service's error names in the dispatcher).
template <Result<Json> (*F)(const Backend&, const Json&)>
Outcome Adapt(const Call& call) {
  auto result = F(call.backend, call.request);
  if (!result.ok()) return result.status();
  return Outcome(std::move(result.value()));
}

}  // namespace freshet::protocol
