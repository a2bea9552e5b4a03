"""The aws CLI (Debian's awscli) `dynamodb` commands against `freshet serve --http`: create-table
from a --cli-input-json file as users write it, put-item, scan, query --key-condition-expression,
update-item --update-expression, transact-write-items, delete-table."""
import json
import os
import unittest

from wire_util import ServerTestCase

SENSOR_TABLE = {
    "TableName": "SensorData",
    "KeySchema": [{"AttributeName": "SensorId", "KeyType": "HASH"},
                  {"AttributeName": "CurrentTime", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "SensorId", "AttributeType": "S"},
                             {"AttributeName": "CurrentTime", "AttributeType": "N"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
}


class DynamoDbAwsCliTest(ServerTestCase):
    def test_sensor_table_workflow(self):
        aws = self.server.aws
        spec = os.path.join(self.server.tmp, "sensor-data-table.json")
        with open(spec, "w") as f:
            json.dump(SENSOR_TABLE, f)
        created = aws("dynamodb", "create-table", "--cli-input-json", "file://" + spec)
        self.assertEqual(created["TableDescription"]["TableStatus"], "ACTIVE")
        self.assertEqual(created["TableDescription"]["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        aws("dynamodb", "wait", "table-exists", "--table-name", "SensorData")
        for t in range(5):
            aws("dynamodb", "put-item", "--table-name", "SensorData", "--item",
                json.dumps({"SensorId": {"S": "s-1"}, "CurrentTime": {"N": str(100 + t)},
                            "Temperature": {"N": "2%d.5" % t}}))
        aws("dynamodb", "put-item", "--table-name", "SensorData", "--item",
            json.dumps({"SensorId": {"S": "s-2"}, "CurrentTime": {"N": "1"}}))
        scan = aws("dynamodb", "scan", "--table-name", "SensorData")
        self.assertEqual(scan["Count"], 6)
        q = aws("dynamodb", "query", "--table-name", "SensorData",
                "--key-condition-expression", "SensorId = :s AND CurrentTime > :t",
                "--expression-attribute-values", json.dumps({":s": {"S": "s-1"}, ":t": {"N": "102"}}))
        self.assertEqual([i["CurrentTime"]["N"] for i in q["Items"]], ["103", "104"])
        self.assertEqual(q["Items"][0]["Temperature"]["N"], "23.5")
        up = aws("dynamodb", "update-item", "--table-name", "SensorData",
                 "--key", json.dumps({"SensorId": {"S": "s-2"}, "CurrentTime": {"N": "1"}}),
                 "--update-expression", "SET Temperature = :v",
                 "--expression-attribute-values", json.dumps({":v": {"N": "-4"}}),
                 "--return-values", "UPDATED_NEW")
        self.assertEqual(up["Attributes"], {"Temperature": {"N": "-4"}})
        items = os.path.join(self.server.tmp, "tx.json")
        with open(items, "w") as f:
            json.dump([
                {"Put": {"TableName": "SensorData", "Item": {"SensorId": {"S": "s-3"}, "CurrentTime": {"N": "5"}},
                         "ConditionExpression": "attribute_not_exists(SensorId)"}},
                {"Delete": {"TableName": "SensorData", "Key": {"SensorId": {"S": "s-2"}, "CurrentTime": {"N": "1"}}}},
            ], f)
        aws("dynamodb", "transact-write-items", "--transact-items", "file://" + items)
        ids = sorted(i["SensorId"]["S"] for i in aws("dynamodb", "scan", "--table-name", "SensorData")["Items"])
        self.assertEqual(ids, ["s-1"] * 5 + ["s-3"])
        failed = aws("dynamodb", "transact-write-items", "--transact-items", "file://" + items, check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("TransactionCanceledException", failed.stderr)
        desc = aws("dynamodb", "describe-table", "--table-name", "SensorData")["Table"]
        self.assertEqual(desc["ItemCount"], 6)
        aws("dynamodb", "delete-table", "--table-name", "SensorData")
        self.assertEqual(aws("dynamodb", "list-tables")["TableNames"], [])


if __name__ == "__main__":
    unittest.main()
