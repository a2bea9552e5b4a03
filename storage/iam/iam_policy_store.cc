// IamStore (iam_store.h), policies half: customer managed policies and their versions, and the
// built-in AWS managed ones read through the same calls. Roles are in iam_store.cc.
#include <algorithm>
#include <mutex>

#include "storage/batch.h"
#include "storage/iam/iam_codec.h"
#include "storage/iam/iam_store.h"

namespace freshet::storage {

using iam_internal::DecodePolicy;
using iam_internal::IamKey;
using iam_internal::IamWriteMutex;
using iam_internal::kPolicyTag;
using iam_internal::NewIamId;
using iam_internal::ScanIam;

Result<IamPolicy> IamStore::CreatePolicy(IamPolicy policy, std::string document, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidateName("policyName", policy.name, 128));
  FRESHET_RETURN_IF_ERROR(ValidatePath(policy.path));
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(IamWriteMutex());
  std::string existing;
  policy.arn = "arn:aws:iam::" + account_ + ":policy" + policy.path + policy.name;
  if (db_->Get(Cf::kMeta, IamKey(kPolicyTag, policy.name), &existing).ok()) {
    return Status::AlreadyExists("A policy called " + policy.name +
                                 " already exists. Duplicate names are not allowed.");
  }
  policy.id = NewIamId("ANPA");
  policy.created_ms = policy.updated_ms = now_ms;
  policy.default_version = "v1";
  policy.versions = {{"v1", std::move(document), now_ms}};
  policy.next_version = 2;
  policy.aws_managed = false;
  FRESHET_RETURN_IF_ERROR(SavePolicy(policy));
  return policy;
}

Result<IamPolicy> IamStore::LoadLocalPolicy(std::string_view arn) const {
  auto not_found = [&] { return Status::NotFound("Policy " + std::string(arn) + " was not found."); };
  const std::string prefix = "arn:aws:iam::" + account_ + ":policy/";
  if (arn.substr(0, prefix.size()) != prefix) return not_found();
  std::string_view name = arn.substr(arn.rfind('/') + 1);
  std::string value;
  Status s = db_->Get(Cf::kMeta, IamKey(kPolicyTag, name), &value);
  if (s.IsNotFound()) return not_found();
  FRESHET_RETURN_IF_ERROR(s);
  FRESHET_ASSIGN_OR_RETURN(IamPolicy p, DecodePolicy(value));
  if (p.arn != arn) return not_found();
  return p;
}

Status IamStore::CountAttachments(std::vector<IamPolicy>* policies) const {
  FRESHET_ASSIGN_OR_RETURN(auto roles, ListRoles("/"));
  std::map<std::string, uint32_t> counts;
  for (const auto& r : roles) {
    for (const auto& arn : r.attached_policy_arns) ++counts[arn];
  }
  for (auto& p : *policies) p.attachment_count = counts.count(p.arn) ? counts[p.arn] : 0;
  return Status::OK();
}

Result<IamPolicy> IamStore::GetPolicy(std::string_view arn) const {
  std::vector<IamPolicy> one;
  for (const auto& b : BuiltinPolicies()) {
    if (b.arn == arn) one.push_back(b);
  }
  if (one.empty()) {
    FRESHET_ASSIGN_OR_RETURN(IamPolicy p, LoadLocalPolicy(arn));
    one.push_back(std::move(p));
  }
  FRESHET_RETURN_IF_ERROR(CountAttachments(&one));
  return std::move(one.front());
}

Result<std::vector<IamPolicy>> IamStore::ListPolicies(bool local, bool aws) const {
  std::vector<IamPolicy> out;
  if (aws) out = BuiltinPolicies();
  if (local) {
    FRESHET_ASSIGN_OR_RETURN(auto values, ScanIam(*db_, kPolicyTag));
    for (const auto& v : values) {
      FRESHET_ASSIGN_OR_RETURN(IamPolicy p, DecodePolicy(v));
      out.push_back(std::move(p));
    }
  }
  FRESHET_RETURN_IF_ERROR(CountAttachments(&out));
  return out;
}

Status IamStore::DeletePolicy(std::string_view arn) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, GetPolicy(arn));
  if (policy.aws_managed) return Status::InvalidArgument("Cannot delete an AWS managed policy: " + std::string(arn));
  if (policy.attachment_count > 0) return Status::FailedPrecondition("Cannot delete a policy attached to entities.");
  if (policy.versions.size() > 1) {
    return Status::FailedPrecondition(
        "This policy has more than one version. Before you delete a policy, you must "
        "delete the policy's versions. The default version is deleted with the policy.");
  }
  Batch batch;
  batch.Delete(Cf::kMeta, IamKey(kPolicyTag, policy.name));
  return db_->Write(&batch);
}

Result<IamPolicyVersion> IamStore::CreatePolicyVersion(std::string_view arn, std::string document, bool set_default,
                                                       uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, LoadLocalPolicy(arn));
  if (policy.versions.size() >= kMaxPolicyVersions) {
    return Status::LimitExceeded(
        "A managed policy can have up to 5 versions. Before you create a new version, you "
        "must delete an existing version.");
  }
  IamPolicyVersion v{"v" + std::to_string(policy.next_version++), std::move(document), now_ms};
  policy.versions.push_back(v);
  if (set_default) policy.default_version = v.id;
  policy.updated_ms = now_ms;
  FRESHET_RETURN_IF_ERROR(SavePolicy(policy));
  return v;
}

Status IamStore::DeletePolicyVersion(std::string_view arn, std::string_view version_id) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, LoadLocalPolicy(arn));
  auto it = std::find_if(policy.versions.begin(), policy.versions.end(),
                         [&](const IamPolicyVersion& v) { return v.id == version_id; });
  if (it == policy.versions.end()) {
    return Status::NotFound("Policy " + std::string(arn) + " version " + std::string(version_id) + " does not exist.");
  }
  if (policy.default_version == version_id) {
    return Status::FailedPrecondition("Cannot delete the default version of a policy.");
  }
  policy.versions.erase(it);
  return SavePolicy(policy);
}

Status IamStore::SetDefaultPolicyVersion(std::string_view arn, std::string_view version_id) {
  std::lock_guard lock(IamWriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, LoadLocalPolicy(arn));
  if (std::none_of(policy.versions.begin(), policy.versions.end(),
                   [&](const IamPolicyVersion& v) { return v.id == version_id; })) {
    return Status::NotFound("Policy " + std::string(arn) + " version " + std::string(version_id) + " does not exist.");
  }
  policy.default_version = std::string(version_id);
  return SavePolicy(policy);
}

}  // namespace freshet::storage
