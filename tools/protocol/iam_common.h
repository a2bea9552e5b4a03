// Shared pieces of the IAM and STS operations (iam_roles.cc, iam_policies.cc, sts_ops.cc):
// reading query-protocol parameters from the request (every value arrives as a string; lists as
// arrays, see tools/iam/query_params.h), paging, and the response shapes of roles and policies.
//
// Policy documents are returned URL-encoded, as IAM returns them (botocore and the aws CLI decode
// them back into JSON).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/iam/iam_store.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::iam {

// The member as a string, or nullopt when absent.
std::optional<std::string> Param(const Json& request, const char* member);
// The member, or AWS's ValidationError "Value null at 'roleName' ..." naming `wire_name`.
Outcome RequireParam(const Json& request, const char* member, const char* wire_name, std::string* out);
// "true"/"false" (absent = `fallback`).
bool BoolParam(const Json& request, const char* member, bool fallback);
// Tags.member.N.Key / .Value.
std::vector<storage::IamTag> TagsParam(const Json& request);

AwsError IamError(std::string code, std::string message, int status);
AwsError MalformedPolicy();

// "2026-11-29T21:04:05Z".
std::string IsoSeconds(uint64_t ms);
std::string UrlEncodeDocument(std::string_view document);

Json RoleJson(const storage::IamStore& store, const storage::IamRole& role, bool with_tags);
Json PolicyJson(const storage::IamPolicy& policy, bool with_tags);
Json TagsJson(const std::vector<storage::IamTag>& tags);

// Pages `items` as IAM does: Marker (opaque: the index to resume at) and MaxItems (1..1000,
// default 100). Returns the response: the page under `list_name`, IsTruncated and Marker; or
// ValidationError for a bad Marker or MaxItems.
Outcome Page(const Json& request, const std::vector<Json>& items, const char* list_name);

// In an operation handler (a function of `const Call& call` returning Outcome): declares
// std::string `var` holding request member `member`, or returns RequireParam's ValidationError
// naming `wire`.
#define FRESHET_IAM_PARAM(var, member, wire) \
  std::string var;                           \
  if (Outcome _o = RequireParam(call.request, member, wire, &var); !_o.ok()) return _o

inline storage::IamStore Store(const Call& call) { return storage::IamStore(call.backend.db, call.context.account_id); }

}  // namespace freshet::protocol::iam
