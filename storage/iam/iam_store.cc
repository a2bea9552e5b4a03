// IamStore (iam_store.h), roles half: validation, roles, their attached and inline policies. The
// customer managed policies are in iam_policy_store.cc; the stored records in iam_codec.h.
#include "storage/iam/iam_store.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "storage/batch.h"
#include "storage/iam/iam_codec.h"

namespace freshet::storage {

using Json = nlohmann::json;
using iam_internal::DecodeRole;
using iam_internal::EncodePolicy;
using iam_internal::EncodeRole;
using iam_internal::IamKey;
using iam_internal::IamWriteMutex;
using iam_internal::kPolicyTag;
using iam_internal::kRoleTag;
using iam_internal::NewIamId;
using iam_internal::RoleNotFound;
using iam_internal::ScanIam;

IamStore::IamStore(Db* db, std::string account) : db_(db), account_(std::move(account)) {}

std::string IamStore::RoleArn(const IamRole& role) const {
  return "arn:aws:iam::" + account_ + ":role" + role.path + role.name;
}

Status IamStore::ValidateName(std::string_view what, std::string_view name, size_t max_length) {
  if (name.empty() || name.size() > max_length) {
    return Status::InvalidArgument("1 validation error detected: Value '" + std::string(name) + "' at '" +
                                   std::string(what) +
                                   "' failed to satisfy constraint: Member must have length "
                                   "between 1 and " +
                                   std::to_string(max_length));
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_+=,.@-").find(c) != std::string_view::npos)) {
      return Status::InvalidArgument("1 validation error detected: Value '" + std::string(name) + "' at '" +
                                     std::string(what) +
                                     "' failed to satisfy constraint: Member must satisfy "
                                     "regular expression pattern: [\\w+=,.@-]+");
    }
  }
  return Status::OK();
}

Status IamStore::ValidatePath(std::string_view path) {
  bool ok = !path.empty() && path.size() <= 512 && path.front() == '/' && path.back() == '/';
  for (char c : path) ok = ok && c >= 0x21 && c <= 0x7e;
  if (ok) return Status::OK();
  return Status::InvalidArgument(
      "The specified value for path is invalid. It must begin and end with / and contain "
      "only alphanumeric characters and/or / characters.");
}

Status IamStore::ValidatePolicyDocument(std::string_view document) {
  Json j = Json::parse(document, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("Syntax errors in policy.");
  return Status::OK();
}

Status IamStore::SaveRole(const IamRole& role) {
  Batch batch;
  batch.Put(Cf::kMeta, IamKey(kRoleTag, role.name), EncodeRole(role));
  return db_->Write(&batch);
}

Status IamStore::SavePolicy(const IamPolicy& policy) {
  Batch batch;
  batch.Put(Cf::kMeta, IamKey(kPolicyTag, policy.name), EncodePolicy(policy));
  return db_->Write(&batch);
}

Result<IamRole> IamStore::CreateRole(IamRole role, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidateName("roleName", role.name, 64));
  FRESHET_RETURN_IF_ERROR(ValidatePath(role.path));
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(role.assume_role_policy));
  std::lock_guard lock(IamWriteMutex());
  // Role names are unique regardless of case, as in IAM.
  FRESHET_ASSIGN_OR_RETURN(auto roles, ListRoles("/"));
  for (const auto& r : roles) {
    if (std::equal(r.name.begin(), r.name.end(), role.name.begin(), role.name.end(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return Status::AlreadyExists("Role with name " + role.name + " already exists.");
    }
  }
  role.id = NewIamId("AROA");
  role.created_ms = now_ms;
  role.attached_policy_arns.clear();
  role.inline_policies.clear();
  FRESHET_RETURN_IF_ERROR(SaveRole(role));
  return role;
}

Result<IamRole> IamStore::GetRole(std::string_view name) const {
  std::string value;
  Status s = db_->Get(Cf::kMeta, IamKey(kRoleTag, name), &value);
  if (s.IsNotFound()) return RoleNotFound(name);
  FRESHET_RETURN_IF_ERROR(s);
  return DecodeRole(value);
}

Result<std::vector<IamRole>> IamStore::ListRoles(std::string_view path_prefix) const {
  FRESHET_ASSIGN_OR_RETURN(auto values, ScanIam(*db_, kRoleTag));
  std::vector<IamRole> out;
  for (const auto& v : values) {
    FRESHET_ASSIGN_OR_RETURN(IamRole r, DecodeRole(v));
    if (r.path.rfind(path_prefix, 0) == 0) out.push_back(std::move(r));
  }
  return out;
}

Status IamStore::DeleteRole(std::string_view name) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(name));
  if (!role.attached_policy_arns.empty() || !role.inline_policies.empty()) {
    return Status::FailedPrecondition("Cannot delete entity, must detach all policies first.");
  }
  Batch batch;
  batch.Delete(Cf::kMeta, IamKey(kRoleTag, name));
  return db_->Write(&batch);
}

Status IamStore::UpdateAssumeRolePolicy(std::string_view name, std::string document) {
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(name));
  role.assume_role_policy = std::move(document);
  return SaveRole(role);
}

Status IamStore::AttachRolePolicy(std::string_view role_name, std::string_view policy_arn) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  if (!GetPolicy(policy_arn).ok()) {
    return Status::NotFound("Policy " + std::string(policy_arn) + " does not exist or is not attachable.");
  }
  auto& arns = role.attached_policy_arns;
  if (std::find(arns.begin(), arns.end(), policy_arn) != arns.end()) return Status::OK();
  if (arns.size() >= 20) {
    return Status::LimitExceeded("Cannot exceed quota for PoliciesPerRole: 20");
  }
  arns.emplace_back(policy_arn);
  return SaveRole(role);
}

Status IamStore::DetachRolePolicy(std::string_view role_name, std::string_view policy_arn) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  auto& arns = role.attached_policy_arns;
  auto it = std::find(arns.begin(), arns.end(), policy_arn);
  if (it == arns.end()) return Status::NotFound("Policy " + std::string(policy_arn) + " was not found.");
  arns.erase(it);
  return SaveRole(role);
}

Status IamStore::PutRolePolicy(std::string_view role_name, std::string_view policy_name, std::string document) {
  FRESHET_RETURN_IF_ERROR(ValidateName("policyName", policy_name, 128));
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  role.inline_policies[std::string(policy_name)] = std::move(document);
  return SaveRole(role);
}

Result<std::string> IamStore::GetRolePolicy(std::string_view role_name, std::string_view policy_name) const {
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  auto it = role.inline_policies.find(std::string(policy_name));
  if (it == role.inline_policies.end()) {
    return Status::NotFound("The role policy with name " + std::string(policy_name) + " cannot be found.");
  }
  return it->second;
}

Status IamStore::DeleteRolePolicy(std::string_view role_name, std::string_view policy_name) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  if (role.inline_policies.erase(std::string(policy_name)) == 0) {
    return Status::NotFound("The role policy with name " + std::string(policy_name) + " cannot be found.");
  }
  return SaveRole(role);
}

}  // namespace freshet::storage
