"""IAM and STS with boto3 against `freshet serve --http`, in the shape users' set-up scripts take:
the account id from STS, a role (created when get_role says NoSuchEntity), a policy attached to it,
then the clean-up (detach, delete the policy's versions, the policy, the role). Roles and policies
are stored, not enforced."""
import json
import unittest

import botocore.exceptions

from wire_util import ServerTestCase

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
S3_WRITE = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
                           "Resource": ["arn:aws:s3:::delivery-bucket/*"]}]}


class IamBoto3Test(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.boto3("iam")
        cls.sts = cls.server.boto3("sts")

    def error(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response["Error"]["Code"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_setup_script_shape(self):
        account = self.sts.get_caller_identity()["Account"]
        self.assertEqual(account, "000000000000")
        role_name = "firehose-delivery-role"
        try:
            self.iam.get_role(RoleName=role_name)
            self.fail("the role should not exist yet")
        except self.iam.exceptions.NoSuchEntityException:
            role = self.iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST),
                                        Description="lets Firehose write to S3")["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/%s" % (account, role_name))
        self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.assertEqual(role["AssumeRolePolicyDocument"], TRUST)  # IAM url-encodes it; botocore decodes
        got = self.iam.get_role(RoleName=role_name)["Role"]
        self.assertEqual(got["RoleId"], role["RoleId"])
        self.assertEqual(got["Description"], "lets Firehose write to S3")
        self.assertEqual(self.error(self.iam.create_role, RoleName=role_name,
                                    AssumeRolePolicyDocument=json.dumps(TRUST)), ("EntityAlreadyExists", 409))

        policy_name = "firehose-s3-write"
        existing = [p for p in self.iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == policy_name]
        self.assertEqual(existing, [])
        policy = self.iam.create_policy(PolicyName=policy_name, PolicyDocument=json.dumps(S3_WRITE))["Policy"]
        arn = policy["Arn"]
        self.assertEqual(arn, "arn:aws:iam::%s:policy/%s" % (account, policy_name))
        self.assertRegex(policy["PolicyId"], r"^ANPA[A-Z0-9]{17}$")
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.iam.attach_role_policy(RoleName=role_name, PolicyArn=arn)
        self.iam.attach_role_policy(RoleName=role_name,
                                    PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole")
        attached = self.iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        self.assertEqual([a["PolicyArn"] for a in attached],
                         [arn, "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"])
        self.assertEqual(attached[0]["PolicyName"], policy_name)
        only_attached = self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
        self.assertEqual([(p["PolicyName"], p["AttachmentCount"]) for p in only_attached], [(policy_name, 1)])
        self.assertTrue(any(p["PolicyName"] == "AmazonS3FullAccess"
                            for p in self.iam.list_policies(Scope="AWS")["Policies"]))

        self.assertEqual(self.error(self.iam.delete_role, RoleName=role_name), ("DeleteConflict", 409))
        self.assertEqual(self.error(self.iam.delete_policy, PolicyArn=arn), ("DeleteConflict", 409))

        v2 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_WRITE), SetAsDefault=True)
        self.assertEqual(v2["PolicyVersion"]["VersionId"], "v2")
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v2")
        doc = self.iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"]
        self.assertEqual(doc, S3_WRITE)

        # Clean-up as scripts do it.
        for a in self.iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
            self.iam.detach_role_policy(RoleName=role_name, PolicyArn=a["PolicyArn"])
        self.assertEqual(self.error(self.iam.detach_role_policy, RoleName=role_name, PolicyArn=arn),
                         ("NoSuchEntity", 404))
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual([(v["VersionId"], v["IsDefaultVersion"]) for v in versions], [("v2", True), ("v1", False)])
        self.assertEqual(self.error(self.iam.delete_policy_version, PolicyArn=arn, VersionId="v2"),
                         ("DeleteConflict", 409))
        for v in versions:
            if not v["IsDefaultVersion"]:
                self.iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
        self.iam.delete_policy(PolicyArn=arn)
        self.assertEqual(self.error(self.iam.get_policy, PolicyArn=arn), ("NoSuchEntity", 404))
        self.assertIn(role_name, [r["RoleName"] for r in self.iam.list_roles()["Roles"]])
        self.iam.delete_role(RoleName=role_name)
        self.assertEqual(self.error(self.iam.get_role, RoleName=role_name), ("NoSuchEntity", 404))

    def test_inline_policies_paging_and_errors(self):
        for i in range(5):
            self.iam.create_role(RoleName="paged-%d" % i, AssumeRolePolicyDocument=json.dumps(TRUST),
                                 Path="/pipelines/")
        paginator = self.iam.get_paginator("list_roles")
        names = [r["RoleName"] for page in paginator.paginate(PathPrefix="/pipelines/",
                                                              PaginationConfig={"PageSize": 2})
                 for r in page["Roles"]]
        self.assertEqual(names, ["paged-%d" % i for i in range(5)])
        self.iam.put_role_policy(RoleName="paged-0", PolicyName="inline", PolicyDocument=json.dumps(S3_WRITE))
        self.assertEqual(self.iam.get_role_policy(RoleName="paged-0", PolicyName="inline")["PolicyDocument"], S3_WRITE)
        self.assertEqual(self.iam.list_role_policies(RoleName="paged-0")["PolicyNames"], ["inline"])
        self.assertEqual(self.error(self.iam.delete_role, RoleName="paged-0")[0], "DeleteConflict")
        self.iam.delete_role_policy(RoleName="paged-0", PolicyName="inline")
        for i in range(5):
            self.iam.delete_role(RoleName="paged-%d" % i)
        self.assertEqual(self.error(self.iam.create_role, RoleName="bad", AssumeRolePolicyDocument="{not json")[0],
                         "MalformedPolicyDocument")
        self.assertEqual(self.error(self.iam.attach_role_policy, RoleName="nobody",
                                    PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess"), ("NoSuchEntity", 404))

    def test_data_survives_restart(self):
        self.iam.create_role(RoleName="durable-role", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.server.stop()
        self.server.start()
        self.assertEqual(self.iam.get_role(RoleName="durable-role")["Role"]["RoleName"], "durable-role")
        self.iam.delete_role(RoleName="durable-role")


if __name__ == "__main__":
    unittest.main()
