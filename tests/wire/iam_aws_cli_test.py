"""The aws CLI's IAM and STS commands against `freshet serve --http`, as a function's set-up script
runs them: sts get-caller-identity, iam create-role with a trust policy file, attach-role-policy,
list-attached-role-policies, get-role, and the clean-up."""
import json
import os
import unittest

from wire_util import ServerTestCase

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}


class IamAwsCliTest(ServerTestCase):
    def test_role_for_a_function(self):
        aws = self.server.aws
        identity = aws("sts", "get-caller-identity")
        self.assertEqual(identity["Account"], "000000000000")
        self.assertEqual(identity["Arn"], "arn:aws:iam::000000000000:root")
        trust = os.path.join(self.server.tmp, "trust.json")
        with open(trust, "w") as f:
            json.dump(TRUST, f)
        role = aws("iam", "create-role", "--role-name", "lambda-kinesis-role",
                   "--assume-role-policy-document", "file://" + trust)["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::000000000000:role/lambda-kinesis-role")
        self.assertEqual(role["AssumeRolePolicyDocument"], TRUST)
        aws("iam", "attach-role-policy", "--role-name", "lambda-kinesis-role",
            "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole")
        attached = aws("iam", "list-attached-role-policies", "--role-name", "lambda-kinesis-role")
        self.assertEqual([p["PolicyName"] for p in attached["AttachedPolicies"]], ["AWSLambdaKinesisExecutionRole"])
        got = aws("iam", "get-role", "--role-name", "lambda-kinesis-role")["Role"]
        self.assertEqual(got["RoleId"], role["RoleId"])
        p = aws("iam", "get-role", "--role-name", "missing-role", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("NoSuchEntity", p.stderr)
        p = aws("iam", "delete-role", "--role-name", "lambda-kinesis-role", check=False)
        self.assertIn("DeleteConflict", p.stderr)
        aws("iam", "detach-role-policy", "--role-name", "lambda-kinesis-role",
            "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole")
        aws("iam", "delete-role", "--role-name", "lambda-kinesis-role")
        self.assertEqual(aws("iam", "list-roles")["Roles"], [])

    def test_policy_commands(self):
        aws = self.server.aws
        doc = json.dumps({"Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
        policy = aws("iam", "create-policy", "--policy-name", "cli-policy", "--policy-document", doc)["Policy"]
        listed = aws("iam", "list-policies", "--scope", "Local")["Policies"]
        self.assertEqual([p["Arn"] for p in listed], [policy["Arn"]])
        versions = aws("iam", "list-policy-versions", "--policy-arn", policy["Arn"])["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["v1"])
        aws("iam", "delete-policy", "--policy-arn", policy["Arn"])
        self.assertEqual(aws("iam", "list-policies", "--scope", "Local")["Policies"], [])


if __name__ == "__main__":
    unittest.main()
