// IamStore: IAM roles and customer managed policies, kept in the meta column family.
//
// Layout (docs/codec.md): meta key 'R' + role name -> JSON role; 'P' + policy name -> JSON policy
// with its versions. A role lists the ARNs of the managed policies attached to it and holds its
// inline policies, so an attach or detach is one write of one key. Nothing is enforced: roles and
// policies are stored, listed and returned as AWS returns them (docs/iam.md).
//
// Rules kept as AWS keeps them, with AWS's messages: names unique per account; a role with
// attached or inline policies cannot be deleted (FailedPrecondition = DeleteConflict); a policy
// attached to a role, or with versions besides the default, cannot be deleted; the default
// version cannot be deleted; at most 5 versions (LimitExceeded). NotFound = NoSuchEntity,
// AlreadyExists = EntityAlreadyExists, InvalidArgument = ValidationError / MalformedPolicyDocument
// (the message says which).
//
// AWS managed policies (arn:aws:iam::aws:policy/...) are a fixed built-in list (BuiltinPolicies):
// they can be read, listed (Scope AWS / All) and attached, never changed.
//
// Thread-safety: all methods may be called concurrently; writes are serialized by a process-wide
// mutex, so a read-check-write (attach a policy, delete a role) is atomic within the owner.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/status.h"

namespace freshet::storage {

struct IamTag {
  std::string key;
  std::string value;
};

struct IamRole {
  std::string name;
  std::string path = "/";
  std::string id;  // AROA + 17 characters
  uint64_t created_ms = 0;
  std::string assume_role_policy;  // the JSON document as given
  std::string description;
  int max_session_duration = 3600;
  std::vector<IamTag> tags;
  std::vector<std::string> attached_policy_arns;           // in attach order
  std::map<std::string, std::string> inline_policies;      // name -> document
};

struct IamPolicyVersion {
  std::string id;  // "v1"
  std::string document;
  uint64_t created_ms = 0;
};

struct IamPolicy {
  std::string name;
  std::string path = "/";
  std::string id;   // ANPA + 17 characters
  std::string arn;  // arn:aws:iam::<account>:policy<path><name>, or arn:aws:iam::aws:policy/... (built-in)
  uint64_t created_ms = 0;
  uint64_t updated_ms = 0;
  std::string description;
  std::string default_version = "v1";
  std::vector<IamPolicyVersion> versions;  // oldest first
  int next_version = 2;
  std::vector<IamTag> tags;
  bool aws_managed = false;
  uint32_t attachment_count = 0;  // filled in by Get/List from the roles
};

class IamStore {
 public:
  static constexpr size_t kMaxPolicyVersions = 5;

  // `db` is not owned and must outlive this; `account` names ARNs ("000000000000").
  IamStore(Db* db, std::string account);

  std::string RoleArn(const IamRole& role) const;

  // Fills id and created_ms. AlreadyExists, InvalidArgument (name, path, document not JSON).
  Result<IamRole> CreateRole(IamRole role, uint64_t now_ms);
  Result<IamRole> GetRole(std::string_view name) const;
  // Roles in name order, whose path starts with `path_prefix`.
  Result<std::vector<IamRole>> ListRoles(std::string_view path_prefix) const;
  Status DeleteRole(std::string_view name);
  Status UpdateAssumeRolePolicy(std::string_view name, std::string document);

  Status AttachRolePolicy(std::string_view role, std::string_view policy_arn);
  Status DetachRolePolicy(std::string_view role, std::string_view policy_arn);
  Status PutRolePolicy(std::string_view role, std::string_view policy_name, std::string document);
  Result<std::string> GetRolePolicy(std::string_view role, std::string_view policy_name) const;
  Status DeleteRolePolicy(std::string_view role, std::string_view policy_name);

  // Fills id, arn, times and version v1 from `document`.
  Result<IamPolicy> CreatePolicy(IamPolicy policy, std::string document, uint64_t now_ms);
  // By ARN, customer managed or built-in; NotFound otherwise.
  Result<IamPolicy> GetPolicy(std::string_view arn) const;
  // Customer managed (local) and/or built-in (aws) policies, by ARN order within each group.
  Result<std::vector<IamPolicy>> ListPolicies(bool local, bool aws) const;
  Status DeletePolicy(std::string_view arn);
  Result<IamPolicyVersion> CreatePolicyVersion(std::string_view arn, std::string document, bool set_default,
                                               uint64_t now_ms);
  Status DeletePolicyVersion(std::string_view arn, std::string_view version_id);
  Status SetDefaultPolicyVersion(std::string_view arn, std::string_view version_id);

  // Validation shared with the protocol layer.
  static Status ValidateName(std::string_view what, std::string_view name, size_t max_length);
  static Status ValidatePath(std::string_view path);
  static Status ValidatePolicyDocument(std::string_view document);

 private:
  Result<IamPolicy> LoadLocalPolicy(std::string_view arn) const;
  Status SaveRole(const IamRole& role);
  Status SavePolicy(const IamPolicy& policy);
  Status CountAttachments(std::vector<IamPolicy>* policies) const;

  Db* const db_;
  const std::string account_;
};

// AWS managed policies freshet knows (those pipelines on Lambda, Kinesis, DynamoDB, Firehose and
// S3 attach), with allow-all documents for their services.
const std::vector<IamPolicy>& BuiltinPolicies();

}  // namespace freshet::storage
