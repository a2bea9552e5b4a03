"""SIGKILL `freshet serve` at random moments while an event-source mapping runs a Python handler
that adds 1 to a counter item per record (UpdateItem ADD, so a write applied twice shows) and
throws on a known subset of records (bisected, retried, then sent to the OnFailure stream). After a
restart and a drain, the table equals an uninterrupted run: every other record counted exactly
once, none skipped, and every poison record in the OnFailure stream exactly once.

FRESHET_WIRE_CRASH_CYCLES sets the number of kills (default 3)."""
import json
import os
import random
import time
import unittest

from lambda_mappings_util import ARN, create_function, create_table, read_stream, scan_all, start_server, wait_until

HANDLER = r'''
import base64, json, os
import boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def lambda_handler(event, context):
    for r in event["Records"]:
        doc = json.loads(base64.b64decode(r["kinesis"]["data"]))
        if doc["i"] % 37 == 5:
            raise RuntimeError("poison %d" % doc["i"])
        table.update_item(Key={"id": "r%05d" % doc["i"]}, UpdateExpression="ADD n :one",
                          ExpressionAttributeValues={":one": 1})
'''

RECORDS = 1500


class LambdaMappingsCrashTest(unittest.TestCase):
    def test_sigkill_never_applies_a_write_twice_or_skips_a_record(self):
        cycles = int(os.environ.get("FRESHET_WIRE_CRASH_CYCLES", "3"))
        server = start_server()
        try:
            kinesis = server.boto3("kinesis")
            kinesis.create_stream(StreamName="in", ShardCount=2)
            kinesis.create_stream(StreamName="failures", ShardCount=1)
            create_table(server, "counts")
            create_function(server, "counter", HANDLER, {"TABLE": "counts"})
            server.boto3("lambda").create_event_source_mapping(
                EventSourceArn=ARN + "in", FunctionName="counter", StartingPosition="TRIM_HORIZON", BatchSize=50,
                BisectBatchOnFunctionError=True, MaximumRetryAttempts=1,
                DestinationConfig={"OnFailure": {"Destination": ARN + "failures"}})
            for start in range(0, RECORDS, 250):
                kinesis.put_records(StreamName="in", Records=[
                    {"PartitionKey": "p%d" % (i % 7), "Data": json.dumps({"i": i}).encode()}
                    for i in range(start, start + 250)])
            for _ in range(cycles):
                time.sleep(0.3 + random.random() * 1.5)
                server.stop(sig=9)
                server.start()
            poison = {i for i in range(RECORDS) if i % 37 == 5}
            expected = {"r%05d" % i for i in range(RECORDS) if i not in poison}
            items = wait_until(lambda: (lambda got: got if len(got) == len(expected) else None)(scan_all(server, "counts")),
                               timeout=300, what="every record counted")
            counts = {i["id"]["S"]: int(i["n"]["N"]) for i in items}
            self.assertEqual(set(counts), expected)
            twice = {k: n for k, n in counts.items() if n != 1}
            self.assertEqual(twice, {}, "records applied more than once")
            failures = wait_until(lambda: (lambda f: f if len(f) >= len(poison) else None)(read_stream(server, "failures")),
                                  timeout=120, what="every poison record in the OnFailure stream")
            given_up = []
            for f in failures:
                info = json.loads(f["Data"])
                self.assertEqual(info["KinesisBatchInfo"]["batchSize"], 1)
                given_up.append((info["KinesisBatchInfo"]["shardId"], info["KinesisBatchInfo"]["startSequenceNumber"]))
            self.assertEqual(len(given_up), len(set(given_up)), "a record sent to OnFailure twice")
            self.assertEqual(len(given_up), len(poison))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
