"""boto3 (Debian's python3-boto3) DynamoDB against `freshet serve --http`: the low-level client and
the Table resource with Key/Attr conditions, batch_writer (1000 items), update_item with an
UpdateExpression, a conditional put, and a query by station and date range with paging."""
import decimal
import unittest

from wire_util import ServerTestCase


class DynamoDbBoto3Test(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.server.boto3("dynamodb")
        cls.resource = cls.server.boto3_resource("dynamodb")
        cls.client.create_table(
            TableName="weather",
            KeySchema=[{"AttributeName": "station", "KeyType": "HASH"},
                       {"AttributeName": "date", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "station", "AttributeType": "S"},
                                  {"AttributeName": "date", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        cls.client.get_waiter("table_exists").wait(TableName="weather", WaiterConfig={"Delay": 1})

    def test_batch_writer_and_paged_query(self):
        from boto3.dynamodb.conditions import Attr, Key
        table = self.resource.Table("weather")
        with table.batch_writer() as batch:
            for s in range(4):
                for d in range(250):
                    batch.put_item(Item={"station": "ST%d" % s, "date": "2024-%03d" % d,
                                         "tmax": decimal.Decimal(d) / 10, "flags": {"a", "b"}})
        self.assertEqual(self.client.describe_table(TableName="weather")["Table"]["ItemCount"], 1000)
        items, pages, kwargs = [], 0, {
            "KeyConditionExpression": Key("station").eq("ST2") & Key("date").between("2024-010", "2024-209"),
            "FilterExpression": Attr("tmax").gte(decimal.Decimal("5")),
            "Limit": 50}
        while True:
            resp = table.query(**kwargs)
            items += resp["Items"]
            pages += 1
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        self.assertEqual(pages, 5)  # 200 evaluated, 50 per page (the last page ends exactly at its limit)
        self.assertEqual(len(items), 200 - 40)  # days 10..49 have tmax < 5
        self.assertEqual(items[0]["date"], "2024-050")
        self.assertEqual(items[0]["flags"], {"a", "b"})
        self.assertEqual(items[-1]["tmax"], decimal.Decimal("20.9"))

    def test_update_item_and_conditions(self):
        table = self.resource.Table("weather")
        table.put_item(Item={"station": "U", "date": "d", "count": 1})
        resp = table.update_item(Key={"station": "U", "date": "d"},
                                 UpdateExpression="SET #c = #c + :n, note = :note",
                                 ExpressionAttributeNames={"#c": "count"},
                                 ExpressionAttributeValues={":n": 2, ":note": "hello"},
                                 ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"]["count"], 3)
        self.assertEqual(resp["Attributes"]["note"], "hello")
        from boto3.dynamodb.conditions import Attr
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            table.put_item(Item={"station": "U", "date": "d"}, ConditionExpression=Attr("station").not_exists())
        self.assertEqual(cm.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        self.assertEqual(table.get_item(Key={"station": "U", "date": "d"})["Item"]["count"], 3)

    def test_low_level_client_and_errors(self):
        c = self.client
        c.put_item(TableName="weather", Item={"station": {"S": "L"}, "date": {"S": "1"}, "b": {"B": b"\x00\x01"}})
        got = c.get_item(TableName="weather", Key={"station": {"S": "L"}, "date": {"S": "1"}})
        self.assertEqual(got["Item"]["b"]["B"], b"\x00\x01")
        with self.assertRaises(c.exceptions.ResourceNotFoundException):
            c.get_item(TableName="nope", Key={"station": {"S": "L"}, "date": {"S": "1"}})
        with self.assertRaises(c.exceptions.TransactionCanceledException) as cm:
            c.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": "weather", "Key": {"station": {"S": "L"}, "date": {"S": "1"}},
                                    "ConditionExpression": "attribute_not_exists(station)"}},
                {"Put": {"TableName": "weather", "Item": {"station": {"S": "L"}, "date": {"S": "2"}}}}])
        reasons = cm.exception.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["ConditionalCheckFailed", "None"])
        self.assertNotIn("Item", c.get_item(TableName="weather", Key={"station": {"S": "L"}, "date": {"S": "2"}}))
        self.assertIn("weather", c.list_tables()["TableNames"])
        seg = [c.scan(TableName="weather", Segment=i, TotalSegments=3, Select="COUNT")["Count"] for i in range(3)]
        self.assertEqual(sum(seg), c.scan(TableName="weather", Select="COUNT")["Count"])


if __name__ == "__main__":
    unittest.main()
