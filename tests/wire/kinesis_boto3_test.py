"""boto3 (Debian's python3-boto3) against `freshet serve --http`: a producer's put_records with
partial-failure handling, paging through ListShards, reading every shard with GetRecords."""
import json
import unittest

from wire_util import ServerTestCase


def put_all(kinesis, stream, records):
    """A producer as users write it: PutRecords, then retry only the records that failed."""
    pending = records
    acked = []
    for _ in range(5):
        resp = kinesis.put_records(StreamName=stream, Records=pending)
        retry = []
        for rec, result in zip(pending, resp["Records"]):
            if "ErrorCode" in result:
                retry.append(rec)
            else:
                acked.append((rec["PartitionKey"], result["ShardId"], result["SequenceNumber"]))
        if not retry:
            break
        pending = retry
    return acked, resp["FailedRecordCount"]


class KinesisBoto3Test(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kinesis = cls.server.boto3("kinesis")

    def read_all(self, stream):
        out = []
        for shard in self.kinesis.list_shards(StreamName=stream)["Shards"]:
            it = self.kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                                 ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while it:
                page = self.kinesis.get_records(ShardIterator=it, Limit=250)
                out.extend((shard["ShardId"], r) for r in page["Records"])
                if not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
                    break
                it = page.get("NextShardIterator")
        return out

    def test_put_records_and_read_back_every_shard(self):
        self.kinesis.create_stream(StreamName="weather", ShardCount=4)
        self.kinesis.get_waiter("stream_exists").wait(StreamName="weather", WaiterConfig={"Delay": 0.1})
        records = [{"Data": json.dumps({"station": "S%02d" % (i % 17), "i": i}).encode(),
                    "PartitionKey": "S%02d" % (i % 17)} for i in range(1200)]
        acked = []
        for start in range(0, len(records), 500):
            a, failed = put_all(self.kinesis, "weather", records[start:start + 500])
            self.assertEqual(failed, 0)
            acked.extend(a)
        self.assertEqual(len(acked), 1200)
        got = self.read_all("weather")
        self.assertEqual(len(got), 1200)
        seen = {r["SequenceNumber"]: (shard, r) for shard, r in got}
        for key, shard, seq in acked:
            self.assertEqual(seen[seq][0], shard)
            self.assertEqual(seen[seq][1]["PartitionKey"], key)
        # Per partition key, records come back in put order.
        by_key = {}
        for shard, r in got:
            by_key.setdefault(r["PartitionKey"], []).append(json.loads(r["Data"])["i"])
        for key, order in by_key.items():
            self.assertEqual(order, sorted(order), key)
        self.assertIsInstance(got[0][1]["ApproximateArrivalTimestamp"].year, int)  # botocore parsed seconds

    def test_list_shards_pages(self):
        self.kinesis.create_stream(StreamName="wide", ShardCount=7)
        ids, kwargs = [], {"StreamName": "wide", "MaxResults": 3}
        while True:
            page = self.kinesis.list_shards(**kwargs)
            ids.extend(s["ShardId"] for s in page["Shards"])
            if "NextToken" not in page:
                break
            kwargs = {"NextToken": page["NextToken"], "MaxResults": 3}
        self.assertEqual(ids, ["shardId-%012d" % i for i in range(7)])
        paginator = self.kinesis.get_paginator("list_streams")
        names = [n for p in paginator.paginate(PaginationConfig={"PageSize": 1}) for n in p["StreamNames"]]
        self.assertIn("wide", names)

    def test_get_records_to_the_end_of_a_closed_shard(self):
        k = self.kinesis
        k.create_stream(StreamName="resharded", ShardCount=2)
        k.put_records(StreamName="resharded", Records=[
            {"Data": b"old-%d" % i, "PartitionKey": "k%d" % i} for i in range(40)])
        k.update_shard_count(StreamName="resharded", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
        k.put_records(StreamName="resharded", Records=[
            {"Data": b"new-%d" % i, "PartitionKey": "k%d" % i} for i in range(40)])
        shards = k.list_shards(StreamName="resharded")["Shards"]
        closed = [s for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
        self.assertEqual(len(closed), 2)
        old = []
        for shard in closed:
            it = k.get_shard_iterator(StreamName="resharded", ShardId=shard["ShardId"],
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            children = None
            for _ in range(100):
                page = k.get_records(ShardIterator=it, Limit=7)
                old.extend(r["Data"] for r in page["Records"])
                if "NextShardIterator" not in page or page["NextShardIterator"] is None:
                    children = page["ChildShards"]
                    break
                it = page["NextShardIterator"]
            self.assertIsNotNone(children, "the end of a closed shard is reached")
            self.assertTrue(children)
            for child in children:
                self.assertIn(shard["ShardId"], child["ParentShards"])
        self.assertEqual(sorted(old), sorted(b"old-%d" % i for i in range(40)))
        new = [r for shard, r in self.read_all("resharded") if r["Data"].startswith(b"new-")]
        self.assertEqual(len(new), 40)
        self.assertEqual(len(self.read_all("resharded")), 80)

    def test_errors_raise_the_right_exception_classes(self):
        with self.assertRaises(self.kinesis.exceptions.ResourceNotFoundException):
            self.kinesis.describe_stream_summary(StreamName="nope")
        self.kinesis.create_stream(StreamName="dup", ShardCount=1)
        with self.assertRaises(self.kinesis.exceptions.ResourceInUseException):
            self.kinesis.create_stream(StreamName="dup", ShardCount=1)
        with self.assertRaises(self.kinesis.exceptions.InvalidArgumentException):
            self.kinesis.get_records(ShardIterator="AAAA")


if __name__ == "__main__":
    unittest.main()
