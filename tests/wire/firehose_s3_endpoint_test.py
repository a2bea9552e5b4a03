"""Delivery streams whose bucket is at an external S3 endpoint: two `freshet serve` processes on
127.0.0.1, B standing in for S3 and verifying SigV4 (`--credentials`), A delivering into B's bucket
(`serve --s3-endpoint` for deliveries created through its Firehose API, `delivery create
--s3-endpoint` from the CLI), signed with the credentials of A's environment. Objects are read back
from B with boto3: the records' bytes, named as Firehose names them, GZIP that decompresses. With
a wrong secret in A's environment the delivery fails naming the endpoint and bucket and commits
nothing; restarted with the right secret, A delivers the same object, once."""
import gzip
import os
import re
import subprocess
import time
import unittest

from wire_util import FRESHET, Server

KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
KEY_SHAPE = r"(\d{4}/\d{2}/\d{2}/\d{2}/)%s-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%s"


def delivering_env(tmp, secret):
    """The environment of the process that delivers: AWS keys only from here (no profile files)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": tmp, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1",
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none"),
                "AWS_CONFIG_FILE": os.path.join(tmp, "none")})
    return env


def keys(s3, bucket, prefix=""):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


class FirehoseS3EndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.b = Server()
        creds = os.path.join(cls.b.tmp, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (KEY, SECRET))
        cls.b.extra_args = ["--credentials", creds]
        cls.b.start()
        cls.s3 = cls.b.boto3("s3")
        cls.s3.create_bucket(Bucket="remote")

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()

    def a_server(self, secret, extra_args=()):
        a = Server(extra_args=list(extra_args))
        a.env = delivering_env(a.tmp, secret)
        self.addCleanup(a.cleanup)
        return a.start()

    def test_api_deliveries_go_to_the_servers_endpoint(self):
        a = self.a_server(SECRET, ["--s3-endpoint", self.b.url + "/"])
        firehose = a.boto3("firehose")
        firehose.create_delivery_stream(
            DeliveryStreamName="api-d",
            ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::000000000000:role/r",
                                                "BucketARN": "arn:aws:s3:::remote", "Prefix": "api/",
                                                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 900},
                                                "CompressionFormat": "GZIP"})
        d = firehose.describe_delivery_stream(DeliveryStreamName="api-d")["DeliveryStreamDescription"]
        s3_desc = d["Destinations"][0]["S3DestinationDescription"]
        self.assertEqual(s3_desc["BucketARN"], "arn:aws:s3:::remote")
        self.assertNotIn("endpoint", str(s3_desc).lower())  # AWS's shape: no invented member
        records = [("record %d\n" % i).encode() for i in range(300)]
        firehose.put_record_batch(DeliveryStreamName="api-d", Records=[{"Data": r} for r in records])
        a.freshet("delivery", "flush", "api-d")
        found = keys(self.s3, "remote", "api/")
        self.assertEqual(len(found), 1)
        self.assertRegex(found[0], "^api/" + KEY_SHAPE % ("api-d", r"\.gz") + "$")
        body = self.s3.get_object(Bucket="remote", Key=found[0])["Body"].read()
        self.assertEqual(gzip.decompress(body), b"".join(records))
        # Nothing in A's own buckets; A's CLI names where the objects are.
        self.assertEqual(a.boto3("s3").list_buckets()["Buckets"], [])
        described = a.freshet("delivery", "describe", "api-d").stdout
        self.assertIn("bucket endpoint: " + self.b.url, described)
        self.assertIn(found[0], described)

    def test_wrong_secret_commits_nothing_then_the_object_arrives_once(self):
        a = self.a_server("not the secret")
        a.freshet("delivery", "create", "cli-d", "--bucket", "remote", "--prefix", "cli/", "--compression", "gzip",
                  "--interval", "900", "--s3-endpoint", self.b.url)
        records = "".join("line %d\n" % i for i in range(1000))
        path = os.path.join(a.tmp, "records.txt")
        with open(path, "w") as f:
            f.write(records)
        a.freshet("delivery", "put", "cli-d", "--file", path)
        failed = a.freshet("delivery", "flush", "cli-d", check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("PUT %s/remote/cli/" % self.b.url, failed.stderr)
        self.assertIn("HTTP 403 SignatureDoesNotMatch", failed.stderr)
        self.assertEqual(len(failed.stderr.strip().splitlines()), 1, failed.stderr)
        intended = re.search(r"/remote/(cli/\S+\.gz)", failed.stderr).group(1)
        self.assertEqual(keys(self.s3, "remote", "cli/"), [])
        self.assertIn("delivered: 0 objects", a.freshet("delivery", "describe", "cli-d").stdout)

        # The right secret, by restarting A with it: the sealed buffer is delivered at start.
        a.stop()
        a.env = delivering_env(a.tmp, SECRET)
        a.start()
        deadline = time.time() + 30
        while time.time() < deadline and not keys(self.s3, "remote", "cli/"):
            time.sleep(0.1)
        a.freshet("delivery", "flush", "cli-d")  # nothing left: no second object
        found = keys(self.s3, "remote", "cli/")
        self.assertEqual(found, [intended])
        self.assertRegex(found[0], "^cli/" + KEY_SHAPE % ("cli-d", r"\.gz") + "$")
        body = self.s3.get_object(Bucket="remote", Key=found[0])["Body"].read()
        self.assertEqual(gzip.decompress(body).decode(), records)
        self.assertIn("delivered: 1 objects, 1000 records", a.freshet("delivery", "describe", "cli-d").stdout)

        # A CLI flush with no owner running delivers to the same endpoint, with its own environment.
        a.freshet("delivery", "put", "cli-d", "--data", "after the restart\n")
        a.stop()
        flushed = subprocess.run([FRESHET, "--data-dir", a.data, "delivery", "flush", "cli-d"], capture_output=True,
                                 text=True, timeout=120, env=delivering_env(a.tmp, SECRET))
        self.assertEqual(flushed.returncode, 0, flushed.stderr)
        found = keys(self.s3, "remote", "cli/")
        self.assertEqual(len(found), 2)
        later = [k for k in found if k != intended][0]
        self.assertEqual(gzip.decompress(self.s3.get_object(Bucket="remote", Key=later)["Body"].read()),
                         b"after the restart\n")


if __name__ == "__main__":
    unittest.main()
