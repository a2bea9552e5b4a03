"""Progress lines of the long commands: drawn on stderr when it is a terminal (a pseudo-terminal
here), absent when stderr is a pipe. Runs `ingest file` and `consume` on the bundled NOAA data,
`stream put --file` on JSON lines.
"""
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "chart"))
import noaa_data  # noqa: E402

FRESHET = noaa_data.FRESHET


def run_with_tty_stderr(args):
    """Runs args with stderr on a pseudo-terminal; returns (exit code, stderr text)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


class ProgressTtyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="freshet-progress-")
        self.data = os.path.join(self.tmp, "data")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_ingest_and_consume(self):
        noaa_data.freshet(self.data, "stream", "create", "weather", "--shards", "4")
        # Not a terminal: no progress line, no carriage returns, no escape sequences.
        piped = noaa_data.freshet(self.data, "--no-sync", "ingest", "file", "--stream", "weather", noaa_data.NOAA_FILE)
        self.assertNotIn("\r", piped.stderr)
        self.assertNotIn("\x1b", piped.stderr)
        # A terminal: "\r<file>: N records (P%), R/s" lines.
        code, err = run_with_tty_stderr([FRESHET, "--data-dir", self.data, "ingest", "file", "--stream", "weather",
                                         noaa_data.NOAA_FILE])
        self.assertEqual(code, 0, err)
        self.assertIn("\r", err)
        self.assertRegex(err, r"cdo-montgomery-md-2012-2018\.csv\.gz: [\d,]+ records \(\d+%\), [\d,]+/s")
        self.assertTrue(err.endswith("\n"))
        code, err = run_with_tty_stderr([FRESHET, "--data-dir", self.data, "consume", "--pipeline", "weather"])
        self.assertEqual(code, 0, err)
        self.assertRegex(err, r"consume weather: [\d,]+ / 246,616 records \(\d+%\)")

    def test_stream_put_file(self):
        noaa_data.freshet(self.data, "stream", "create", "s", "--shards", "2")
        lines = os.path.join(self.tmp, "in.jsonl")
        with open(lines, "w") as f:
            for i in range(200000):
                f.write('{"k":"%d","v":%d}\n' % (i % 97, i))
        args = ["--no-sync", "stream", "put", "s", "--file", lines, "--partition-key-field", "k", "--output", "summary"]
        piped = noaa_data.freshet(self.data, *args)
        self.assertEqual(piped.stderr, "")
        code, err = run_with_tty_stderr([FRESHET, "--data-dir", self.data] + args)
        self.assertEqual(code, 0, err)
        self.assertRegex(err, r"\rput .*in\.jsonl: [\d,]+ records \(\d+%\)")


if __name__ == "__main__":
    unittest.main()
