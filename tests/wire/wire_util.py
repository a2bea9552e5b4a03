"""Helpers for the wire-compatibility tests: a `freshet serve --http` on 127.0.0.1 in a temporary
data directory, and environments for the real aws CLI and boto3 (dummy credentials, no
instance-metadata lookups, a throwaway HOME).

The tests run with Debian's /usr/bin/python3 (python3-boto3) and /usr/bin/aws (awscli), which
tools/install-deps.sh installs; FRESHET_BIN names the freshet binary (ctest sets it).
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

FRESHET = os.environ.get("FRESHET_BIN", "freshet")
AWS = shutil.which("aws", path="/usr/bin") or "aws"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The dummy credentials every client signs with (freshet checks signatures, not who signed).
ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def client_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "HOME": home,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
    })
    return env


class Server:
    """`freshet serve --http 127.0.0.1:PORT` over a fresh data directory."""

    def __init__(self, extra_args=(), data_dir=None, env=None):
        self.tmp = tempfile.mkdtemp(prefix="freshet-wire-")
        self.data = data_dir or os.path.join(self.tmp, "data")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.extra_args = list(extra_args)
        self.env = env  # the server's environment (None: this process's)
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.tmp, "serve.log"), "w")
        self.proc = subprocess.Popen(
            [FRESHET, "--data-dir", self.data, "serve", "--http", "127.0.0.1:%d" % self.port] + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("freshet serve exited: " + open(self.log.name).read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("freshet serve did not listen on %d" % self.port)

    def stop(self, sig=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def aws(self, *args, check=True):
        """Runs the aws CLI against this server; returns parsed JSON output (or None)."""
        cmd = [AWS, "--endpoint-url", self.url, "--output", "json"] + list(args)
        p = subprocess.run(cmd, env=client_env(self.home), capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        if not check:
            return p
        return json.loads(p.stdout) if p.stdout.strip() else None

    @staticmethod
    def _session():
        import boto3
        return boto3.session.Session(aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                                     region_name=REGION)

    def boto3(self, service):
        """A boto3 client of `service` for this server (no retries)."""
        import botocore.config
        return self._session().client(service, endpoint_url=self.url,
                                      config=botocore.config.Config(retries={"max_attempts": 1}))

    def boto3_resource(self, service):
        """A boto3 resource of `service` (e.g. dynamodb's Table objects) for this server."""
        return self._session().resource(service, endpoint_url=self.url)

    def freshet(self, *args, check=True):
        p = subprocess.run([FRESHET, "--data-dir", self.data] + list(args), capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError("freshet %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p


class ServerTestCase(unittest.TestCase):
    """A test case sharing one started Server (cls.server) among its tests; a subclass's setUpClass
    calls super().setUpClass() first, then makes its clients and fixtures."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()


def kill_under_load(server, workers, stop, pause):
    """Starts the `workers` threads, lets them load `server` for `pause` seconds, SIGKILLs it, sets
    the `stop` event, waits for the workers (each must return once the server is gone or `stop`
    is set) and starts the server again, which recovers from its write-ahead log."""
    for t in workers:
        t.start()
    time.sleep(pause)
    server.stop(sig=9)
    stop.set()
    for t in workers:
        t.join()
    server.start()
