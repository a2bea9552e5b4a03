"""Event-source mappings end to end: the aws CLI and boto3 create, list, get, update and delete a
mapping from a Kinesis stream to a real Python handler that decodes each record and writes an item
with boto3's Table.put_item; a handler failing on some records exercises retries, bisection,
ReportBatchItemFailures and the OnFailure stream."""
import base64
import json
import unittest

from lambda_mappings_util import (ARN, create_function, create_table, read_stream, scan_all, start_server,
                                  wait_until)

WRITER = r'''
import base64, json, os
import boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def lambda_handler(event, context):
    for r in event["Records"]:
        assert r["eventSource"] == "aws:kinesis" and r["eventName"] == "aws:kinesis:record"
        doc = json.loads(base64.b64decode(r["kinesis"]["data"]))
        table.put_item(Item={"id": doc["id"], "v": doc["v"], "pk": r["kinesis"]["partitionKey"],
                             "seq": r["kinesis"]["sequenceNumber"]})
    return {"n": len(event["Records"])}
'''

# Fails the whole batch when it holds a poison record (so bisection isolates it); with
# ReportBatchItemFailures, reports "flaky" records as failed the first time each is seen.
FAILING = r'''
import base64, json, os
import boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
seen = set()
def lambda_handler(event, context):
    docs = [(r, json.loads(base64.b64decode(r["kinesis"]["data"]))) for r in event["Records"]]
    if any(d.get("poison") for _, d in docs):
        raise ValueError("poison record")
    failures = []
    for r, d in docs:
        if d.get("flaky") and d["id"] not in seen:
            seen.add(d["id"])
            failures.append({"itemIdentifier": r["kinesis"]["sequenceNumber"]})
            continue
        table.put_item(Item={"id": d["id"], "v": d["v"]})
    return {"batchItemFailures": failures}
'''


class LambdaMappingsTest(unittest.TestCase):
    def setUp(self):
        self.server = start_server()

    def tearDown(self):
        self.server.cleanup()

    def put(self, stream, docs):
        kinesis = self.server.boto3("kinesis")
        for i in range(0, len(docs), 100):
            chunk = docs[i:i + 100]
            resp = kinesis.put_records(StreamName=stream, Records=[
                {"PartitionKey": d["id"], "Data": json.dumps(d).encode()} for d in chunk])
            self.assertEqual(resp["FailedRecordCount"], 0)

    def test_aws_cli_mapping_runs_a_python_handler_writing_items(self):
        s = self.server
        s.aws("kinesis", "create-stream", "--stream-name", "input-stream", "--shard-count", "2")
        create_table(s, "items")
        create_function(s, "f", WRITER, {"TABLE": "items"})
        created = s.aws("lambda", "create-event-source-mapping", "--event-source-arn", ARN + "input-stream",
                        "--function-name", "f", "--starting-position", "TRIM_HORIZON", "--batch-size", "25")
        uuid = created["UUID"]
        self.assertEqual(created["BatchSize"], 25)
        self.assertEqual(created["EventSourceArn"], ARN + "input-stream")
        self.assertTrue(created["FunctionArn"].endswith(":function:f"))
        docs = [{"id": "r%03d" % i, "v": i} for i in range(120)]
        self.put("input-stream", docs)
        items = wait_until(lambda: len(scan_all(s, "items")) == 120 and scan_all(s, "items"), what="120 items")
        self.assertEqual(sorted(int(i["v"]["N"]) for i in items), list(range(120)))
        got = s.aws("lambda", "get-event-source-mapping", "--uuid", uuid)
        self.assertEqual(got["State"], "Enabled")
        self.assertEqual(got["LastProcessingResult"], "OK")
        listed = s.aws("lambda", "list-event-source-mappings", "--function-name", "f")
        self.assertEqual([m["UUID"] for m in listed["EventSourceMappings"]], [uuid])
        listed = s.aws("lambda", "list-event-source-mappings", "--event-source-arn", ARN + "other")
        self.assertEqual(listed["EventSourceMappings"], [])
        updated = s.aws("lambda", "update-event-source-mapping", "--uuid", uuid, "--batch-size", "7", "--no-enabled")
        self.assertEqual(updated["BatchSize"], 7)
        self.assertEqual(s.aws("lambda", "get-event-source-mapping", "--uuid", uuid)["State"], "Disabled")
        s.aws("lambda", "delete-event-source-mapping", "--uuid", uuid)
        p = s.aws("lambda", "get-event-source-mapping", "--uuid", uuid, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ResourceNotFoundException", p.stderr)

    def test_errors_are_lambdas(self):
        s = self.server
        s.aws("kinesis", "create-stream", "--stream-name", "in", "--shard-count", "1")
        p = s.aws("lambda", "create-event-source-mapping", "--event-source-arn", ARN + "in", "--function-name",
                  "missing", "--starting-position", "LATEST", check=False)
        self.assertIn("ResourceNotFoundException", p.stderr)
        create_function(s, "f", WRITER, {"TABLE": "items"})
        p = s.aws("lambda", "create-event-source-mapping", "--event-source-arn", ARN + "in", "--function-name", "f",
                  "--starting-position", "LATEST", "--batch-size", "10001", check=False)
        self.assertIn("InvalidParameterValueException", p.stderr)

    def test_failing_records_are_bisected_retried_and_sent_to_on_failure(self):
        s = self.server
        kinesis = s.boto3("kinesis")
        kinesis.create_stream(StreamName="in", ShardCount=1)
        kinesis.create_stream(StreamName="failures", ShardCount=1)
        create_table(s, "items")
        create_function(s, "g", FAILING, {"TABLE": "items"})
        lam = s.boto3("lambda")
        lam.create_event_source_mapping(
            EventSourceArn=ARN + "in", FunctionName="g", StartingPosition="TRIM_HORIZON", BatchSize=16,
            BisectBatchOnFunctionError=True, MaximumRetryAttempts=1, FunctionResponseTypes=["ReportBatchItemFailures"],
            DestinationConfig={"OnFailure": {"Destination": ARN + "failures"}})
        docs = [{"id": "r%02d" % i, "v": i} for i in range(40)]
        docs[5]["poison"] = True
        docs[21]["flaky"] = True
        docs[30]["flaky"] = True
        self.put("in", docs)
        failures = wait_until(lambda: read_stream(s, "failures"), what="an OnFailure record")
        wait_until(lambda: len(scan_all(s, "items")) == 39, what="39 items")
        self.assertEqual(len(failures), 1)
        info = json.loads(failures[0]["Data"])
        self.assertEqual(info["requestContext"]["condition"], "RetryAttemptsExhausted")
        self.assertEqual(info["KinesisBatchInfo"]["batchSize"], 1)
        self.assertEqual(info["KinesisBatchInfo"]["streamArn"], ARN + "in")
        self.assertEqual(info["responseContext"]["functionError"], "Unhandled")
        ids = sorted(i["id"]["S"] for i in scan_all(s, "items"))
        self.assertEqual(ids, sorted(d["id"] for d in docs if not d.get("poison")))


if __name__ == "__main__":
    unittest.main()
