"""Shared by the event-source mapping wire tests: a loopback server, Python handlers created through
the owner, and polling helpers."""
import os
import time

from wire_util import Server

ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/"


def start_server(data_dir=None):
    """A loopback server without --credentials: handlers call back into it signed with their
    workers' own keys; functions are created through the owner with `freshet function create`."""
    return Server(data_dir=data_dir).start()


def create_function(server, name, source, env=None, timeout=30):
    code = os.path.join(server.tmp, "code-" + name)
    os.makedirs(code, exist_ok=True)
    with open(os.path.join(code, "lambda_function.py"), "w") as f:
        f.write(source)
    args = ["function", "create", name, "--runtime", "python3.12", "--handler", "lambda_function.lambda_handler",
            "--code", code, "--timeout", str(timeout)]
    for k, v in (env or {}).items():
        args += ["--env", "%s=%s" % (k, v)]
    server.freshet(*args)


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
