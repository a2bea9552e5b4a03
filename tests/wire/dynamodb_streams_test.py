"""boto3 DynamoDB Streams and TTL against `freshet serve --http`: a table with a NEW_AND_OLD_IMAGES
stream read with the 'dynamodbstreams' client (INSERT, MODIFY, REMOVE with their images, iterator
types, DescribeTable's LatestStreamArn), a stream enabled by UpdateTable with KEYS_ONLY, and TTL:
UpdateTimeToLive / DescribeTimeToLive, the sweep deleting expired items (with their index entries)
and the REMOVE record it writes carrying the service's userIdentity."""
import time
import unittest

from botocore.exceptions import ClientError

from wire_util import ServerTestCase


def typed(key):
    return {k: {"S": v} for k, v in key.items()}


class DynamoDbStreamsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.server.boto3("dynamodb")
        cls.streams = cls.server.boto3("dynamodbstreams")

    def records(self, arn, iterator_type="TRIM_HORIZON", **kwargs):
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=iterator_type,
                                             **kwargs)["ShardIterator"]
        return self.streams.get_records(ShardIterator=it)

    def test_insert_modify_remove(self):
        t = self.client.create_table(
            TableName="events", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]
        arn = t["LatestStreamArn"]
        self.assertTrue(arn.startswith("arn:aws:dynamodb:us-east-1:") and "/stream/" in arn)
        self.assertEqual(t["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.client.put_item(TableName="events", Item={"id": {"S": "a"}, "v": {"N": "1"}})
        self.client.update_item(TableName="events", Key={"id": {"S": "a"}}, UpdateExpression="SET v = :v",
                                ExpressionAttributeValues={":v": {"N": "2"}})
        self.client.delete_item(TableName="events", Key={"id": {"S": "a"}})
        streams = self.streams.list_streams(TableName="events")["Streams"]
        self.assertEqual([s["StreamArn"] for s in streams], [arn])
        d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual((d["StreamStatus"], d["StreamViewType"], d["TableName"]),
                         ("ENABLED", "NEW_AND_OLD_IMAGES", "events"))
        recs = self.records(arn)["Records"]
        self.assertEqual([r["eventName"] for r in recs], ["INSERT", "MODIFY", "REMOVE"])
        self.assertEqual(recs[0]["dynamodb"]["NewImage"], {"id": {"S": "a"}, "v": {"N": "1"}})
        self.assertNotIn("OldImage", recs[0]["dynamodb"])
        self.assertEqual(recs[1]["dynamodb"]["OldImage"]["v"], {"N": "1"})
        self.assertEqual(recs[1]["dynamodb"]["NewImage"]["v"], {"N": "2"})
        self.assertEqual(recs[2]["dynamodb"]["Keys"], {"id": {"S": "a"}})
        self.assertNotIn("NewImage", recs[2]["dynamodb"])
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
        self.assertEqual(seqs, sorted(seqs))
        self.assertNotIn("userIdentity", recs[2])
        after = self.records(arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=recs[0]["dynamodb"]["SequenceNumber"])
        self.assertEqual([r["eventName"] for r in after["Records"]], ["MODIFY", "REMOVE"])
        at = self.records(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=recs[2]["dynamodb"]["SequenceNumber"])
        self.assertEqual([r["eventName"] for r in at["Records"]], ["REMOVE"])
        latest = self.records(arn, "LATEST")
        self.assertEqual(latest["Records"], [])
        self.client.put_item(TableName="events", Item={"id": {"S": "b"}})
        nxt = self.streams.get_records(ShardIterator=latest["NextShardIterator"])["Records"]
        self.assertEqual([(r["eventName"], r["dynamodb"]["Keys"]) for r in nxt], [("INSERT", {"id": {"S": "b"}})])
        # A transaction writes one record per item, in the same batch.
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "events", "Item": {"id": {"S": "c"}}}},
            {"Delete": {"TableName": "events", "Key": {"id": {"S": "b"}}}}])
        self.assertEqual(len(self.records(arn)["Records"]), 6)

    def test_stream_enabled_by_update_table_keys_only(self):
        self.client.create_table(
            TableName="later", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        self.client.put_item(TableName="later", Item={"id": {"S": "before"}})
        t = self.client.update_table(TableName="later", StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
        arn = t["LatestStreamArn"]
        with self.assertRaises(ClientError) as e:
            self.client.update_table(TableName="later", StreamSpecification={
                "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationException")
        self.client.put_item(TableName="later", Item={"id": {"S": "x"}, "big": {"S": "y" * 100}})
        recs = self.records(arn)["Records"]
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["dynamodb"]["Keys"], {"id": {"S": "x"}})
        self.assertNotIn("NewImage", recs[0]["dynamodb"])
        self.client.update_table(TableName="later", StreamSpecification={"StreamEnabled": False})
        d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLED")
        self.assertIn("EndingSequenceNumber", d["Shards"][0]["SequenceNumberRange"])
        self.client.put_item(TableName="later", Item={"id": {"S": "after"}})
        self.assertEqual(len(self.records(arn)["Records"]), 1)

    def test_ttl_settings_and_sweep(self):
        self.client.create_table(
            TableName="sessions", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "user", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by_user", "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
        d = self.client.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"]
        self.assertEqual(d, {"TimeToLiveStatus": "DISABLED"})
        now = int(time.time())
        self.client.put_item(TableName="sessions", Item={"id": {"S": "old"}, "user": {"S": "u"},
                                                          "exp": {"N": str(now - 60)}})
        self.client.put_item(TableName="sessions", Item={"id": {"S": "new"}, "user": {"S": "u"},
                                                          "exp": {"N": str(now + 3600)}})
        self.client.put_item(TableName="sessions", Item={"id": {"S": "text"}, "exp": {"S": "0"}})
        # Reads do not hide expired items: until the sweep runs (TTL is off), it is there.
        self.assertIn("Item", self.client.get_item(TableName="sessions", Key={"id": {"S": "old"}}))
        r = self.client.update_time_to_live(TableName="sessions",
                                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(r["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "exp"})
        d = self.client.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"]
        self.assertEqual(d, {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        with self.assertRaises(ClientError) as e:
            self.client.update_time_to_live(TableName="sessions",
                                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertIn("TimeToLive is already enabled", e.exception.response["Error"]["Message"])
        deadline = time.time() + 30
        while time.time() < deadline:
            if "Item" not in self.client.get_item(TableName="sessions", Key={"id": {"S": "old"}}):
                break
            time.sleep(0.2)
        self.assertNotIn("Item", self.client.get_item(TableName="sessions", Key={"id": {"S": "old"}}))
        self.assertIn("Item", self.client.get_item(TableName="sessions", Key={"id": {"S": "new"}}))
        self.assertIn("Item", self.client.get_item(TableName="sessions", Key={"id": {"S": "text"}}))
        by_user = self.client.query(TableName="sessions", IndexName="by_user", KeyConditionExpression="#u = :u",
                                    ExpressionAttributeNames={"#u": "user"},
                                    ExpressionAttributeValues={":u": {"S": "u"}})["Items"]
        self.assertEqual([i["id"]["S"] for i in by_user], ["new"])
        arn = self.client.describe_table(TableName="sessions")["Table"]["LatestStreamArn"]
        removes = [r for r in self.records(arn)["Records"] if r["eventName"] == "REMOVE"]
        self.assertEqual(len(removes), 1)
        self.assertEqual(removes[0]["userIdentity"], {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
        self.assertEqual(removes[0]["dynamodb"]["OldImage"]["id"], {"S": "old"})
        self.client.update_time_to_live(TableName="sessions",
                                        TimeToLiveSpecification={"Enabled": False, "AttributeName": "exp"})
        d = self.client.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"]
        self.assertEqual(d["TimeToLiveStatus"], "DISABLED")


if __name__ == "__main__":
    unittest.main()
