// IamStore (iam_store.h): roles and policies as JSON values under meta tags 'R' and 'P'.
#include "storage/iam/iam_store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "storage/batch.h"
#include "storage/iterator.h"

namespace freshet::storage {
namespace {

using Json = nlohmann::json;

constexpr char kRoleTag = 'R';
constexpr char kPolicyTag = 'P';

std::mutex& WriteMutex() {
  static std::mutex mu;
  return mu;
}

std::string Key(char tag, std::string_view name) {
  std::string k(1, tag);
  k.append(name);
  return k;
}

// AWS's unique ids: a 4-letter prefix and 17 characters of [A-Z2-7] (base32 letters, as AWS's).
std::string NewId(std::string_view prefix) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  unsigned char random[17];
  if (RAND_bytes(random, sizeof random) != 1) {
    for (auto& r : random) r = static_cast<unsigned char>(std::rand());
  }
  std::string id(prefix);
  for (unsigned char r : random) id.push_back(kAlphabet[r % 32]);
  return id;
}

Json TagsJson(const std::vector<IamTag>& tags) {
  Json out = Json::array();
  for (const auto& t : tags) out.push_back({t.key, t.value});
  return out;
}

std::vector<IamTag> TagsFrom(const Json& j) {
  std::vector<IamTag> out;
  for (const auto& t : j) out.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>()});
  return out;
}

std::string EncodeRole(const IamRole& r) {
  Json j = {{"name", r.name},
            {"path", r.path},
            {"id", r.id},
            {"created_ms", r.created_ms},
            {"assume_role_policy", r.assume_role_policy},
            {"description", r.description},
            {"max_session_duration", r.max_session_duration},
            {"tags", TagsJson(r.tags)},
            {"attached", r.attached_policy_arns},
            {"inline", r.inline_policies}};
  return j.dump();
}

Result<IamRole> DecodeRole(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored IAM role is not JSON");
  try {
    IamRole r;
    r.name = j.at("name").get<std::string>();
    r.path = j.at("path").get<std::string>();
    r.id = j.at("id").get<std::string>();
    r.created_ms = j.at("created_ms").get<uint64_t>();
    r.assume_role_policy = j.at("assume_role_policy").get<std::string>();
    r.description = j.value("description", "");
    r.max_session_duration = j.value("max_session_duration", 3600);
    r.tags = TagsFrom(j.value("tags", Json::array()));
    r.attached_policy_arns = j.value("attached", std::vector<std::string>{});
    r.inline_policies = j.value("inline", std::map<std::string, std::string>{});
    return r;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("stored IAM role: ") + e.what());
  }
}

std::string EncodePolicy(const IamPolicy& p) {
  Json versions = Json::array();
  for (const auto& v : p.versions) versions.push_back({{"id", v.id}, {"document", v.document}, {"created_ms", v.created_ms}});
  Json j = {{"name", p.name},         {"path", p.path},
            {"id", p.id},             {"arn", p.arn},
            {"created_ms", p.created_ms}, {"updated_ms", p.updated_ms},
            {"description", p.description}, {"default_version", p.default_version},
            {"versions", versions},   {"next_version", p.next_version},
            {"tags", TagsJson(p.tags)}};
  return j.dump();
}

Result<IamPolicy> DecodePolicy(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored IAM policy is not JSON");
  try {
    IamPolicy p;
    p.name = j.at("name").get<std::string>();
    p.path = j.at("path").get<std::string>();
    p.id = j.at("id").get<std::string>();
    p.arn = j.at("arn").get<std::string>();
    p.created_ms = j.at("created_ms").get<uint64_t>();
    p.updated_ms = j.at("updated_ms").get<uint64_t>();
    p.description = j.value("description", "");
    p.default_version = j.at("default_version").get<std::string>();
    for (const auto& v : j.at("versions")) {
      p.versions.push_back({v.at("id").get<std::string>(), v.at("document").get<std::string>(),
                            v.at("created_ms").get<uint64_t>()});
    }
    p.next_version = j.at("next_version").get<int>();
    p.tags = TagsFrom(j.value("tags", Json::array()));
    return p;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("stored IAM policy: ") + e.what());
  }
}

// Every value under `tag`, in key order.
Result<std::vector<std::string>> Scan(const Db& db, char tag) {
  std::vector<std::string> out;
  auto it = db.NewIterator(Cf::kMeta, std::string(1, tag), std::string(1, static_cast<char>(tag + 1)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->value());
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Status RoleNotFound(std::string_view name) {
  return Status::NotFound("The role with name " + std::string(name) + " cannot be found.");
}

}  // namespace

IamStore::IamStore(Db* db, std::string account) : db_(db), account_(std::move(account)) {}

std::string IamStore::RoleArn(const IamRole& role) const {
  return "arn:aws:iam::" + account_ + ":role" + role.path + role.name;
}

Status IamStore::ValidateName(std::string_view what, std::string_view name, size_t max_length) {
  if (name.empty() || name.size() > max_length) {
    return Status::InvalidArgument("1 validation error detected: Value '" + std::string(name) + "' at '" +
                                   std::string(what) + "' failed to satisfy constraint: Member must have length "
                                   "between 1 and " + std::to_string(max_length));
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos)) {
      return Status::InvalidArgument("1 validation error detected: Value '" + std::string(name) + "' at '" +
                                     std::string(what) + "' failed to satisfy constraint: Member must satisfy "
                                     "regular expression pattern: [\\w+=,.@-]+");
    }
  }
  return Status::OK();
}

Status IamStore::ValidatePath(std::string_view path) {
  bool ok = !path.empty() && path.size() <= 512 && path.front() == '/' && path.back() == '/';
  for (char c : path) ok = ok && c >= 0x21 && c <= 0x7e;
  if (ok) return Status::OK();
  return Status::InvalidArgument("The specified value for path is invalid. It must begin and end with / and contain "
                                 "only alphanumeric characters and/or / characters.");
}

Status IamStore::ValidatePolicyDocument(std::string_view document) {
  Json j = Json::parse(document, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("Syntax errors in policy.");
  return Status::OK();
}

Status IamStore::SaveRole(const IamRole& role) {
  Batch batch;
  batch.Put(Cf::kMeta, Key(kRoleTag, role.name), EncodeRole(role));
  return db_->Write(&batch);
}

Status IamStore::SavePolicy(const IamPolicy& policy) {
  Batch batch;
  batch.Put(Cf::kMeta, Key(kPolicyTag, policy.name), EncodePolicy(policy));
  return db_->Write(&batch);
}

Result<IamRole> IamStore::CreateRole(IamRole role, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidateName("roleName", role.name, 64));
  FRESHET_RETURN_IF_ERROR(ValidatePath(role.path));
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(role.assume_role_policy));
  std::lock_guard lock(WriteMutex());
  // Role names are unique regardless of case, as in IAM.
  FRESHET_ASSIGN_OR_RETURN(auto roles, ListRoles("/"));
  for (const auto& r : roles) {
    if (std::equal(r.name.begin(), r.name.end(), role.name.begin(), role.name.end(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return Status::AlreadyExists("Role with name " + role.name + " already exists.");
    }
  }
  role.id = NewId("AROA");
  role.created_ms = now_ms;
  role.attached_policy_arns.clear();
  role.inline_policies.clear();
  FRESHET_RETURN_IF_ERROR(SaveRole(role));
  return role;
}

Result<IamRole> IamStore::GetRole(std::string_view name) const {
  std::string value;
  Status s = db_->Get(Cf::kMeta, Key(kRoleTag, name), &value);
  if (s.IsNotFound()) return RoleNotFound(name);
  FRESHET_RETURN_IF_ERROR(s);
  return DecodeRole(value);
}

Result<std::vector<IamRole>> IamStore::ListRoles(std::string_view path_prefix) const {
  FRESHET_ASSIGN_OR_RETURN(auto values, Scan(*db_, kRoleTag));
  std::vector<IamRole> out;
  for (const auto& v : values) {
    FRESHET_ASSIGN_OR_RETURN(IamRole r, DecodeRole(v));
    if (r.path.rfind(path_prefix, 0) == 0) out.push_back(std::move(r));
  }
  return out;
}

Status IamStore::DeleteRole(std::string_view name) {
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(name));
  if (!role.attached_policy_arns.empty() || !role.inline_policies.empty()) {
    return Status::FailedPrecondition("Cannot delete entity, must detach all policies first.");
  }
  Batch batch;
  batch.Delete(Cf::kMeta, Key(kRoleTag, name));
  return db_->Write(&batch);
}

Status IamStore::UpdateAssumeRolePolicy(std::string_view name, std::string document) {
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(name));
  role.assume_role_policy = std::move(document);
  return SaveRole(role);
}

Status IamStore::AttachRolePolicy(std::string_view role_name, std::string_view policy_arn) {
  std::lock_guard lock(WriteMutex());
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
  std::lock_guard lock(WriteMutex());
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
  std::lock_guard lock(WriteMutex());
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
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamRole role, GetRole(role_name));
  if (role.inline_policies.erase(std::string(policy_name)) == 0) {
    return Status::NotFound("The role policy with name " + std::string(policy_name) + " cannot be found.");
  }
  return SaveRole(role);
}

Result<IamPolicy> IamStore::CreatePolicy(IamPolicy policy, std::string document, uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidateName("policyName", policy.name, 128));
  FRESHET_RETURN_IF_ERROR(ValidatePath(policy.path));
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(WriteMutex());
  std::string existing;
  policy.arn = "arn:aws:iam::" + account_ + ":policy" + policy.path + policy.name;
  if (db_->Get(Cf::kMeta, Key(kPolicyTag, policy.name), &existing).ok()) {
    return Status::AlreadyExists("A policy called " + policy.name + " already exists. Duplicate names are not allowed.");
  }
  policy.id = NewId("ANPA");
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
  Status s = db_->Get(Cf::kMeta, Key(kPolicyTag, name), &value);
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
    FRESHET_ASSIGN_OR_RETURN(auto values, Scan(*db_, kPolicyTag));
    for (const auto& v : values) {
      FRESHET_ASSIGN_OR_RETURN(IamPolicy p, DecodePolicy(v));
      out.push_back(std::move(p));
    }
  }
  FRESHET_RETURN_IF_ERROR(CountAttachments(&out));
  return out;
}

Status IamStore::DeletePolicy(std::string_view arn) {
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, GetPolicy(arn));
  if (policy.aws_managed) return Status::InvalidArgument("Cannot delete an AWS managed policy: " + std::string(arn));
  if (policy.attachment_count > 0) return Status::FailedPrecondition("Cannot delete a policy attached to entities.");
  if (policy.versions.size() > 1) {
    return Status::FailedPrecondition("This policy has more than one version. Before you delete a policy, you must "
                                      "delete the policy's versions. The default version is deleted with the policy.");
  }
  Batch batch;
  batch.Delete(Cf::kMeta, Key(kPolicyTag, policy.name));
  return db_->Write(&batch);
}

Result<IamPolicyVersion> IamStore::CreatePolicyVersion(std::string_view arn, std::string document, bool set_default,
                                                       uint64_t now_ms) {
  FRESHET_RETURN_IF_ERROR(ValidatePolicyDocument(document));
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, LoadLocalPolicy(arn));
  if (policy.versions.size() >= kMaxPolicyVersions) {
    return Status::LimitExceeded("A managed policy can have up to 5 versions. Before you create a new version, you "
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
  std::lock_guard lock(WriteMutex());
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
  std::lock_guard lock(WriteMutex());
  FRESHET_ASSIGN_OR_RETURN(IamPolicy policy, LoadLocalPolicy(arn));
  if (std::none_of(policy.versions.begin(), policy.versions.end(),
                   [&](const IamPolicyVersion& v) { return v.id == version_id; })) {
    return Status::NotFound("Policy " + std::string(arn) + " version " + std::string(version_id) + " does not exist.");
  }
  policy.default_version = std::string(version_id);
  return SavePolicy(policy);
}

}  // namespace freshet::storage
