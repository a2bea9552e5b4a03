"""Records/s through an event-source mapping whose Python handler writes each record's item with
boto3's batch_writer, beside the declarative consumer (a pipeline spec doing the same put) over the
same records in the same run.

  python3 bench/lambda_mapping_bench.py [--records N] [--batch B] [--shards S] [--at-least-once]

FRESHET_BIN names the freshet binary (default build/tools/freshet). Prints the figures and `uptime`.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "wire"))
os.environ.setdefault("FRESHET_BIN", os.path.join(HERE, "..", "build", "tools", "freshet"))

from lambda_mappings_util import ARN, create_function, create_table, start_server  # noqa: E402

HANDLER = r'''
import base64, json, os
import boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def lambda_handler(event, context):
    with table.batch_writer() as batch:
        for r in event["Records"]:
            doc = json.loads(base64.b64decode(r["kinesis"]["data"]))
            batch.put_item(Item={"id": doc["id"], "station": doc["station"], "v": doc["v"]})
'''


def lag(server, uuid):
    """Records behind over every shard of the mapping (its checkpoints are consumer esm:UUID)."""
    p = server.freshet("consumer", "status", "esm:" + uuid, "--output", "json", check=False)
    if p.returncode != 0:
        return None
    shards = json.loads(p.stdout).get("shards", [])
    return sum(int(s["records_behind"]) for s in shards) if shards else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=50000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--at-least-once", action="store_true")
    args = ap.parse_args()

    server = start_server()
    try:
        kinesis = server.boto3("kinesis")
        kinesis.create_stream(StreamName="in", ShardCount=args.shards)
        create_table(server, "items")
        create_table(server, "baseline")
        for start in range(0, args.records, 500):
            kinesis.put_records(StreamName="in", Records=[
                {"PartitionKey": "k%d" % i,
                 "Data": json.dumps({"id": "r%07d" % i, "station": "USW%05d" % (i % 977), "v": i}).encode()}
                for i in range(start, min(start + 500, args.records))])
        create_function(server, "writer", HANDLER, {"TABLE": "items"})
        # Warm one worker so the figure is the steady state, not Python's start.
        server.boto3("lambda").invoke(FunctionName="writer", Payload=json.dumps({"Records": []}).encode())

        t0 = time.time()
        if args.at_least_once:
            out = server.freshet("function", "map", "writer", "--stream", "in", "--batch", str(args.batch),
                                 "--from", "trim-horizon", "--no-exactly-once").stdout
            m = {"UUID": out.split()[1].rstrip(":")}
        else:
            m = server.boto3("lambda").create_event_source_mapping(
                EventSourceArn=ARN + "in", FunctionName="writer", StartingPosition="TRIM_HORIZON", BatchSize=args.batch)
        while True:
            behind = lag(server, m["UUID"])
            if behind == 0:
                break
            time.sleep(0.05)
        mapping_s = time.time() - t0
        count = server.boto3("dynamodb").describe_table(TableName="items")["Table"]["ItemCount"]
        server.stop()

        spec = os.path.join(server.tmp, "baseline.json")
        with open(spec, "w") as f:
            json.dump({"consumer": "baseline", "stream": "in", "targets": [{
                "table": "baseline", "mode": "put",
                "key": {"id": "id"},
                "attributes": {"station": "station", "v": {"field": "v", "type": "N"}}}]}, f)
        t0 = time.time()
        server.freshet("consume", "--pipeline", spec)
        baseline_s = time.time() - t0

        mode = "at least once" if args.at_least_once else "exactly once"
        print("records: %d in %d shards, mapping BatchSize %d, handler batch_writer, %s" %
              (args.records, args.shards, args.batch, mode))
        print("table ItemCount (exact to 10,000 items, estimated beyond): %d" % count)
        print("mapping (Python handler, batch_writer): %8.0f records/s  (%.2f s)" % (args.records / mapping_s, mapping_s))
        print("baseline: declarative consumer, same records: %8.0f records/s  (%.2f s, one process incl. open)" %
              (args.records / baseline_s, baseline_s))
        print("uptime:" + subprocess.run(["uptime"], capture_output=True, text=True).stdout.rstrip())
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
