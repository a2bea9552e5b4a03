"""Shared by the event-source mapping wire tests: a server that verifies signatures (functions can
only be uploaded over HTTP then), zipped Python handlers, and polling helpers."""
import io
import os
import time
import zipfile

from wire_util import Server

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/"


def start_server(data_dir=None):
    server = Server(data_dir=data_dir)
    creds = os.path.join(server.tmp, "credentials")
    with open(creds, "w") as f:
        f.write("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = %s\n" % SECRET)
    server.extra_args = ["--credentials", creds]
    return server.start()


def zip_code(source, name="lambda_function.py"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, source)
    return buf.getvalue()


def create_function(server, name, source, env=None, timeout=30):
    lam = server.boto3("lambda")
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="lambda_function.lambda_handler",
                        Role="arn:aws:iam::000000000000:role/lambda-role", Timeout=timeout,
                        Code={"ZipFile": zip_code(source)}, Environment={"Variables": env or {}})


def create_table(server, name):
    ddb = server.boto3("dynamodb")
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")


def scan_all(server, table):
    ddb = server.boto3("dynamodb")
    items, kwargs = [], {"TableName": table}
    while True:
        page = ddb.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_stream(server, stream):
    kinesis = server.boto3("kinesis")
    out = []
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        it = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while it:
            page = kinesis.get_records(ShardIterator=it, Limit=1000)
            out.extend(page["Records"])
            if not page["Records"] or page.get("MillisBehindLatest", 0) == 0:
                break
            it = page.get("NextShardIterator")
    return out


def wait_until(predicate, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)
