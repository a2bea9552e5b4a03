"""Keys that are both an object and a folder ("a" and "a/b", in either order) and folder markers
("dir/", as the S3 console and `aws s3api put-object --key dir/` make them), through boto3 and the
aws CLI against `freshet serve --http`: written, listed (prefix, delimiter, paging), read, deleted,
and where they are as files under the data directory."""
import os
import subprocess
import tempfile
import unittest

import botocore.exceptions

from wire_util import AWS, Server, client_env


class S3LayoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.s3 = cls.server.boto3("s3")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def bucket_dir(self, bucket):
        return os.path.join(self.server.data, "buckets", bucket)

    def keys(self, bucket, **kwargs):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kwargs)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]

    def test_object_and_folder_in_both_orders_with_boto3(self):
        self.s3.create_bucket(Bucket="layout")
        self.s3.put_object(Bucket="layout", Key="a", Body=b"object a")
        self.s3.put_object(Bucket="layout", Key="a/b", Body=b"object a/b")
        self.s3.put_object(Bucket="layout", Key="c/d", Body=b"object c/d")
        self.s3.put_object(Bucket="layout", Key="c", Body=b"object c")
        self.s3.put_object(Bucket="layout", Key="a!", Body=b"bang")
        for key in ["a", "a/b", "c", "c/d", "a!"]:
            body = self.s3.get_object(Bucket="layout", Key=key)["Body"].read()
            self.assertEqual(body, b"bang" if key == "a!" else b"object " + key.encode())
            self.assertEqual(self.s3.head_object(Bucket="layout", Key=key)["ContentLength"], len(body))
        # S3's binary key order: "a" < "a!" < "a/b".
        self.assertEqual(self.keys("layout"), ["a", "a!", "a/b", "c", "c/d"])
        self.assertEqual(self.keys("layout", PaginationConfig={"PageSize": 1}), ["a", "a!", "a/b", "c", "c/d"])
        top = self.s3.list_objects_v2(Bucket="layout", Delimiter="/")
        self.assertEqual([o["Key"] for o in top["Contents"]], ["a", "a!", "c"])
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["a/", "c/"])
        page = self.s3.list_objects_v2(Bucket="layout", MaxKeys=2)
        self.assertTrue(page["IsTruncated"])
        rest = self.s3.list_objects_v2(Bucket="layout", ContinuationToken=page["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in page["Contents"] + rest["Contents"]], ["a", "a!", "a/b", "c", "c/d"])
        # On disk: plain files, the clashing object inside its folder.
        d = self.bucket_dir("layout")
        for path, body in [(os.path.join(d, "a", ".freshet-object"), b"object a"), (os.path.join(d, "a!"), b"bang")]:
            with open(path, "rb") as f:
                self.assertEqual(f.read(), body)
        # Deleting one keeps the other.
        self.s3.delete_object(Bucket="layout", Key="a")
        self.assertEqual(self.keys("layout", Prefix="a"), ["a!", "a/b"])
        with self.assertRaises(botocore.exceptions.ClientError):
            self.s3.get_object(Bucket="layout", Key="a")
        self.s3.delete_object(Bucket="layout", Key="c/d")
        self.assertEqual(self.s3.get_object(Bucket="layout", Key="c")["Body"].read(), b"object c")
        self.assertTrue(os.path.isfile(os.path.join(d, "c")))  # a plain file again
        result = self.s3.delete_objects(Bucket="layout", Delete={"Objects": [{"Key": k} for k in ["a/b", "c", "a!"]]})
        self.assertEqual(sorted(x["Key"] for x in result["Deleted"]), ["a!", "a/b", "c"])
        self.assertEqual(self.keys("layout"), [])
        self.assertEqual(os.listdir(d), [])
        self.s3.delete_bucket(Bucket="layout")

    def test_copy_and_multipart_beside_an_object(self):
        self.s3.create_bucket(Bucket="layout-copy")
        self.s3.put_object(Bucket="layout-copy", Key="src", Body=b"source")
        self.s3.copy_object(Bucket="layout-copy", Key="src/copy", CopySource={"Bucket": "layout-copy", "Key": "src"})
        mp = self.s3.create_multipart_upload(Bucket="layout-copy", Key="src/copy/part")
        etag = self.s3.upload_part(Bucket="layout-copy", Key="src/copy/part", PartNumber=1, UploadId=mp["UploadId"],
                                   Body=b"one part")["ETag"]
        self.s3.complete_multipart_upload(Bucket="layout-copy", Key="src/copy/part", UploadId=mp["UploadId"],
                                          MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertEqual(self.keys("layout-copy"), ["src", "src/copy", "src/copy/part"])
        for key, body in [("src", b"source"), ("src/copy", b"source"), ("src/copy/part", b"one part")]:
            self.assertEqual(self.s3.get_object(Bucket="layout-copy", Key=key)["Body"].read(), body)

    def test_reserved_segment_is_refused(self):
        self.s3.create_bucket(Bucket="layout-reserved")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.put_object(Bucket="layout-reserved", Key="x/.freshet-object", Body=b"v")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidObjectName")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def cli(self, *args):
        """Runs an `aws s3` command (text output); returns its stdout."""
        p = subprocess.run([AWS, "--endpoint-url", self.server.url] + list(args), env=client_env(self.server.home),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_aws_cli_both_keys_and_folder_marker(self):
        self.cli("s3", "mb", "s3://layout-cli")
        with tempfile.TemporaryDirectory() as tmp:
            one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
            open(one, "wb").write(b"the object a")
            open(two, "wb").write(b"the object a/b")
            self.cli("s3", "cp", one, "s3://layout-cli/a")
            self.cli("s3", "cp", two, "s3://layout-cli/a/b")
            self.server.aws("s3api", "put-object", "--bucket", "layout-cli", "--key", "dir/")
            self.server.aws("s3api", "put-object", "--bucket", "layout-cli", "--key", "dir/inside", "--body", one)
            listed = self.cli("s3", "ls", "s3://layout-cli", "--recursive")
            self.assertEqual([line.split()[-1] for line in listed.splitlines()], ["a", "a/b", "dir/", "dir/inside"])
            keys = self.server.aws("s3api", "list-objects-v2", "--bucket", "layout-cli", "--prefix", "dir/",
                                   "--delimiter", "/")
            self.assertEqual([o["Key"] for o in keys["Contents"]], ["dir/", "dir/inside"])
            self.assertEqual(self.server.aws("s3api", "head-object", "--bucket", "layout-cli", "--key", "dir/")
                             ["ContentLength"], 0)
            back = os.path.join(tmp, "back")
            self.cli("s3", "cp", "s3://layout-cli/a", back)
            self.assertEqual(open(back, "rb").read(), b"the object a")
            self.cli("s3", "cp", "s3://layout-cli/a/b", back)
            self.assertEqual(open(back, "rb").read(), b"the object a/b")
            self.cli("s3", "rm", "s3://layout-cli/a")
            self.cli("s3", "cp", "s3://layout-cli/a/b", back)
            self.assertEqual(open(back, "rb").read(), b"the object a/b")
            self.cli("s3", "rm", "s3://layout-cli", "--recursive")
            self.assertEqual(os.listdir(self.bucket_dir("layout-cli")), [])
            self.cli("s3", "rb", "s3://layout-cli")


if __name__ == "__main__":
    unittest.main()
