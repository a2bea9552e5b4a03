"""Wire tests of freshet's functions: the real aws CLI's `lambda` commands, boto3's Lambda client,
a Python handler writing with boto3.resource('dynamodb') through AWS_ENDPOINT_URL, a Node
callback-style handler, and an API Gateway route reached with plain urllib (unsigned)."""
import base64
import io
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire_util  # noqa: E402


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


ECHO = """import os
def lambda_handler(event, context):
    if event.get("fail"):
        raise RuntimeError("failing as asked")
    print("echo", event)
    return {"echo": event, "request_id": context.aws_request_id, "fn": context.function_name,
            "region": os.environ["AWS_REGION"]}
"""

PUT_ITEM = """import boto3
def lambda_handler(event, context):
    table = boto3.resource('dynamodb').Table(event['table'])
    table.put_item(Item={'id': event['id'], 'note': 'written by a handler'})
    return {'written': event['id']}
"""

NODE_CALLBACK = """exports.handler = function(event, context, callback) {
  console.log('node got', JSON.stringify(event));
  callback(null, {sum: event.a + event.b, id: context.awsRequestId});
};
"""

NODE_SDK = """const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
exports.handler = async (event) => {
  await doc.send(new PutCommand({TableName: event.table, Item: {id: event.id, via: 'node sdk v3'}}));
  return {written: event.id};
};
"""

NODE_MODULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "lambda", "node_modules")

GATEWAY = """import json, boto3
def lambda_handler(event, context):
    if event['httpMethod'] == 'POST':
        body = json.loads(event['body'])
        r = boto3.client('kinesis').put_record(StreamName='orders', Data=json.dumps(body).encode(),
                                               PartitionKey=str(body['id']))
        return {'statusCode': 201, 'headers': {'Content-Type': 'application/json', 'X-Shard': r['ShardId']},
                'body': json.dumps({'sequence': r['SequenceNumber']})}
    cid = event['pathParameters']['id']
    item = boto3.resource('dynamodb').Table('Customers').get_item(Key={'id': cid}).get('Item')
    if not item:
        return {'statusCode': 404, 'body': json.dumps({'message': 'no customer ' + cid})}
    return {'statusCode': 200, 'body': json.dumps(item), 'headers': {'Content-Type': 'application/json'}}
"""


class CredentialedServerTest(unittest.TestCase):
    """aws lambda against `serve --credentials`: creating functions needs a verified signature."""

    @classmethod
    def setUpClass(cls):
        cls.server = wire_util.Server()
        creds = os.path.join(cls.server.tmp, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIDEXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        cls.server.extra_args = ["--credentials", creds]
        cls.server.start()
        cls.zip_path = os.path.join(cls.server.tmp, "f.zip")
        with open(cls.zip_path, "wb") as f:
            f.write(zip_of({"lambda_handler.py": ECHO}))

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_create_get_list_invoke_update_delete(self):
        s = self.server
        created = s.aws("lambda", "create-function", "--function-name", "echo", "--zip-file",
                        "fileb://" + self.zip_path, "--runtime", "python3.12", "--handler",
                        "lambda_handler.lambda_handler", "--role", "arn:aws:iam::000000000000:role/x",
                        "--environment", "Variables={COLOR=blue}", "--timeout", "5")
        self.assertEqual(created["FunctionName"], "echo")
        self.assertEqual(created["Runtime"], "python3.12")
        self.assertEqual(created["Environment"]["Variables"], {"COLOR": "blue"})
        self.assertIn("runs on Python 3", s.freshet("function", "describe", "echo").stdout)
        got = s.aws("lambda", "get-function", "--function-name", "echo")
        self.assertEqual(got["Configuration"]["Handler"], "lambda_handler.lambda_handler")
        self.assertTrue(got["Code"]["Location"])
        listed = s.aws("lambda", "list-functions")
        self.assertEqual([f["FunctionName"] for f in listed["Functions"]], ["echo"])

        out = os.path.join(s.tmp, "out.json")
        r = s.aws("lambda", "invoke", "--function-name", "echo", "--cli-binary-format", "raw-in-base64-out",
                  "--payload", '{"hello": "world"}', "--log-type", "Tail", out)
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        self.assertIn("START RequestId", base64.b64decode(r["LogResult"]).decode())
        with open(out) as f:
            answer = json.load(f)
        self.assertEqual(answer["echo"], {"hello": "world"})
        self.assertEqual(answer["fn"], "echo")

        r = s.aws("lambda", "invoke", "--function-name", "echo", "--cli-binary-format", "raw-in-base64-out",
                  "--payload", '{"fail": true}', out)
        self.assertEqual(r["FunctionError"], "Unhandled")
        with open(out) as f:
            error = json.load(f)
        self.assertEqual(error["errorType"], "RuntimeError")
        self.assertEqual(error["errorMessage"], "failing as asked")

        updated = s.aws("lambda", "update-function-configuration", "--function-name", "echo", "--timeout", "9")
        self.assertEqual(updated["Timeout"], 9)
        with open(self.zip_path + "2", "wb") as f:
            f.write(zip_of({"lambda_handler.py": "def lambda_handler(e, c):\n    return 'v2'\n"}))
        s.aws("lambda", "update-function-code", "--function-name", "echo", "--zip-file", "fileb://" + self.zip_path + "2")
        s.aws("lambda", "invoke", "--function-name", "echo", out)
        with open(out) as f:
            self.assertEqual(json.load(f), "v2")

        p = s.aws("lambda", "create-function", "--function-name", "echo", "--zip-file", "fileb://" + self.zip_path,
                  "--runtime", "python3.12", "--handler", "lambda_handler.lambda_handler", "--role", "r", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ResourceConflictException", p.stderr)
        s.aws("lambda", "delete-function", "--function-name", "echo")
        p = s.aws("lambda", "get-function", "--function-name", "echo", check=False)
        self.assertIn("ResourceNotFoundException", p.stderr)

    def test_event_source_mapping_paths_reach_the_registry(self):
        p = self.server.aws("lambda", "list-event-source-mappings", check=False)
        # Until the event-source mappings are registered this is the registry's unknown operation.
        if p.returncode != 0:
            self.assertIn("UnknownOperation", p.stderr)


class FunctionsTest(unittest.TestCase):
    """Handlers that call back into freshet, on a loopback server without --credentials."""

    @classmethod
    def setUpClass(cls):
        cls.server = wire_util.Server().start()
        cls.code = os.path.join(cls.server.tmp, "code")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def write_code(self, name, files):
        d = os.path.join(self.code, name)
        os.makedirs(d, exist_ok=True)
        for fname, text in files.items():
            with open(os.path.join(d, fname), "w") as f:
                f.write(text)
        return d

    def test_create_refused_over_http_without_credentials(self):
        zip_path = os.path.join(self.server.tmp, "refused.zip")
        with open(zip_path, "wb") as f:
            f.write(zip_of({"lambda_handler.py": ECHO}))
        p = self.server.aws("lambda", "create-function", "--function-name", "nope", "--zip-file",
                            "fileb://" + zip_path, "--runtime", "python3.12", "--handler",
                            "lambda_handler.lambda_handler", "--role", "arn:aws:iam::000000000000:role/x", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("AccessDeniedException", p.stderr)
        self.assertIn("--credentials", p.stderr)

    def test_python_handler_puts_item_with_boto3(self):
        s = self.server
        ddb = s.boto3("dynamodb")
        ddb.create_table(TableName="Notes", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        s.freshet("function", "create", "writer", "--runtime", "python3.12", "--handler",
                  "lambda_function.lambda_handler", "--code", self.write_code("writer", {"lambda_function.py": PUT_ITEM}))
        r = s.boto3("lambda").invoke(FunctionName="writer", Payload=json.dumps({"table": "Notes", "id": "n1"}))
        payload = r["Payload"].read()
        self.assertNotIn("FunctionError", r, payload)
        self.assertEqual(json.loads(payload), {"written": "n1"})
        item = ddb.get_item(TableName="Notes", Key={"id": {"S": "n1"}})["Item"]
        self.assertEqual(item["note"]["S"], "written by a handler")
        logs = s.freshet("function", "logs", "writer").stdout
        self.assertIn("REPORT RequestId", logs)

    def test_node_callback_handler(self):
        s = self.server
        s.freshet("function", "create", "adder", "--runtime", "nodejs20.x", "--handler", "index.handler",
                  "--code", self.write_code("adder", {"index.js": NODE_CALLBACK}))
        r = s.boto3("lambda").invoke(FunctionName="adder", Payload=json.dumps({"a": 2, "b": 40}), LogType="Tail")
        answer = json.loads(r["Payload"].read())
        self.assertEqual(answer["sum"], 42)
        self.assertIn("node got", base64.b64decode(r["LogResult"]).decode())
        out = s.freshet("function", "invoke", "adder", "--payload", '{"a": 1, "b": 1}').stdout
        self.assertEqual(json.loads(out)["sum"], 2)

    @unittest.skipUnless(os.path.isdir(os.path.join(NODE_MODULES, "@aws-sdk", "lib-dynamodb")),
                         "the Node AWS SDK v3 is not installed (tools/install-deps.sh)")
    def test_node_sdk_v3_handler_puts_item(self):
        s = self.server
        ddb = s.boto3("dynamodb")
        ddb.create_table(TableName="NodeNotes", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        s.freshet("function", "create", "nodewriter", "--runtime", "nodejs20.x", "--handler", "index.handler",
                  "--timeout", "20", "--code", self.write_code("nodewriter", {"index.js": NODE_SDK}))
        r = s.boto3("lambda").invoke(FunctionName="nodewriter", Payload=json.dumps({"table": "NodeNotes", "id": "k1"}))
        payload = r["Payload"].read()
        self.assertNotIn("FunctionError", r, payload)
        self.assertEqual(json.loads(payload), {"written": "k1"})
        item = ddb.get_item(TableName="NodeNotes", Key={"id": {"S": "k1"}})["Item"]
        self.assertEqual(item["via"]["S"], "node sdk v3")

    def test_api_gateway_route_unsigned(self):
        s = self.server
        s.boto3("kinesis").create_stream(StreamName="orders", ShardCount=1)
        ddb = s.boto3("dynamodb")
        ddb.create_table(TableName="Customers", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="Customers", Item={"id": {"S": "c7"}, "name": {"S": "Ada"}})
        s.freshet("function", "create", "api", "--runtime", "python", "--handler", "app.lambda_handler",
                  "--code", self.write_code("api", {"app.py": GATEWAY}))
        s.freshet("function", "route", "api", "--method", "POST", "--path", "/customers")
        s.freshet("function", "route", "api", "--method", "GET", "--path", "/customers/{id}")

        req = urllib.request.Request(s.url + "/customers", data=json.dumps({"id": 5, "total": 9}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            self.assertEqual(r.status, 201)
            self.assertEqual(r.headers["X-Shard"], "shardId-000000000000")
            sequence = json.loads(r.read())["sequence"]
        records = s.boto3("kinesis")
        it = records.get_shard_iterator(StreamName="orders", ShardId="shardId-000000000000",
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got = records.get_records(ShardIterator=it)["Records"]
        self.assertEqual([r["SequenceNumber"] for r in got], [sequence])
        self.assertEqual(json.loads(got[0]["Data"]), {"id": 5, "total": 9})

        with urllib.request.urlopen(s.url + "/customers/c7", timeout=30) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(r.read()), {"id": "c7", "name": "Ada"})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(s.url + "/customers/none", timeout=30)
        self.assertEqual(e.exception.code, 404)


if __name__ == "__main__":
    unittest.main()
