// IAM roles (IAM_20100508): CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy,
// AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies, and inline role policies
// (PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies). Stored, not enforced
// (docs/iam.md).
#include "tools/protocol/iam_common.h"

namespace freshet::protocol::iam {
namespace {

Outcome CreateRole(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(document, "AssumeRolePolicyDocument", "assumeRolePolicyDocument");
  if (!storage::IamStore::ValidatePolicyDocument(document).ok()) return MalformedPolicy();
  storage::IamRole role;
  role.name = name;
  role.path = Param(call.request, "Path").value_or("/");
  role.assume_role_policy = document;
  role.description = Param(call.request, "Description").value_or("");
  if (auto d = Param(call.request, "MaxSessionDuration")) {
    char* end = nullptr;
    long v = std::strtol(d->c_str(), &end, 10);
    if (d->empty() || *end != '\0' || v < 3600 || v > 43200) {
      return IamError("ValidationError",
                      "1 validation error detected: Value '" + *d +
                          "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than "
                          "or equal to 43200 and greater than or equal to 3600",
                      400);
    }
    role.max_session_duration = static_cast<int>(v);
  }
  role.tags = TagsParam(call.request);
  auto store = Store(call);
  FRESHET_ASSIGN_OR_RETURN(storage::IamRole created, store.CreateRole(std::move(role), call.context.now_ms));
  return Json{{"Role", RoleJson(store, created, true)}};
}

Outcome GetRole(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  auto store = Store(call);
  FRESHET_ASSIGN_OR_RETURN(storage::IamRole role, store.GetRole(name));
  return Json{{"Role", RoleJson(store, role, true)}};
}

Outcome ListRoles(const Call& call) {
  auto store = Store(call);
  FRESHET_ASSIGN_OR_RETURN(auto roles, store.ListRoles(Param(call.request, "PathPrefix").value_or("/")));
  std::vector<Json> items;
  for (const auto& r : roles) items.push_back(RoleJson(store, r, false));
  return Page(call.request, items, "Roles");
}

Outcome DeleteRole(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_RETURN_IF_ERROR(Store(call).DeleteRole(name));
  return Json::object();
}

Outcome UpdateAssumeRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(document, "PolicyDocument", "policyDocument");
  if (!storage::IamStore::ValidatePolicyDocument(document).ok()) return MalformedPolicy();
  FRESHET_RETURN_IF_ERROR(Store(call).UpdateAssumeRolePolicy(name, document));
  return Json::object();
}

Outcome AttachRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_RETURN_IF_ERROR(Store(call).AttachRolePolicy(name, arn));
  return Json::object();
}

Outcome DetachRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_RETURN_IF_ERROR(Store(call).DetachRolePolicy(name, arn));
  return Json::object();
}

Outcome ListAttachedRolePolicies(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  auto store = Store(call);
  FRESHET_ASSIGN_OR_RETURN(storage::IamRole role, store.GetRole(name));
  const std::string prefix = Param(call.request, "PathPrefix").value_or("/");
  std::vector<Json> items;
  for (const auto& arn : role.attached_policy_arns) {
    auto policy = store.GetPolicy(arn);
    if (policy.ok() && policy->path.rfind(prefix, 0) != 0) continue;
    // A policy deleted behind the role's back still shows by its ARN, as IAM's eventual view would.
    items.push_back({{"PolicyName", policy.ok() ? policy->name : arn.substr(arn.rfind('/') + 1)}, {"PolicyArn", arn}});
  }
  return Page(call.request, items, "AttachedPolicies");
}

Outcome PutRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(policy, "PolicyName", "policyName");
  FRESHET_IAM_PARAM(document, "PolicyDocument", "policyDocument");
  if (!storage::IamStore::ValidatePolicyDocument(document).ok()) return MalformedPolicy();
  FRESHET_RETURN_IF_ERROR(Store(call).PutRolePolicy(name, policy, document));
  return Json::object();
}

Outcome GetRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(policy, "PolicyName", "policyName");
  FRESHET_ASSIGN_OR_RETURN(std::string document, Store(call).GetRolePolicy(name, policy));
  return Json{{"RoleName", name}, {"PolicyName", policy}, {"PolicyDocument", UrlEncodeDocument(document)}};
}

Outcome DeleteRolePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_IAM_PARAM(policy, "PolicyName", "policyName");
  FRESHET_RETURN_IF_ERROR(Store(call).DeleteRolePolicy(name, policy));
  return Json::object();
}

Outcome ListRolePolicies(const Call& call) {
  FRESHET_IAM_PARAM(name, "RoleName", "roleName");
  FRESHET_ASSIGN_OR_RETURN(storage::IamRole role, Store(call).GetRole(name));
  std::vector<Json> items;
  for (const auto& [policy, document] : role.inline_policies) items.emplace_back(policy);
  return Page(call.request, items, "PolicyNames");
}

}  // namespace
}  // namespace freshet::protocol::iam

namespace freshet::protocol {

void RegisterIamRoleOps(Registry* registry) {
  using namespace iam;  // NOLINT
  static constexpr Operation kOps[] = {
      {"CreateRole", Service::kIam, true, CreateRole},
      {"GetRole", Service::kIam, false, GetRole},
      {"ListRoles", Service::kIam, false, ListRoles},
      {"DeleteRole", Service::kIam, true, DeleteRole},
      {"UpdateAssumeRolePolicy", Service::kIam, true, UpdateAssumeRolePolicy},
      {"AttachRolePolicy", Service::kIam, true, AttachRolePolicy},
      {"DetachRolePolicy", Service::kIam, true, DetachRolePolicy},
      {"ListAttachedRolePolicies", Service::kIam, false, ListAttachedRolePolicies},
      {"PutRolePolicy", Service::kIam, true, PutRolePolicy},
      {"GetRolePolicy", Service::kIam, false, GetRolePolicy},
      {"DeleteRolePolicy", Service::kIam, true, DeleteRolePolicy},
      {"ListRolePolicies", Service::kIam, false, ListRolePolicies},
  };
  for (const auto& op : kOps) registry->Add(op);
}

}  // namespace freshet::protocol
