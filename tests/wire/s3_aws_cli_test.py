"""The real aws CLI (Debian's awscli) against the S3 API of `freshet serve --http`: `aws s3 mb`,
`cp` of a small file and of a 20 MB file (a multipart upload), `ls --recursive`, `rm`, and the
`s3api` commands, run as users write them."""
import hashlib
import os
import unittest

from wire_util import Server


class S3AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.work = os.path.join(cls.server.tmp, "files")
        os.makedirs(cls.work)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def run_aws(self, *args):
        p = self.server.aws(*args, check=False)
        self.assertEqual(p.returncode, 0, "aws %s: %s" % (" ".join(args), p.stderr))
        return p.stdout

    def write(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_mb_cp_ls_rm(self):
        self.assertIn("make_bucket: cli-bucket", self.run_aws("s3", "mb", "s3://cli-bucket"))
        small = self.write("small.txt", b"hello from the aws cli\n")
        big_data = os.urandom(20 << 20)
        big = self.write("big.bin", big_data)
        self.run_aws("s3", "cp", small, "s3://cli-bucket/docs/small.txt")
        self.run_aws("s3", "cp", big, "s3://cli-bucket/data/big.bin")
        on_disk = os.path.join(self.server.data, "buckets", "cli-bucket", "data", "big.bin")
        with open(on_disk, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(big_data).digest())
        head = self.server.aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "data/big.bin")
        self.assertEqual(head["ContentLength"], 20 << 20)
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-\d+"$')  # a multipart upload's ETag

        listing = self.run_aws("s3", "ls", "s3://cli-bucket", "--recursive")
        lines = sorted(line.split()[-1] for line in listing.strip().splitlines())
        self.assertEqual(lines, ["data/big.bin", "docs/small.txt"])
        self.assertIn(str(20 << 20), listing)
        top = self.run_aws("s3", "ls", "s3://cli-bucket/")
        self.assertIn("PRE data/", top)
        self.assertIn("PRE docs/", top)
        self.assertIn("cli-bucket", self.run_aws("s3", "ls"))

        back = os.path.join(self.work, "big.back")
        self.run_aws("s3", "cp", "s3://cli-bucket/data/big.bin", back)
        with open(back, "rb") as f:
            self.assertEqual(f.read(), big_data)
        out = os.path.join(self.work, "small.back")
        got = self.server.aws("s3api", "get-object", "--bucket", "cli-bucket", "--key", "docs/small.txt", out)
        self.assertEqual(got["ContentLength"], len(b"hello from the aws cli\n"))
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"hello from the aws cli\n")
        ranged = self.server.aws("s3api", "get-object", "--bucket", "cli-bucket", "--key", "docs/small.txt",
                                 "--range", "bytes=0-4", out)
        self.assertEqual(ranged["ContentRange"], "bytes 0-4/23")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"hello")

        self.run_aws("s3", "rm", "s3://cli-bucket/docs/small.txt")
        self.assertEqual(self.run_aws("s3", "ls", "s3://cli-bucket", "--recursive").split()[-1], "data/big.bin")
        self.run_aws("s3", "rm", "s3://cli-bucket", "--recursive")
        self.assertEqual(self.run_aws("s3", "ls", "s3://cli-bucket", "--recursive").strip(), "")
        self.run_aws("s3", "rb", "s3://cli-bucket")
        self.assertFalse(os.path.exists(os.path.join(self.server.data, "buckets", "cli-bucket")))

    def test_s3api_errors(self):
        p = self.server.aws("s3api", "get-object", "--bucket", "nope-bucket", "--key", "k", "/dev/null", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("NoSuchBucket", p.stderr)
        self.server.aws("s3api", "create-bucket", "--bucket", "api-bucket")
        p = self.server.aws("s3api", "head-object", "--bucket", "api-bucket", "--key", "missing", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("404", p.stderr)
        self.server.aws("s3api", "put-object", "--bucket", "api-bucket", "--key", "a b/c+d.txt",
                        "--body", self.write("c.txt", b"c"))
        listed = self.server.aws("s3api", "list-objects-v2", "--bucket", "api-bucket", "--prefix", "a b/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["a b/c+d.txt"])


if __name__ == "__main__":
    unittest.main()
