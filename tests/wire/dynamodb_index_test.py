"""boto3 DynamoDB secondary indexes against `freshet serve --http`: a table with an LSI and two GSIs
(ALL, KEYS_ONLY, INCLUDE), Query and Scan on each (sparse: items without the index key are not
there; GSI keys repeat), index entries following puts, updates, deletes, batch writes and
transactions, DescribeTable's indexes, UpdateTable creating a GSI with a backfill and deleting it,
and DynamoDB's validation errors."""
import decimal
import unittest

from botocore.exceptions import ClientError

from wire_util import ServerTestCase


def keys(items, *names):
    return [tuple(i[n] for n in names) for i in items]


class DynamoDbIndexTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.server.boto3("dynamodb")
        cls.resource = cls.server.boto3_resource("dynamodb")
        cls.client.create_table(
            TableName="obs",
            KeySchema=[{"AttributeName": "station", "KeyType": "HASH"},
                       {"AttributeName": "date", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "station", "AttributeType": "S"},
                                  {"AttributeName": "date", "AttributeType": "S"},
                                  {"AttributeName": "tmax", "AttributeType": "N"},
                                  {"AttributeName": "state", "AttributeType": "S"},
                                  {"AttributeName": "alert", "AttributeType": "S"}],
            LocalSecondaryIndexes=[{
                "IndexName": "by_tmax",
                "KeySchema": [{"AttributeName": "station", "KeyType": "HASH"},
                              {"AttributeName": "tmax", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            GlobalSecondaryIndexes=[
                {"IndexName": "by_state",
                 "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"},
                               {"AttributeName": "date", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "alerts",
                 "KeySchema": [{"AttributeName": "alert", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["tmax"]}}],
            BillingMode="PAY_PER_REQUEST")
        table = cls.resource.Table("obs")
        with table.batch_writer() as batch:
            for s in range(3):
                for d in range(10):
                    item = {"station": "ST%d" % s, "date": "2024-01-%02d" % (d + 1),
                            "tmax": decimal.Decimal(d * 3 % 10), "state": "WA" if s < 2 else "OR", "note": "x"}
                    if d == 4:
                        item["alert"] = "heat"
                    batch.put_item(Item=item)

    def test_describe_shows_indexes(self):
        t = self.client.describe_table(TableName="obs")["Table"]
        self.assertEqual([i["IndexName"] for i in t["LocalSecondaryIndexes"]], ["by_tmax"])
        g = {i["IndexName"]: i for i in t["GlobalSecondaryIndexes"]}
        self.assertEqual(set(g), {"by_state", "alerts"})
        self.assertEqual(g["by_state"]["IndexStatus"], "ACTIVE")
        self.assertEqual(g["alerts"]["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["tmax"]})
        self.assertTrue(g["by_state"]["IndexArn"].endswith(":table/obs/index/by_state"))
        self.assertEqual(len({d["AttributeName"] for d in t["AttributeDefinitions"]}), 5)

    def test_lsi_query_in_index_order_keys_only(self):
        from boto3.dynamodb.conditions import Key
        table = self.resource.Table("obs")
        resp = table.query(IndexName="by_tmax", KeyConditionExpression=Key("station").eq("ST1") & Key("tmax").gte(5))
        tmax = [i["tmax"] for i in resp["Items"]]
        self.assertEqual(tmax, sorted(tmax))
        self.assertEqual(len(tmax), 5)  # d*3%10 for d in 0..9 is each digit once: 5..9
        self.assertEqual(set(resp["Items"][0]), {"station", "date", "tmax"})  # KEYS_ONLY
        # An LSI with Select ALL_ATTRIBUTES fetches the rest from the table.
        resp = table.query(IndexName="by_tmax", KeyConditionExpression=Key("station").eq("ST1") & Key("tmax").eq(9),
                           Select="ALL_ATTRIBUTES")
        self.assertEqual(resp["Items"][0]["note"], "x")

    def test_gsi_query_paged_and_sparse(self):
        from boto3.dynamodb.conditions import Key
        table = self.resource.Table("obs")
        items, kwargs = [], {"IndexName": "by_state", "KeyConditionExpression": Key("state").eq("WA"), "Limit": 7}
        while True:
            resp = table.query(**kwargs)
            items += resp["Items"]
            if "LastEvaluatedKey" not in resp:
                break
            self.assertEqual(set(resp["LastEvaluatedKey"]), {"station", "date", "state"})
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        self.assertEqual(len(items), 20)  # GSI keys repeat: two stations per date
        self.assertEqual([i["date"] for i in items], sorted(i["date"] for i in items))
        resp = table.query(IndexName="alerts", KeyConditionExpression=Key("alert").eq("heat"))
        self.assertEqual(sorted(i["station"] for i in resp["Items"]), ["ST0", "ST1", "ST2"])
        self.assertEqual(set(resp["Items"][0]), {"station", "date", "alert", "tmax"})  # INCLUDE
        self.assertEqual(self.client.scan(TableName="obs", IndexName="alerts")["Count"], 3)  # sparse

    def test_index_follows_writes(self):
        from boto3.dynamodb.conditions import Key
        table = self.resource.Table("obs")
        table.put_item(Item={"station": "ST9", "date": "2024-02-01", "state": "ID", "alert": "cold"})
        q = lambda: table.query(IndexName="by_state", KeyConditionExpression=Key("state").eq("ID"))["Items"]
        self.assertEqual(len(q()), 1)
        table.update_item(Key={"station": "ST9", "date": "2024-02-01"}, UpdateExpression="SET #s = :s REMOVE alert",
                          ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":s": "MT"})
        self.assertEqual(q(), [])
        alerts = table.query(IndexName="alerts", KeyConditionExpression=Key("alert").eq("cold"))["Items"]
        self.assertEqual(alerts, [])
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "obs", "Item": {"station": {"S": "ST9"}, "date": {"S": "2024-02-02"},
                                                   "state": {"S": "ID"}}}},
            {"Delete": {"TableName": "obs", "Key": {"station": {"S": "ST9"}, "date": {"S": "2024-02-01"}}}}])
        self.assertEqual([i["date"] for i in q()], ["2024-02-02"])
        mt = table.query(IndexName="by_state", KeyConditionExpression=Key("state").eq("MT"))["Items"]
        self.assertEqual(mt, [])
        table.delete_item(Key={"station": "ST9", "date": "2024-02-02"})
        self.assertEqual(q(), [])

    def test_wrong_index_key_type_refuses_the_write(self):
        with self.assertRaises(ClientError) as e:
            self.client.put_item(TableName="obs", Item={"station": {"S": "ST8"}, "date": {"S": "d"},
                                                          "state": {"N": "1"}})
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Type mismatch for Index Key state", e.exception.response["Error"]["Message"])
        self.assertNotIn("Item", self.client.get_item(TableName="obs", Key={"station": {"S": "ST8"},
                                                                             "date": {"S": "d"}}))

    def test_bad_index_requests(self):
        from boto3.dynamodb.conditions import Key
        with self.assertRaises(ClientError) as e:
            self.resource.Table("obs").query(IndexName="nope", KeyConditionExpression=Key("state").eq("WA"))
        self.assertIn("The table does not have the specified index: nope", e.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as e:
            self.client.create_table(
                TableName="bad", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"},
                                      {"AttributeName": "s", "AttributeType": "S"}],
                LocalSecondaryIndexes=[{"IndexName": "lsi1", "KeySchema": [
                    {"AttributeName": "k", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"}}],
                BillingMode="PAY_PER_REQUEST")
        self.assertIn("Table KeySchema does not have a range key", e.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as e:
            self.client.create_table(
                TableName="bad", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                GlobalSecondaryIndexes=[{"IndexName": "gsi1", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}],
                                         "Projection": {"ProjectionType": "ALL"}}],
                BillingMode="PAY_PER_REQUEST")
        self.assertIn("Some index key attributes are not defined", e.exception.response["Error"]["Message"])

    def test_update_table_creates_gsi_with_backfill_and_deletes_it(self):
        from boto3.dynamodb.conditions import Key
        self.client.create_table(
            TableName="later", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}], BillingMode="PAY_PER_REQUEST")
        table = self.resource.Table("later")
        with table.batch_writer() as batch:
            for i in range(1000):
                batch.put_item(Item={"id": i, "group": "g%d" % (i % 4), "v": i})
        self.client.update_table(
            TableName="later",
            AttributeDefinitions=[{"AttributeName": "group", "AttributeType": "S"},
                                  {"AttributeName": "v", "AttributeType": "N"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "by_group",
                "KeySchema": [{"AttributeName": "group", "KeyType": "HASH"}, {"AttributeName": "v", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}}])
        g = self.client.describe_table(TableName="later")["Table"]["GlobalSecondaryIndexes"][0]
        self.assertEqual((g["IndexName"], g["IndexStatus"], g["ItemCount"]), ("by_group", "ACTIVE", 1000))
        resp = table.query(IndexName="by_group", KeyConditionExpression=Key("group").eq("g1") & Key("v").lt(20),
                           ScanIndexForward=False)
        self.assertEqual([int(i["v"]) for i in resp["Items"]], [17, 13, 9, 5, 1])
        self.client.update_table(TableName="later",
                                 GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_group"}}])
        self.assertNotIn("GlobalSecondaryIndexes", self.client.describe_table(TableName="later")["Table"])
        with self.assertRaises(ClientError):
            table.query(IndexName="by_group", KeyConditionExpression=Key("group").eq("g1"))


if __name__ == "__main__":
    unittest.main()
