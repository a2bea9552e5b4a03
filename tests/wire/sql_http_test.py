"""Freshet_20261129.ExecuteSql over HTTP on `freshet serve --http`: a SigV4-signed POST (botocore's
signer, as any AWS SDK signs) with X-Amz-Target, sent with urllib; and `freshet sql` beside the
running owner, which sends the statement through the owner's socket.

Run by ctest (tests/wire/CMakeLists.txt) with FRESHET_BIN set.
"""
import json
import os
import subprocess
import unittest
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from wire_util import FRESHET, ServerTestCase, client_env

TARGET = "Freshet_20261129.ExecuteSql"


class SqlOverHttpTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.server.boto3("dynamodb")
        ddb.create_table(TableName="Music",
                         KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"},
                                    {"AttributeName": "Year", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "Artist", "AttributeType": "S"},
                                               {"AttributeName": "Year", "AttributeType": "N"}],
                         BillingMode="PAY_PER_REQUEST")
        for artist, year, rating in [("Bach", 1721, "4.5"), ("Bach", 1723, "5"), ("Bach", 1741, "4.75"),
                                     ("Händel", 1741, "4")]:
            ddb.put_item(TableName="Music", Item={"Artist": {"S": artist}, "Year": {"N": str(year)},
                                                  "Rating": {"N": rating}})

    def post(self, body, target=TARGET):
        data = json.dumps(body).encode()
        request = botocore.awsrequest.AWSRequest(
            method="POST", url=self.server.url + "/", data=data,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
        creds = botocore.credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        botocore.auth.SigV4Auth(creds, "freshet", "us-east-1").add_auth(request)
        prepared = request.prepare()
        req = urllib.request.Request(prepared.url, data=data, method="POST", headers=dict(prepared.headers))
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_select_returns_columns_and_typed_rows(self):
        status, body = self.post({"Sql": "SELECT Artist, Year, Rating, Year * 2 AS twice FROM Music "
                                         "WHERE Artist = 'Bach' ORDER BY Year"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Columns"], ["Artist", "Year", "Rating", "twice"])
        self.assertEqual(body["Rows"], [["Bach", 1721, 4.5, 3442], ["Bach", 1723, 5, 3446],
                                        ["Bach", 1741, 4.75, 3482]])
        self.assertIs(body["Truncated"], False)

    def test_group_by_and_unicode(self):
        status, body = self.post({"Sql": "SELECT Artist, count(*), max(Rating) FROM Music GROUP BY 1 ORDER BY 1"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Rows"], [["Bach", 3, 5], ["Händel", 1, 4]])

    def test_max_rows_truncates(self):
        status, body = self.post({"Sql": "SELECT Year FROM Music ORDER BY Year", "MaxRows": 2})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Rows"], [[1721], [1723]])
        self.assertIs(body["Truncated"], True)
        status, body = self.post({"Sql": "SELECT Year FROM Music", "MaxRows": 4})
        self.assertIs(body["Truncated"], False)
        self.assertEqual(len(body["Rows"]), 4)

    def test_errors_are_validation_exceptions_naming_the_sql_error(self):
        cases = [
            ({"Sql": "SELEC 1"}, "syntax error"),
            ({"Sql": "SELECT * FROM NoSuchTable"}, "no such table"),
            ({"Sql": "DELETE FROM Music"}, "read-only"),
            ({"Sql": "SELECT 1; SELECT 2"}, ""),
            ({}, "sql"),
            ({"Sql": "SELECT 1", "MaxRows": 0}, "maxRows"),
        ]
        for body, words in cases:
            status, reply = self.post(body)
            self.assertEqual(status, 400, (body, reply))
            self.assertEqual(reply["__type"], "ValidationException", (body, reply))
            self.assertIn(words, reply["message"], (body, reply))
        # Nothing was deleted.
        status, reply = self.post({"Sql": "SELECT count(*) FROM Music"})
        self.assertEqual(reply["Rows"], [[4]])

    def test_freshet_sql_goes_through_the_owner_and_sees_its_latest_write(self):
        ddb = self.server.boto3("dynamodb")
        ddb.put_item(TableName="Music", Item={"Artist": {"S": "Zelenka"}, "Year": {"N": "1733"}})
        p = self.server.freshet("sql", "--output", "json", "SELECT Artist, Year FROM Music WHERE Artist = 'Zelenka'")
        self.assertEqual(json.loads(p.stdout)["items"], [{"Artist": "Zelenka", "Year": 1733}])
        # --sample travels as SampleItems: with none sampled, only the key columns and item exist.
        p = self.server.freshet("sql", "--sample", "0", "--output", "csv", "SELECT * FROM Music LIMIT 1")
        self.assertEqual(p.stdout.splitlines()[0], "Artist,Year,item")
        p = self.server.freshet("sql", "SELECT * FROM Nope", check=False)
        self.assertEqual(p.returncode, 3, p.stderr)  # not found, as in process
        self.assertIn("no such table", p.stderr)
        ddb.delete_item(TableName="Music", Key={"Artist": {"S": "Zelenka"}, "Year": {"N": "1733"}})

    def test_freshet_sql_with_endpoint_sends_execute_sql_over_http(self):
        # A data directory that does not exist: the rows can only come from the endpoint.
        missing = os.path.join(self.server.tmp, "no-such-dir")
        p = subprocess.run([FRESHET, "--data-dir", missing, "--endpoint", self.server.url, "sql", "--output", "csv",
                            "SELECT Artist, count(*) AS n FROM Music GROUP BY 1 ORDER BY 1"],
                           env=client_env(self.server.home), capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), ["Artist,n", "Bach,3", "Händel,1"])
        self.assertFalse(os.path.exists(missing))


if __name__ == "__main__":
    unittest.main()
