"""The real aws CLI (Debian's awscli) against `freshet serve --http`: the Kinesis commands a
pipeline's setup and producer scripts use, run exactly as users write them."""
import base64
import unittest

from wire_util import ServerTestCase


class KinesisAwsCliTest(ServerTestCase):
    def test_create_describe_put_get(self):
        aws = self.server.aws
        aws("kinesis", "create-stream", "--stream-name", "input-stream", "--shard-count", "2")
        d = aws("kinesis", "describe-stream", "--stream-name", "input-stream")["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "ACTIVE")
        self.assertEqual(d["StreamARN"], "arn:aws:kinesis:us-east-1:000000000000:stream/input-stream")
        self.assertEqual([s["ShardId"] for s in d["Shards"]], ["shardId-000000000000", "shardId-000000000001"])

        payload = b'{"sensor_id":"sensor-2","temperature":88.8,"current_time":987654321}'
        put = aws("kinesis", "put-record", "--stream-name", "input-stream", "--partition-key", "sensor-2",
                  "--data", base64.b64encode(payload).decode())
        self.assertIn(put["ShardId"], ("shardId-000000000000", "shardId-000000000001"))
        self.assertTrue(put["SequenceNumber"].isdigit())

        it = aws("kinesis", "get-shard-iterator", "--stream-name", "input-stream", "--shard-id", put["ShardId"],
                 "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
        got = aws("kinesis", "get-records", "--shard-iterator", it)
        self.assertEqual(len(got["Records"]), 1)
        rec = got["Records"][0]
        self.assertEqual(base64.b64decode(rec["Data"]), payload)
        self.assertEqual(rec["PartitionKey"], "sensor-2")
        self.assertEqual(rec["SequenceNumber"], put["SequenceNumber"])
        self.assertIn("NextShardIterator", got)

        at = aws("kinesis", "get-shard-iterator", "--stream-name", "input-stream", "--shard-id", put["ShardId"],
                 "--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number", put["SequenceNumber"])
        self.assertEqual(len(aws("kinesis", "get-records", "--shard-iterator", at["ShardIterator"])["Records"]), 1)

        shards = aws("kinesis", "list-shards", "--stream-name", "input-stream")["Shards"]
        self.assertEqual(len(shards), 2)
        self.assertIn("input-stream", aws("kinesis", "list-streams")["StreamNames"])

    def test_split_shard_closes_the_parent(self):
        aws = self.server.aws
        aws("kinesis", "create-stream", "--stream-name", "splitme", "--shard-count", "1")
        aws("kinesis", "put-record", "--stream-name", "splitme", "--partition-key", "a",
            "--data", base64.b64encode(b"before").decode())
        aws("kinesis", "split-shard", "--stream-name", "splitme", "--shard-to-split", "shardId-000000000000",
            "--new-starting-hash-key", str(2 ** 127))
        shards = aws("kinesis", "list-shards", "--stream-name", "splitme")["Shards"]
        self.assertEqual(len(shards), 3)
        parent = shards[0]
        self.assertIn("EndingSequenceNumber", parent["SequenceNumberRange"])
        children = [s for s in shards if s.get("ParentShardId") == "shardId-000000000000"]
        self.assertEqual(len(children), 2)
        self.assertEqual(children[1]["HashKeyRange"]["StartingHashKey"], str(2 ** 127))
        p = aws("kinesis", "split-shard", "--stream-name", "splitme", "--shard-to-split", "shardId-000000000000",
                "--new-starting-hash-key", "5", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("InvalidArgumentException", p.stderr)
        summary = aws("kinesis", "describe-stream-summary", "--stream-name", "splitme")
        self.assertEqual(summary["StreamDescriptionSummary"]["OpenShardCount"], 2)

    def test_errors_are_awss(self):
        p = self.server.aws("kinesis", "describe-stream", "--stream-name", "missing", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ResourceNotFoundException", p.stderr)
        self.assertIn("Stream missing under account 000000000000 not found.", p.stderr)

    def test_freshet_cli_reads_what_the_aws_cli_put(self):
        aws = self.server.aws
        aws("kinesis", "create-stream", "--stream-name", "mixed", "--shard-count", "1")
        aws("kinesis", "put-record", "--stream-name", "mixed", "--partition-key", "k",
            "--data", base64.b64encode(b"hello").decode())
        p = self.server.freshet("stream", "read", "mixed", "--output", "jsonl")  # through the owner's socket
        self.assertIn('"data":"hello"', p.stdout)
        p = self.server.freshet("--endpoint", self.server.url, "stream", "read", "mixed", "--output", "jsonl")
        self.assertIn('"data":"hello"', p.stdout)


if __name__ == "__main__":
    unittest.main()
