"""SIGKILL `freshet serve` at random moments while two delivery streams write objects: one reads a
Kinesis stream that boto3 producers keep filling, one takes put_record_batch calls (DirectPut).
After the last restart and a flush, the objects hold every record of the stream exactly once, and
every acknowledged DirectPut batch exactly once (an unacknowledged one wholly or not at all); every
object is in the delivery's manifest once (none written twice under two names), and no temp file is
left in the bucket.

FRESHET_WIRE_CRASH_CYCLES sets the number of kills (default 4)."""
import json
import os
import random
import threading
import time
import unittest

from wire_util import Server

BATCH = 50


def read_all(s3, bucket):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [o["Key"] for o in page.get("Contents", [])]
    lines = []
    for k in keys:
        body = s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode()
        lines += [json.loads(x) for x in body.splitlines()]
    return keys, lines


class FirehoseCrashTest(unittest.TestCase):
    def test_objects_hold_each_record_once_across_sigkill(self):
        cycles = int(os.environ.get("FRESHET_WIRE_CRASH_CYCLES", "4"))
        server = Server()
        try:
            server.start()
            server.boto3("kinesis").create_stream(StreamName="src", ShardCount=2)
            s3 = server.boto3("s3")
            s3.create_bucket(Bucket="out")
            firehose = server.boto3("firehose")
            dest = {"RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::out",
                    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}
            firehose.create_delivery_stream(
                DeliveryStreamName="from-kinesis", DeliveryStreamType="KinesisStreamAsSource",
                KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/src",
                                                  "RoleARN": "arn:aws:iam::000000000000:role/r"},
                ExtendedS3DestinationConfiguration=dict(dest, Prefix="k/"))
            firehose.create_delivery_stream(DeliveryStreamName="direct",
                                            ExtendedS3DestinationConfiguration=dict(dest, Prefix="d/"))
            acked, attempted = set(), set()
            lock = threading.Lock()
            pad = "x" * 400  # ~1 MiB buffers fill within a cycle
            for cycle in range(cycles):
                stop = threading.Event()

                def produce_kinesis(worker):
                    kinesis = server.boto3("kinesis")
                    n = 0
                    while not stop.is_set():
                        records = [{"PartitionKey": "p%d" % random.randrange(100),
                                    "Data": (json.dumps({"k": "%d-%d-%d-%d" % (cycle, worker, n, i), "pad": pad}) + "\n").encode()}
                                   for i in range(BATCH)]
                        n += 1
                        try:
                            kinesis.put_records(StreamName="src", Records=records)
                        except Exception:  # noqa: BLE001 -- the server died under us
                            return

                def produce_direct(worker):
                    client = server.boto3("firehose")
                    n = 0
                    while not stop.is_set():
                        batch_id = "%d-%d-%d" % (cycle, worker, n)
                        n += 1
                        records = [{"Data": (json.dumps({"b": batch_id, "i": i, "pad": pad}) + "\n").encode()}
                                   for i in range(BATCH)]
                        with lock:
                            attempted.add(batch_id)
                        try:
                            r = client.put_record_batch(DeliveryStreamName="direct", Records=records)
                        except Exception:  # noqa: BLE001 -- the server died under us
                            return
                        if r["FailedPutCount"] == 0:
                            with lock:
                                acked.add(batch_id)

                threads = [threading.Thread(target=produce_kinesis, args=(w,)) for w in range(2)]
                threads += [threading.Thread(target=produce_direct, args=(w,)) for w in range(2)]
                for t in threads:
                    t.start()
                time.sleep(1.0 + 2.0 * random.random())
                server.stop(sig=9)
                stop.set()
                for t in threads:
                    t.join()
                server.start()
            for name in ("from-kinesis", "direct"):
                server.freshet("delivery", "flush", name)
            keys, lines = read_all(s3, "out")
            kinesis_keys = [k for k in keys if k.startswith("k/")]
            direct_keys = [k for k in keys if k.startswith("d/")]
            # Every object once in its delivery's manifest: no object written under two names.
            for name, own in (("from-kinesis", kinesis_keys), ("direct", direct_keys)):
                out = server.freshet("delivery", "describe", name).stdout
                manifest = [l.split()[0][len("s3://out/"):] for l in out.splitlines() if l.startswith("  s3://")]
                self.assertEqual(sorted(manifest), sorted(own), name)
            server.stop()
            # The stream's records, exactly once.
            stream_keys = []
            for l in server.freshet("stream", "read", "src", "--output", "jsonl").stdout.splitlines():
                stream_keys.append(json.loads(json.loads(l)["data"])["k"])
            delivered = [x["k"] for x in lines if "k" in x]
            self.assertEqual(len(delivered), len(set(delivered)), "no stream record delivered twice")
            self.assertEqual(sorted(delivered), sorted(stream_keys))
            # DirectPut batches: acknowledged ones exactly once, others whole or absent.
            batches = {}
            for x in lines:
                if "b" in x:
                    batches.setdefault(x["b"], []).append(x["i"])
            for batch_id in acked:
                self.assertEqual(sorted(batches.get(batch_id, [])), list(range(BATCH)), "acknowledged batch %s" % batch_id)
            for batch_id, members in batches.items():
                self.assertIn(batch_id, attempted)
                self.assertEqual(sorted(members), list(range(BATCH)), "batch %s whole, once" % batch_id)
            temps = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(server.data, "buckets"))
                     for f in files if f.startswith(".freshet-tmp")]
            self.assertEqual(temps, [])
            self.assertGreater(len(kinesis_keys), cycles)
            print("cycles %d: %d stream records in %d objects; %d DirectPut batches acknowledged, %d delivered in %d objects"
                  % (cycles, len(delivered), len(kinesis_keys), len(acked), len(batches), len(direct_keys)))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
