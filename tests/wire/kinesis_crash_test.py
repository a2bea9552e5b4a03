"""SIGKILL `freshet serve --http` while boto3 producers put, several times; afterwards every record
whose PutRecords got a 200 is in the log exactly once, and every batch is all there or not at all
(a PutRecords is one atomic, synced write).

FRESHET_WIRE_CRASH_CYCLES sets the number of kills (default 3)."""
import json
import os
import random
import subprocess
import threading
import unittest

import botocore.exceptions

from wire_util import Server, kill_under_load

PRODUCERS = 4
BATCH = 50


class KinesisCrashTest(unittest.TestCase):
    def test_acknowledged_puts_survive_sigkill(self):
        cycles = int(os.environ.get("FRESHET_WIRE_CRASH_CYCLES", "3"))
        server = Server()
        try:
            server.start()
            server.boto3("kinesis").create_stream(StreamName="s", ShardCount=4)
            acked = set()      # batch ids whose PutRecords returned 200
            attempted = set()  # batch ids sent (answered or not)
            lock = threading.Lock()
            for cycle in range(cycles):
                stop = threading.Event()

                def produce(worker):
                    kinesis = server.boto3("kinesis")
                    n = 0
                    while not stop.is_set():
                        batch_id = "%d-%d-%d" % (cycle, worker, n)
                        n += 1
                        records = [{"PartitionKey": "p%d" % random.randrange(1000),
                                    "Data": json.dumps({"batch": batch_id, "i": i}).encode()} for i in range(BATCH)]
                        with lock:
                            attempted.add(batch_id)
                        try:
                            resp = kinesis.put_records(StreamName="s", Records=records)
                        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                            return  # the server died under us
                        self.assertEqual(resp["FailedRecordCount"], 0)
                        with lock:
                            acked.add(batch_id)

                threads = [threading.Thread(target=produce, args=(w,)) for w in range(PRODUCERS)]
                kill_under_load(server, threads, stop, 0.5 + random.random())
            server.stop()
            out = server.freshet("stream", "read", "s", "--output", "jsonl").stdout
            counts = {}
            for line in out.splitlines():
                rec = json.loads(json.loads(line)["data"])
                key = (rec["batch"], rec["i"])
                counts[key] = counts.get(key, 0) + 1
            self.assertGreater(len(acked), cycles, "the producers got some batches acknowledged")
            dupes = [k for k, c in counts.items() if c != 1]
            self.assertEqual(dupes, [], "no record is in the log twice")
            batches = {}
            for (batch_id, i) in counts:
                batches.setdefault(batch_id, set()).add(i)
            for batch_id in acked:
                self.assertEqual(batches.get(batch_id), set(range(BATCH)), "acknowledged batch %s" % batch_id)
            for batch_id, members in batches.items():
                self.assertIn(batch_id, attempted)
                self.assertEqual(members, set(range(BATCH)), "batch %s is whole or absent" % batch_id)
            print("cycles %d: %d batches acknowledged, %d in the log (%d answered by no 200 before the kill)"
                  % (cycles, len(acked), len(batches), len(batches) - len(acked & set(batches))))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
