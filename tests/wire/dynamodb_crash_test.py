"""SIGKILL `freshet serve --http` while boto3 clients run TransactWriteItems (transfers between
accounts plus a log item) and indexed PutItems, several times; after each restart:
- every acknowledged transaction's log item and every acknowledged put is there;
- no transaction is partly applied (the balances always sum to 0, and each transaction's log item
  is there exactly when its transfer is: the transfer count equals the log items);
- every index (an LSI and a GSI) equals a rebuild from the table's items.

FRESHET_WIRE_CRASH_CYCLES sets the number of kills (default 3)."""
import os
import random
import threading
import unittest

import botocore.exceptions

from wire_util import Server, kill_under_load

ACCOUNTS = 20
WORKERS = 4


def scan_all(client, **kwargs):
    items, start = [], None
    while True:
        if start:
            kwargs["ExclusiveStartKey"] = start
        resp = client.scan(**kwargs)
        items += resp["Items"]
        start = resp.get("LastEvaluatedKey")
        if not start:
            return items


class DynamoDbCrashTest(unittest.TestCase):
    def check(self, client, acked_tx, acked_puts):
        items = scan_all(client, TableName="bank")
        by_key = {(i["p"]["S"], i["s"]["S"]): i for i in items}
        balances = [int(i["bal"]["N"]) for (p, s), i in by_key.items() if p == "acct"]
        self.assertEqual(len(balances), ACCOUNTS)
        self.assertEqual(sum(balances), 0, "a transaction applied partly")
        moved = sum(int(i["n"]["N"]) for (p, s), i in by_key.items() if p == "acct")
        logs = [s for (p, s) in by_key if p == "tx"]
        self.assertEqual(moved, 2 * len(logs), "transfers and log items disagree")
        for tx in acked_tx:
            self.assertIn(("tx", tx), by_key, "acknowledged transaction %s" % tx)
        for key in acked_puts:
            self.assertIn(("put", key), by_key, "acknowledged put %s" % key)
        # Each index equals a rebuild from the items.
        want_gsi = sorted((i["g"]["S"], p, s) for (p, s), i in by_key.items() if "g" in i)
        got_gsi = sorted((i["g"]["S"], i["p"]["S"], i["s"]["S"]) for i in scan_all(client, TableName="bank",
                                                                                     IndexName="by_g"))
        self.assertEqual(got_gsi, want_gsi)
        want_lsi = sorted((p, i["v"]["N"], s) for (p, s), i in by_key.items() if "v" in i)
        got_lsi = sorted((i["p"]["S"], i["v"]["N"], i["s"]["S"]) for i in scan_all(client, TableName="bank",
                                                                                     IndexName="by_v"))
        self.assertEqual(got_lsi, want_lsi)
        return len(logs), len([1 for (p, s) in by_key if p == "put"])

    def test_acknowledged_writes_and_indexes_survive_sigkill(self):
        cycles = int(os.environ.get("FRESHET_WIRE_CRASH_CYCLES", "3"))
        server = Server()
        try:
            server.start()
            client = server.boto3("dynamodb")
            client.create_table(
                TableName="bank",
                KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"},
                                      {"AttributeName": "s", "AttributeType": "S"},
                                      {"AttributeName": "g", "AttributeType": "S"},
                                      {"AttributeName": "v", "AttributeType": "N"}],
                LocalSecondaryIndexes=[{"IndexName": "by_v", "KeySchema": [
                    {"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "v", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                         "Projection": {"ProjectionType": "ALL"}}],
                BillingMode="PAY_PER_REQUEST",
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            for a in range(ACCOUNTS):
                client.put_item(TableName="bank", Item={"p": {"S": "acct"}, "s": {"S": "a%02d" % a},
                                                        "bal": {"N": "0"}, "n": {"N": "0"}, "v": {"N": "0"},
                                                        "g": {"S": "g%d" % (a % 3)}})
            acked_tx, acked_puts = set(), set()
            lock = threading.Lock()
            for cycle in range(cycles):
                stop = threading.Event()

                def work(worker):
                    c = server.boto3("dynamodb")
                    n = 0
                    while not stop.is_set():
                        n += 1
                        tag = "%d-%d-%d" % (cycle, worker, n)
                        try:
                            if n % 2:
                                a, b = random.sample(range(ACCOUNTS), 2)
                                upd = lambda acct, d: {"Update": {
                                    "TableName": "bank", "Key": {"p": {"S": "acct"}, "s": {"S": "a%02d" % acct}},
                                    "UpdateExpression": "ADD bal :d, n :one SET v = :v, g = :g",
                                    "ExpressionAttributeValues": {":d": {"N": str(d)}, ":one": {"N": "1"},
                                                                  ":v": {"N": str(random.randrange(100))},
                                                                  ":g": {"S": "g%d" % random.randrange(5)}}}}
                                c.transact_write_items(TransactItems=[
                                    upd(a, -1), upd(b, 1),
                                    {"Put": {"TableName": "bank", "Item": {"p": {"S": "tx"}, "s": {"S": tag}},
                                             "ConditionExpression": "attribute_not_exists(p)"}}])
                                with lock:
                                    acked_tx.add(tag)
                            else:
                                item = {"p": {"S": "put"}, "s": {"S": tag}, "v": {"N": str(n)}}
                                if n % 3:
                                    item["g"] = {"S": "g%d" % random.randrange(5)}
                                c.put_item(TableName="bank", Item=item)
                                with lock:
                                    acked_puts.add(tag)
                        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                            return  # the server died under us

                threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
                kill_under_load(server, threads, stop, 0.5 + random.random())
                client = server.boto3("dynamodb")
                txs, puts = self.check(client, acked_tx, acked_puts)
            self.assertGreater(len(acked_tx), cycles, "some transactions were acknowledged")
            self.assertGreater(len(acked_puts), cycles, "some puts were acknowledged")
            print("cycles %d: %d transactions and %d puts acknowledged; %d and %d stored"
                  % (cycles, len(acked_tx), len(acked_puts), txs, puts))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
