"""boto3 (Debian's python3-boto3) against the S3 API of `freshet serve --http`: buckets, put_object,
list_objects_v2 with prefix, delimiter and paging, get_object with Range, delete_objects, head_object
404, multipart uploads, copy, presigned URLs, and the objects as plain files under the data directory."""
import hashlib
import os
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

from wire_util import Server


class S3Boto3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.s3 = cls.server.boto3("s3")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def error_code(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response["Error"]["Code"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_buckets(self):
        self.s3.create_bucket(Bucket="buckets-a")
        self.s3.create_bucket(Bucket="buckets-b", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertIn("buckets-a", names)
        self.assertIn("buckets-b", names)
        self.assertEqual(self.s3.head_bucket(Bucket="buckets-a")["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(self.error_code(self.s3.create_bucket, Bucket="buckets-a"), ("BucketAlreadyOwnedByYou", 409))
        self.assertEqual(self.error_code(self.s3.head_bucket, Bucket="no-such-bucket")[1], 404)
        self.assertEqual(self.error_code(self.s3.list_objects_v2, Bucket="no-such-bucket"), ("NoSuchBucket", 404))
        self.s3.put_object(Bucket="buckets-a", Key="k", Body=b"v")
        self.assertEqual(self.error_code(self.s3.delete_bucket, Bucket="buckets-a"), ("BucketNotEmpty", 409))
        self.s3.delete_object(Bucket="buckets-a", Key="k")
        self.s3.delete_bucket(Bucket="buckets-a")
        self.assertNotIn("buckets-a", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])
        self.assertEqual(self.error_code(self.s3.create_bucket, Bucket="Bad_Name")[0], "InvalidBucketName")

    def test_put_get_head_and_files_on_disk(self):
        self.s3.create_bucket(Bucket="objects")
        body = b"line one\nline two\n"
        put = self.s3.put_object(Bucket="objects", Key="batches/2026/11/29/batch-1.txt", Body=body,
                                 ContentType="text/plain")
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        got = self.s3.get_object(Bucket="objects", Key="batches/2026/11/29/batch-1.txt")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["ETag"], put["ETag"])
        head = self.s3.head_object(Bucket="objects", Key="batches/2026/11/29/batch-1.txt")
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ETag"], put["ETag"])
        self.assertIsNotNone(head["LastModified"])
        with open(os.path.join(self.server.data, "buckets", "objects", "batches/2026/11/29/batch-1.txt"), "rb") as f:
            self.assertEqual(f.read(), body)
        self.assertEqual(self.error_code(self.s3.head_object, Bucket="objects", Key="missing.txt"), ("404", 404))
        self.assertEqual(self.error_code(self.s3.get_object, Bucket="objects", Key="missing.txt"), ("NoSuchKey", 404))
        # A key with a ".." segment is an S3 key like any other: stored inside its bucket, never above it.
        self.s3.put_object(Bucket="objects", Key="../escape", Body=b"x")
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="../escape")["Body"].read(), b"x")
        self.assertFalse(os.path.exists(os.path.join(self.server.data, "buckets", "escape")))
        self.assertTrue(os.path.isfile(os.path.join(self.server.data, "buckets", "objects", ".freshet-dotdot", "escape")))
        self.s3.delete_object(Bucket="objects", Key="../escape")

    def test_get_with_range(self):
        self.s3.create_bucket(Bucket="ranges")
        self.s3.put_object(Bucket="ranges", Key="digits", Body=b"0123456789")
        part = self.s3.get_object(Bucket="ranges", Key="digits", Range="bytes=2-5")
        self.assertEqual(part["Body"].read(), b"2345")
        self.assertEqual(part["ContentRange"], "bytes 2-5/10")
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(self.s3.get_object(Bucket="ranges", Key="digits", Range="bytes=-3")["Body"].read(), b"789")
        self.assertEqual(self.s3.get_object(Bucket="ranges", Key="digits", Range="bytes=7-")["Body"].read(), b"789")
        self.assertEqual(self.error_code(self.s3.get_object, Bucket="ranges", Key="digits", Range="bytes=10-20"),
                         ("InvalidRange", 416))

    def test_list_objects_v2_prefix_delimiter_and_paging(self):
        self.s3.create_bucket(Bucket="listing")
        keys = ["a-c", "a/b", "a/c/d", "logs/2026/01/x", "logs/2026/02/y", "logs/readme", "space key+plus", "z"]
        keys += ["many/%03d" % i for i in range(25)]
        for k in keys:
            self.s3.put_object(Bucket="listing", Key=k, Body=k.encode())
        listed = self.s3.list_objects_v2(Bucket="listing")
        self.assertEqual([o["Key"] for o in listed["Contents"]], sorted(keys))
        self.assertEqual(listed["KeyCount"], len(keys))
        self.assertFalse(listed["IsTruncated"])
        top = self.s3.list_objects_v2(Bucket="listing", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["a/", "logs/", "many/"])
        self.assertEqual([o["Key"] for o in top["Contents"]], ["a-c", "space key+plus", "z"])
        logs = self.s3.list_objects_v2(Bucket="listing", Prefix="logs/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in logs["CommonPrefixes"]], ["logs/2026/"])
        self.assertEqual([o["Key"] for o in logs["Contents"]], ["logs/readme"])
        # Paging by hand with continuation tokens, then with the paginator.
        seen, token = [], None
        while True:
            kwargs = {"Bucket": "listing", "Prefix": "many/", "MaxKeys": 10}
            if token:
                kwargs["ContinuationToken"] = token
            page = self.s3.list_objects_v2(**kwargs)
            seen += [o["Key"] for o in page["Contents"]]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(seen, ["many/%03d" % i for i in range(25)])
        paginator = self.s3.get_paginator("list_objects_v2")
        paged = [o["Key"] for page in paginator.paginate(Bucket="listing", PaginationConfig={"PageSize": 4})
                 for o in page.get("Contents", [])]
        self.assertEqual(paged, sorted(keys))
        after = self.s3.list_objects_v2(Bucket="listing", StartAfter="many/020", Prefix="many/")
        self.assertEqual([o["Key"] for o in after["Contents"]], ["many/%03d" % i for i in range(21, 25)])
        # ListObjects v1 with markers, as older clients page.
        v1 = self.s3.list_objects(Bucket="listing", Prefix="many/", MaxKeys=20)
        self.assertTrue(v1["IsTruncated"])
        rest = self.s3.list_objects(Bucket="listing", Prefix="many/", Marker=v1["Contents"][-1]["Key"])
        self.assertEqual(len(v1["Contents"]) + len(rest["Contents"]), 25)

    def test_delete_objects(self):
        self.s3.create_bucket(Bucket="deletes")
        for i in range(5):
            self.s3.put_object(Bucket="deletes", Key="d/%d" % i, Body=b"x")
        resp = self.s3.delete_objects(Bucket="deletes", Delete={
            "Objects": [{"Key": "d/0"}, {"Key": "d/1"}, {"Key": "d/never-existed"}]})
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), ["d/0", "d/1", "d/never-existed"])
        left = [o["Key"] for o in self.s3.list_objects_v2(Bucket="deletes")["Contents"]]
        self.assertEqual(left, ["d/2", "d/3", "d/4"])
        quiet = self.s3.delete_objects(Bucket="deletes", Delete={"Objects": [{"Key": "d/2"}], "Quiet": True})
        self.assertNotIn("Deleted", quiet)

    def test_multipart_upload_and_copy(self):
        self.s3.create_bucket(Bucket="multi")
        part1, part2 = os.urandom(5 << 20), os.urandom(1000)
        up = self.s3.create_multipart_upload(Bucket="multi", Key="big.bin", ContentType="application/x-test")
        e1 = self.s3.upload_part(Bucket="multi", Key="big.bin", UploadId=up["UploadId"], PartNumber=1, Body=part1)
        e2 = self.s3.upload_part(Bucket="multi", Key="big.bin", UploadId=up["UploadId"], PartNumber=2, Body=part2)
        done = self.s3.complete_multipart_upload(Bucket="multi", Key="big.bin", UploadId=up["UploadId"],
                                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1["ETag"]},
                                                                            {"PartNumber": 2, "ETag": e2["ETag"]}]})
        self.assertTrue(done["ETag"].endswith('-2"'))
        got = self.s3.get_object(Bucket="multi", Key="big.bin")
        self.assertEqual(got["Body"].read(), part1 + part2)
        self.assertEqual(got["ContentType"], "application/x-test")
        # A part under 5 MiB that is not the last is refused; aborting removes the upload.
        up2 = self.s3.create_multipart_upload(Bucket="multi", Key="small.bin")
        s1 = self.s3.upload_part(Bucket="multi", Key="small.bin", UploadId=up2["UploadId"], PartNumber=1, Body=b"a")
        s2 = self.s3.upload_part(Bucket="multi", Key="small.bin", UploadId=up2["UploadId"], PartNumber=2, Body=b"b")
        parts = {"Parts": [{"PartNumber": 1, "ETag": s1["ETag"]}, {"PartNumber": 2, "ETag": s2["ETag"]}]}
        self.assertEqual(self.error_code(self.s3.complete_multipart_upload, Bucket="multi", Key="small.bin",
                                         UploadId=up2["UploadId"], MultipartUpload=parts)[0], "EntityTooSmall")
        self.s3.abort_multipart_upload(Bucket="multi", Key="small.bin", UploadId=up2["UploadId"])
        self.assertEqual(self.error_code(self.s3.upload_part, Bucket="multi", Key="small.bin",
                                         UploadId=up2["UploadId"], PartNumber=3, Body=b"c")[0], "NoSuchUpload")
        copied = self.s3.copy_object(Bucket="multi", Key="copy.bin", CopySource={"Bucket": "multi", "Key": "big.bin"})
        self.assertIn("ETag", copied["CopyObjectResult"])
        self.assertEqual(self.s3.head_object(Bucket="multi", Key="copy.bin")["ContentLength"], len(part1) + len(part2))

    def test_presigned_get(self):
        self.s3.create_bucket(Bucket="presigned")
        self.s3.put_object(Bucket="presigned", Key="file name.txt", Body=b"shared")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "file name.txt"},
                                             ExpiresIn=300)
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(resp.read(), b"shared")


class S3VerifiedTest(unittest.TestCase):
    """`serve --credentials`: signatures (aws-chunked uploads and SigV2 presigned URLs included) are
    checked against the secret, and a wrong secret is refused with SignatureDoesNotMatch."""

    @classmethod
    def setUpClass(cls):
        tmp = Server()
        creds = os.path.join(tmp.tmp, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIDEXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        cls.server = Server(extra_args=["--credentials", creds]).start()
        tmp.cleanup()
        cls.s3 = cls.server.boto3("s3")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_signed_requests_verified(self):
        import boto3
        import io
        self.s3.create_bucket(Bucket="verified")
        self.s3.put_object(Bucket="verified", Key="a/b c.txt", Body=b"x" * 100)
        data = os.urandom(9 << 20)
        self.s3.upload_fileobj(io.BytesIO(data), "verified", "big.bin")  # multipart, streamed parts
        self.assertEqual(self.s3.get_object(Bucket="verified", Key="big.bin")["Body"].read(), data)
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": "verified", "Key": "a/b c.txt"})
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(resp.read(), b"x" * 100)
        forged = url.replace("Signature=", "Signature=A")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(forged)
        self.assertEqual(cm.exception.code, 403)
        wrong = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wrong",
                                      region_name="us-east-1").client("s3", endpoint_url=self.server.url)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            wrong.list_buckets()
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


if __name__ == "__main__":
    unittest.main()
