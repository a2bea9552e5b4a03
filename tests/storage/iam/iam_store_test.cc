// IamStore: roles and policies stored in the meta column family with IAM's rules (conflicts,
// versions, attachments) and AWS's ids and ARNs; surviving a reopen.
#include "storage/iam/iam_store.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace freshet::storage {
namespace {

const char kTrust[] = R"({"Version":"2012-10-17","Statement":[]})";

class IamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    db_.reset();
    OpenOptions options;
    options.sync = false;
    auto db = Db::Open(dir_.path(), options);
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    store_ = std::make_unique<IamStore>(db_.get(), "123456789012");
  }
  IamRole Role(std::string name, std::string path = "/") {
    IamRole r;
    r.name = std::move(name);
    r.path = std::move(path);
    r.assume_role_policy = kTrust;
    return r;
  }
  IamPolicy Policy(std::string name) {
    IamPolicy p;
    p.name = std::move(name);
    return p;
  }

  test::TempDir dir_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<IamStore> store_;
};

TEST_F(IamStoreTest, RolesAreStoredWithAwsIdsAndArns) {
  auto role = store_->CreateRole(Role("delivery", "/service-role/"), 1'700'000'000'000);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->id.size(), 21u);
  EXPECT_EQ(role->id.substr(0, 4), "AROA");
  EXPECT_EQ(store_->RoleArn(*role), "arn:aws:iam::123456789012:role/service-role/delivery");
  EXPECT_EQ(store_->CreateRole(Role("DELIVERY"), 0).status().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(store_->CreateRole(Role("bad name"), 0).status().IsInvalidArgument());
  EXPECT_TRUE(store_->CreateRole(Role("x", "no-slash"), 0).status().IsInvalidArgument());
  IamRole bad_doc = Role("y");
  bad_doc.assume_role_policy = "{nope";
  EXPECT_TRUE(store_->CreateRole(bad_doc, 0).status().IsInvalidArgument());
  Open();  // durable
  auto got = store_->GetRole("delivery");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, role->id);
  EXPECT_EQ(got->assume_role_policy, kTrust);
  EXPECT_EQ(got->created_ms, 1'700'000'000'000u);
  EXPECT_EQ(store_->GetRole("nobody").status().message(), "The role with name nobody cannot be found.");
  ASSERT_TRUE(store_->CreateRole(Role("another"), 0).ok());
  auto all = store_->ListRoles("/");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "another");
  EXPECT_EQ(store_->ListRoles("/service-role/")->size(), 1u);
}

TEST_F(IamStoreTest, AttachmentsBlockDeletes) {
  ASSERT_TRUE(store_->CreateRole(Role("r"), 0).ok());
  auto policy = store_->CreatePolicy(Policy("p"), R"({"Statement":[]})", 5);
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->arn, "arn:aws:iam::123456789012:policy/p");
  EXPECT_EQ(policy->id.substr(0, 4), "ANPA");
  EXPECT_EQ(store_->CreatePolicy(Policy("p"), "{}", 5).status().code(), Status::Code::kAlreadyExists);
  ASSERT_TRUE(store_->AttachRolePolicy("r", policy->arn).ok());
  ASSERT_TRUE(store_->AttachRolePolicy("r", policy->arn).ok());  // idempotent
  ASSERT_TRUE(store_->AttachRolePolicy("r", "arn:aws:iam::aws:policy/AmazonS3FullAccess").ok());
  EXPECT_TRUE(store_->AttachRolePolicy("r", "arn:aws:iam::123456789012:policy/none").IsNotFound());
  EXPECT_TRUE(store_->AttachRolePolicy("nobody", policy->arn).IsNotFound());
  EXPECT_EQ(store_->GetRole("r")->attached_policy_arns.size(), 2u);
  EXPECT_EQ(store_->GetPolicy(policy->arn)->attachment_count, 1u);
  EXPECT_EQ(store_->DeleteRole("r").code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(store_->DeletePolicy(policy->arn).code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(store_->DetachRolePolicy("r", policy->arn).ok());
  EXPECT_TRUE(store_->DetachRolePolicy("r", policy->arn).IsNotFound());
  ASSERT_TRUE(store_->DetachRolePolicy("r", "arn:aws:iam::aws:policy/AmazonS3FullAccess").ok());
  ASSERT_TRUE(store_->PutRolePolicy("r", "inline", "{}").ok());
  EXPECT_EQ(store_->DeleteRole("r").code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(*store_->GetRolePolicy("r", "inline"), "{}");
  ASSERT_TRUE(store_->DeleteRolePolicy("r", "inline").ok());
  EXPECT_TRUE(store_->DeleteRole("r").ok());
  EXPECT_TRUE(store_->GetRole("r").status().IsNotFound());
  EXPECT_TRUE(store_->DeletePolicy(policy->arn).ok());
  EXPECT_TRUE(store_->GetPolicy(policy->arn).status().IsNotFound());
}

TEST_F(IamStoreTest, PolicyVersions) {
  auto policy = store_->CreatePolicy(Policy("p"), "{}", 1);
  ASSERT_TRUE(policy.ok());
  const std::string arn = policy->arn;
  for (int i = 2; i <= 5; ++i) {
    auto v = store_->CreatePolicyVersion(arn, "{\"v\":" + std::to_string(i) + "}", i == 3, 10);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->id, "v" + std::to_string(i));
  }
  EXPECT_EQ(store_->CreatePolicyVersion(arn, "{}", false, 10).status().code(), Status::Code::kLimitExceeded);
  EXPECT_EQ(store_->GetPolicy(arn)->default_version, "v3");
  EXPECT_EQ(store_->DeletePolicyVersion(arn, "v3").code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(store_->DeletePolicy(arn).code(), Status::Code::kFailedPrecondition);  // versions left
  for (const char* v : {"v1", "v2", "v4", "v5"}) ASSERT_TRUE(store_->DeletePolicyVersion(arn, v).ok()) << v;
  EXPECT_TRUE(store_->DeletePolicyVersion(arn, "v9").IsNotFound());
  EXPECT_TRUE(store_->CreatePolicyVersion(arn, "{}", false, 11).ok());  // v6: numbers are not reused
  EXPECT_EQ(store_->GetPolicy(arn)->versions.back().id, "v6");
  ASSERT_TRUE(store_->SetDefaultPolicyVersion(arn, "v6").ok());
  ASSERT_TRUE(store_->DeletePolicyVersion(arn, "v3").ok());
  EXPECT_TRUE(store_->DeletePolicy(arn).ok());
}

TEST_F(IamStoreTest, BuiltinPoliciesAreListedAndReadOnly) {
  ASSERT_TRUE(store_->CreatePolicy(Policy("mine"), "{}", 1).ok());
  auto local = store_->ListPolicies(true, false);
  ASSERT_TRUE(local.ok());
  ASSERT_EQ(local->size(), 1u);
  auto aws = store_->ListPolicies(false, true);
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->size(), BuiltinPolicies().size());
  EXPECT_EQ(store_->ListPolicies(true, true)->size(), BuiltinPolicies().size() + 1);
  const std::string arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole";
  auto builtin = store_->GetPolicy(arn);
  ASSERT_TRUE(builtin.ok());
  EXPECT_TRUE(builtin->aws_managed);
  EXPECT_FALSE(store_->DeletePolicy(arn).ok());
  EXPECT_FALSE(store_->CreatePolicyVersion(arn, "{}", true, 1).ok());
}

}  // namespace
}  // namespace freshet::storage
