"""Large single PutObjects against `freshet serve --http`: boto3 put_object of 20 and 50 MiB and a
20 MiB `aws s3 cp` as one PUT (multipart threshold raised) and as multipart, read back byte for byte;
multipart uploads with 20 and 24 MiB parts (UploadPart streams too)
with their ETags; a body whose SHA-256 is not its x-amz-content-sha256 refused with nothing
written; EntityTooLarge over 5 GiB from the headers; and the server's memory while a large body
streams to its file, and while a large object (whole, and a range of it) is sent from its file
(S3_RSS_BODY_MIB sets the size, 64 by default)."""
import hashlib
import http.client
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from wire_util import AWS, Server, client_env

MIB = 1 << 20


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class PeakRss:
    """Samples a process's RSS every 5 ms from construction until stop(): baseline and peak, KiB."""

    def __init__(self, pid):
        self.pid = pid
        self.baseline = self.peak = rss_kib(pid)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample)
        self.thread.start()

    def _sample(self):
        while not self.done.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.005)

    def stop(self):
        self.done.set()
        self.thread.join()


def signed_put(server, key, signed_body, sent_body, secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"):
    """A PUT to bucket "large" signed (SigV4, hex x-amz-content-sha256) for one body, sending another
    of the same length; returns (status, body)."""
    url = "%s/large/%s" % (server.url, key)
    request = botocore.awsrequest.AWSRequest(method="PUT", url=url, data=signed_body)
    request.headers["x-amz-content-sha256"] = hashlib.sha256(signed_body).hexdigest()
    creds = botocore.credentials.Credentials("AKIDEXAMPLE", secret)
    botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1").add_auth(request)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = dict(request.headers.items())
    headers["Content-Length"] = str(len(sent_body))
    conn.request("PUT", "/large/" + key, body=sent_body, headers=headers)
    response = conn.getresponse()
    result = response.status, response.read().decode()
    conn.close()
    return result


def bucket_files(server):
    top = os.path.join(server.data, "buckets", "large")
    return sorted(os.path.relpath(os.path.join(root, f), top) for root, _, files in os.walk(top) for f in files)


class S3LargePutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.s3 = cls.server.boto3("s3")
        cls.s3.create_bucket(Bucket="large")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def bucket_files(self):
        return bucket_files(self.server)

    def test_boto3_put_object_20_and_50_mib(self):
        for mib in (20, 50):
            body = os.urandom(mib * MIB)
            key = "boto3/%d.bin" % mib
            put = self.s3.put_object(Bucket="large", Key=key, Body=body)
            self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
            got = self.s3.get_object(Bucket="large", Key=key)
            self.assertEqual(got["ETag"], put["ETag"])
            self.assertEqual(got["ContentLength"], len(body))
            self.assertTrue(got["Body"].read() == body)
            with open(os.path.join(self.server.data, "buckets", "large", key), "rb") as f:
                self.assertEqual(hashlib.md5(f.read()).hexdigest(), hashlib.md5(body).hexdigest())

    def aws_cp(self, home, *args):
        env = client_env(home)
        p = subprocess.run([AWS, "--endpoint-url", self.server.url] + list(args), env=env, capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_aws_cli_cp_20_mib_single_put_and_multipart(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "big.bin")
            body = os.urandom(20 * MIB)
            with open(src, "wb") as f:
                f.write(body)
            single_home = os.path.join(tmp, "single")
            os.makedirs(os.path.join(single_home, ".aws"))
            with open(os.path.join(single_home, ".aws", "config"), "w") as f:
                f.write("[default]\ns3 =\n  multipart_threshold = 64MB\n")
            self.aws_cp(single_home, "s3", "cp", src, "s3://large/cli/single.bin")
            head = self.s3.head_object(Bucket="large", Key="cli/single.bin")
            self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(body).hexdigest())  # one PUT: a plain MD5
            self.aws_cp(self.server.home, "s3", "cp", src, "s3://large/cli/multipart.bin")
            head = self.s3.head_object(Bucket="large", Key="cli/multipart.bin")
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])  # 8 MiB parts
            for key in ("cli/single.bin", "cli/multipart.bin"):
                back = os.path.join(tmp, "back")
                self.aws_cp(self.server.home, "s3", "cp", "s3://large/" + key, back)
                with open(back, "rb") as f:
                    self.assertTrue(f.read() == body, key)

    def test_parts_larger_than_16_mib(self):
        """UploadPart streams its body as PutObject does: boto3's upload_file with 24 MiB parts and
        the aws CLI with 20 MiB parts (S3 allows parts up to 5 GiB) complete, byte for byte."""
        import boto3.s3.transfer
        body = os.urandom(50 * MIB)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "big.bin")
            with open(src, "wb") as f:
                f.write(body)
            config = boto3.s3.transfer.TransferConfig(multipart_threshold=24 * MIB, multipart_chunksize=24 * MIB)
            self.s3.upload_file(src, "large", "parts/boto3.bin", Config=config)
            head = self.s3.head_object(Bucket="large", Key="parts/boto3.bin")
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])  # 24 + 24 + 2 MiB
            self.assertTrue(self.s3.get_object(Bucket="large", Key="parts/boto3.bin")["Body"].read() == body)
            home = os.path.join(tmp, "home")
            os.makedirs(os.path.join(home, ".aws"))
            with open(os.path.join(home, ".aws", "config"), "w") as f:
                f.write("[default]\ns3 =\n  multipart_threshold = 20MB\n  multipart_chunksize = 20MB\n")
            self.aws_cp(home, "s3", "cp", src, "s3://large/parts/cli.bin")
            head = self.s3.head_object(Bucket="large", Key="parts/cli.bin")
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])  # 20 + 20 + 10 MiB
            self.assertTrue(self.s3.get_object(Bucket="large", Key="parts/cli.bin")["Body"].read() == body)
        self.assertEqual([f for f in os.listdir(os.path.join(self.server.data, "buckets", ".freshet-uploads"))], [])

    def signed_put(self, key, signed_body, sent_body):
        return signed_put(self.server, key, signed_body, sent_body)

    def test_body_not_matching_its_sha256_writes_nothing(self):
        before = self.bucket_files()
        good = os.urandom(18 * MIB)
        bad = good[:-1] + bytes([good[-1] ^ 1])
        status, body = self.signed_put("mismatch.bin", good, bad)
        self.assertEqual(status, 400)
        self.assertIn("<Code>XAmzContentSHA256Mismatch</Code>", body)
        self.assertEqual(self.bucket_files(), before)  # no object, no temp left
        status, body = self.signed_put("match.bin", good, good)
        self.assertEqual(status, 200, body)
        self.assertTrue(self.s3.get_object(Bucket="large", Key="match.bin")["Body"].read() == good)

    def test_over_five_gib_is_entity_too_large_from_the_headers(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
            s.sendall(("PUT /large/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n"
                       "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-date: 20261129T000000Z\r\n"
                       "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
                       "SignedHeaders=host;x-amz-date, Signature=%s\r\n\r\n" % ((5 << 30) + 1, "0" * 64)).encode())
            reply = b""
            while b"</Error>" not in reply:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:200])
        self.assertIn(b"<Code>EntityTooLarge</Code>", reply)

    def test_memory_stays_well_under_the_body_size(self):
        mib = int(os.environ.get("S3_RSS_BODY_MIB", "64"))
        body = os.urandom(mib * MIB)
        pid = self.server.proc.pid
        self.s3.put_object(Bucket="large", Key="warm", Body=b"x" * MIB)  # connections and threads up
        rss = PeakRss(pid)
        start = time.time()
        put = self.s3.put_object(Bucket="large", Key="rss.bin", Body=body)
        seconds = time.time() - start
        rss.stop()
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        growth_mib = (rss.peak - rss.baseline) / 1024.0
        print("\nS3 PutObject of %d MiB: server RSS %.1f MiB before, peak %.1f MiB (+%.1f MiB), %.2f s"
              % (mib, rss.baseline / 1024.0, rss.peak / 1024.0, growth_mib, seconds))
        self.assertLess(growth_mib, mib / 4.0)

    def test_get_sends_a_large_object_from_its_file(self):
        """GetObject of an object over 4 MiB is sent from the open file as the connection takes it, and
        CopyObject copies it a piece at a time: the server's memory grows by a small part of it, and
        the bytes match (whole, a range, the copy)."""
        mib = int(os.environ.get("S3_RSS_BODY_MIB", "64"))
        body = os.urandom(mib * MIB)
        self.s3.put_object(Bucket="large", Key="get.bin", Body=body)
        pid = self.server.proc.pid
        self.s3.put_object(Bucket="large", Key="get-warm", Body=b"x" * MIB)  # connections and threads up
        self.s3.get_object(Bucket="large", Key="get-warm")["Body"].read()
        rss = PeakRss(pid)
        start = time.time()
        got = self.s3.get_object(Bucket="large", Key="get.bin")
        digest = hashlib.md5()
        for piece in iter(lambda: got["Body"].read(MIB), b""):
            digest.update(piece)
        seconds = time.time() - start
        ranged = self.s3.get_object(Bucket="large", Key="get.bin", Range="bytes=1000-%d" % (20 * MIB + 999))
        ranged_body = ranged["Body"].read()
        copied = self.s3.copy_object(Bucket="large", Key="copy.bin", CopySource={"Bucket": "large", "Key": "get.bin"})
        rss.stop()
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(digest.hexdigest(), hashlib.md5(body).hexdigest())
        self.assertEqual(ranged["ContentRange"], "bytes 1000-%d/%d" % (20 * MIB + 999, len(body)))
        self.assertTrue(ranged_body == body[1000:20 * MIB + 1000])
        self.assertEqual(copied["CopyObjectResult"]["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        with open(os.path.join(self.server.data, "buckets", "large", "copy.bin"), "rb") as f:
            self.assertTrue(f.read() == body)
        growth_mib = (rss.peak - rss.baseline) / 1024.0
        print("\nS3 GetObject of %d MiB (and a 20 MiB range, and CopyObject): server RSS %.1f MiB before, peak %.1f MiB (+%.1f MiB), "
              "%.2f s for the whole object" % (mib, rss.baseline / 1024.0, rss.peak / 1024.0, growth_mib, seconds))
        self.assertLess(growth_mib, mib / 4.0)


class S3LargePutVerifiedTest(unittest.TestCase):
    """With `serve --credentials`: the signature of a streamed body is verified from its headers, and
    its SHA-256 against the bytes as they arrive."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        creds = os.path.join(cls.tmp.name, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIDEXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        cls.server = Server(extra_args=["--credentials", creds]).start()
        cls.s3 = cls.server.boto3("s3")
        cls.s3.create_bucket(Bucket="large")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        cls.tmp.cleanup()

    def test_verified_streamed_puts(self):
        body = os.urandom(20 * MIB)
        put = self.s3.put_object(Bucket="large", Key="verified.bin", Body=body)
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        self.assertTrue(self.s3.get_object(Bucket="large", Key="verified.bin")["Body"].read() == body)
        before = bucket_files(self.server)
        status, reply = signed_put(self.server, "forged.bin", body, body[::-1])
        self.assertEqual(status, 400)
        self.assertIn("<Code>XAmzContentSHA256Mismatch</Code>", reply)
        # Refused from the headers: the connection closes without reading the body, so a small one.
        status, reply = signed_put(self.server, "wrong-key.bin", b"k" * 1000, b"k" * 1000, secret="not the secret")
        self.assertEqual(status, 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", reply)
        self.assertEqual(bucket_files(self.server), before)


if __name__ == "__main__":
    unittest.main()
