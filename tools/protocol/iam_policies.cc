// IAM managed policies (IAM_20100508): CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, and
// their versions (CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion). Stored, not enforced (docs/iam.md).
#include <algorithm>

#include "tools/protocol/iam_common.h"

namespace freshet::protocol::iam {
namespace {

Json VersionJson(const storage::IamPolicy& p, const storage::IamPolicyVersion& v, bool with_document) {
  Json j = {
      {"VersionId", v.id}, {"IsDefaultVersion", v.id == p.default_version}, {"CreateDate", IsoSeconds(v.created_ms)}};
  if (with_document) j["Document"] = UrlEncodeDocument(v.document);
  return j;
}

Outcome CreatePolicy(const Call& call) {
  FRESHET_IAM_PARAM(name, "PolicyName", "policyName");
  FRESHET_IAM_PARAM(document, "PolicyDocument", "policyDocument");
  if (!storage::IamStore::ValidatePolicyDocument(document).ok()) return MalformedPolicy();
  storage::IamPolicy policy;
  policy.name = name;
  policy.path = Param(call.request, "Path").value_or("/");
  policy.description = Param(call.request, "Description").value_or("");
  policy.tags = TagsParam(call.request);
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicy created,
                           Store(call).CreatePolicy(std::move(policy), document, call.context.now_ms));
  return Json{{"Policy", PolicyJson(created, true)}};
}

Outcome GetPolicy(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicy policy, Store(call).GetPolicy(arn));
  return Json{{"Policy", PolicyJson(policy, true)}};
}

Outcome ListPolicies(const Call& call) {
  const std::string scope = Param(call.request, "Scope").value_or("All");
  if (scope != "All" && scope != "AWS" && scope != "Local") {
    return IamError("ValidationError",
                    "1 validation error detected: Value '" + scope +
                        "' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, "
                        "Local]",
                    400);
  }
  const bool only_attached = BoolParam(call.request, "OnlyAttached", false);
  const std::string prefix = Param(call.request, "PathPrefix").value_or("/");
  FRESHET_ASSIGN_OR_RETURN(auto policies, Store(call).ListPolicies(scope != "AWS", scope != "Local"));
  std::vector<Json> items;
  for (const auto& p : policies) {
    if (only_attached && p.attachment_count == 0) continue;
    if (p.path.rfind(prefix, 0) != 0) continue;
    items.push_back(PolicyJson(p, false));
  }
  return Page(call.request, items, "Policies");
}

Outcome DeletePolicy(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_RETURN_IF_ERROR(Store(call).DeletePolicy(arn));
  return Json::object();
}

Outcome CreatePolicyVersion(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_IAM_PARAM(document, "PolicyDocument", "policyDocument");
  if (!storage::IamStore::ValidatePolicyDocument(document).ok()) return MalformedPolicy();
  const bool set_default = BoolParam(call.request, "SetAsDefault", false);
  auto store = Store(call);
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicyVersion v,
                           store.CreatePolicyVersion(arn, document, set_default, call.context.now_ms));
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicy policy, store.GetPolicy(arn));
  return Json{{"PolicyVersion", VersionJson(policy, v, false)}};
}

Outcome GetPolicyVersion(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_IAM_PARAM(version, "VersionId", "versionId");
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicy policy, Store(call).GetPolicy(arn));
  for (const auto& v : policy.versions) {
    if (v.id == version) return Json{{"PolicyVersion", VersionJson(policy, v, true)}};
  }
  return IamError("NoSuchEntity", "Policy " + arn + " version " + version + " does not exist or is not attachable.",
                  404);
}

Outcome ListPolicyVersions(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_ASSIGN_OR_RETURN(storage::IamPolicy policy, Store(call).GetPolicy(arn));
  std::vector<Json> items;
  // Newest first, as IAM lists them.
  for (auto it = policy.versions.rbegin(); it != policy.versions.rend(); ++it) {
    items.push_back(VersionJson(policy, *it, false));
  }
  return Page(call.request, items, "Versions");
}

Outcome DeletePolicyVersion(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_IAM_PARAM(version, "VersionId", "versionId");
  FRESHET_RETURN_IF_ERROR(Store(call).DeletePolicyVersion(arn, version));
  return Json::object();
}

Outcome SetDefaultPolicyVersion(const Call& call) {
  FRESHET_IAM_PARAM(arn, "PolicyArn", "policyArn");
  FRESHET_IAM_PARAM(version, "VersionId", "versionId");
  FRESHET_RETURN_IF_ERROR(Store(call).SetDefaultPolicyVersion(arn, version));
  return Json::object();
}

// STS (STS_20110615). The caller is the account's root user: freshet has one account and does
// not tell users apart.
Outcome GetCallerIdentity(const Call& call) {
  return Json{{"UserId", call.context.account_id},
              {"Account", call.context.account_id},
              {"Arn", "arn:aws:iam::" + call.context.account_id + ":root"}};
}

}  // namespace
}  // namespace freshet::protocol::iam

namespace freshet::protocol {

void RegisterIamPolicyOps(Registry* registry) {
  using namespace iam;  // NOLINT
  static constexpr Operation kOps[] = {
      {"CreatePolicy", Service::kIam, true, CreatePolicy},
      {"GetPolicy", Service::kIam, false, GetPolicy},
      {"ListPolicies", Service::kIam, false, ListPolicies},
      {"DeletePolicy", Service::kIam, true, DeletePolicy},
      {"CreatePolicyVersion", Service::kIam, true, CreatePolicyVersion},
      {"GetPolicyVersion", Service::kIam, false, GetPolicyVersion},
      {"ListPolicyVersions", Service::kIam, false, ListPolicyVersions},
      {"DeletePolicyVersion", Service::kIam, true, DeletePolicyVersion},
      {"SetDefaultPolicyVersion", Service::kIam, true, SetDefaultPolicyVersion},
      {"GetCallerIdentity", Service::kSts, false, GetCallerIdentity},
  };
  for (const auto& op : kOps) registry->Add(op);
}

}  // namespace freshet::protocol
