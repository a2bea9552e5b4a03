// IAM record codec (internal to storage/iam): the meta keys and JSON values IamStore keeps, and the
// helpers its role and policy halves share.
//
// Keys: kRoleTag ('R') + role name, kPolicyTag ('P') + policy name (docs/codec.md). Values: one JSON
// object per role or policy; Decode* return Corruption naming what was stored wrong.
//
// Thread-safety: the functions are pure except IamWriteMutex (the process-wide mutex that serializes
// IamStore's read-check-write sequences) and NewIamId (OpenSSL's RNG, thread-safe).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/iam/iam_store.h"
#include "storage/status.h"

namespace freshet::storage::iam_internal {

inline constexpr char kRoleTag = 'R';
inline constexpr char kPolicyTag = 'P';

// The mutex every IamStore write holds across its read-check-write.
std::mutex& IamWriteMutex();

// The meta key of the record `name` under `tag`.
std::string IamKey(char tag, std::string_view name);

// AWS's unique ids: `prefix` (4 letters, e.g. "AROA") and 17 characters of [A-Z2-7].
std::string NewIamId(std::string_view prefix);

std::string EncodeRole(const IamRole& role);
Result<IamRole> DecodeRole(std::string_view text);
std::string EncodePolicy(const IamPolicy& policy);
Result<IamPolicy> DecodePolicy(std::string_view text);

// Every value under `tag`, in key order.
Result<std::vector<std::string>> ScanIam(const Db& db, char tag);

// NoSuchEntity's message for role `name`.
Status RoleNotFound(std::string_view name);

}  // namespace freshet::storage::iam_internal
