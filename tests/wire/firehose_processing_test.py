"""Firehose data transformation through boto3 against `freshet serve --http --credentials`: a Python
Lambda created with lambda.create_function (a zip) upper-cases records and marks some Dropped or
ProcessingFailed; a DirectPut delivery stream's ExtendedS3DestinationConfiguration points its
ProcessingConfiguration at it; records are put, the delivery is flushed, and the objects are read
back with boto3: the transformed records in order under Prefix, the failed ones under
ErrorOutputPrefix/processing-failed/ as Firehose's error records. A function that raises sends its
records there after NumberOfRetries, and a malformed ProcessingConfiguration is refused."""
import base64
import io
import json
import os
import time
import unittest
import zipfile

import botocore.exceptions

from wire_util import Server

UPPER = '''import base64

def lambda_handler(event, context):
    out = []
    for r in event["records"]:
        data = base64.b64decode(r["data"]).decode()
        if data.startswith("drop"):
            out.append({"recordId": r["recordId"], "result": "Dropped", "data": r["data"]})
        elif data.startswith("fail"):
            out.append({"recordId": r["recordId"], "result": "ProcessingFailed", "data": r["data"]})
        else:
            out.append({"recordId": r["recordId"], "result": "Ok",
                        "data": base64.b64encode(data.upper().encode()).decode()})
    return {"records": out}
'''

BROKEN = "def lambda_handler(event, context):\n    raise ValueError('no')\n"


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def objects(s3, bucket, prefix=""):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def processing(arn, retries=None):
    params = [{"ParameterName": "LambdaArn", "ParameterValue": arn}]
    if retries is not None:
        params.append({"ParameterName": "NumberOfRetries", "ParameterValue": str(retries)})
    return {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": params}]}


class FirehoseProcessingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        creds = os.path.join(cls.server.tmp, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIDEXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        cls.server.extra_args = ["--credentials", creds]
        cls.server.start()
        cls.firehose = cls.server.boto3("firehose")
        cls.s3 = cls.server.boto3("s3")
        cls.lam = cls.server.boto3("lambda")
        cls.account = cls.server.boto3("sts").get_caller_identity()["Account"]
        cls.s3.create_bucket(Bucket="processed")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def create_function(self, name, code):
        return self.lam.create_function(FunctionName=name, Runtime="python3.12", Handler="lambda_function.lambda_handler",
                                        Role="arn:aws:iam::%s:role/lambda-role" % self.account,
                                        Code={"ZipFile": zip_of({"lambda_function.py": code})})["FunctionArn"]

    def create_delivery(self, name, prefix, error_prefix, config):
        self.firehose.create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::%s:role/firehose-role" % self.account,
                "BucketARN": "arn:aws:s3:::processed", "Prefix": prefix, "ErrorOutputPrefix": error_prefix,
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 900}, "CompressionFormat": "UNCOMPRESSED",
                "ProcessingConfiguration": config})
        deadline = time.time() + 30
        while time.time() < deadline:
            d = self.firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
            if d["DeliveryStreamStatus"] == "ACTIVE":
                return d
            time.sleep(0.2)
        raise AssertionError("delivery stream %s never became ACTIVE" % name)

    def test_transformed_records_in_order_and_failures_under_the_error_prefix(self):
        arn = "arn:aws:lambda:us-east-1:%s:function:upper" % self.account
        self.assertEqual(self.create_function("upper", UPPER), arn)
        config = processing(arn)
        d = self.create_delivery("transformed", "out/", "err/", config)
        self.assertEqual(d["Destinations"][0]["ExtendedS3DestinationDescription"]["ProcessingConfiguration"], config)
        records = ["alpha\n", "drop 1\n", "beta\n", "fail 2\n", "gamma\n", "fail 3\n"]
        put = self.firehose.put_record_batch(DeliveryStreamName="transformed",
                                             Records=[{"Data": r.encode()} for r in records])
        self.assertEqual(put["FailedPutCount"], 0)
        before_ms = int(time.time() * 1000) - 60000
        self.server.freshet("delivery", "flush", "transformed")

        out = objects(self.s3, "processed", "out/")
        self.assertEqual(len(out), 1, out)
        self.assertRegex(out[0], r"^out/\d{4}/\d{2}/\d{2}/\d{2}/transformed-1-")
        body = self.s3.get_object(Bucket="processed", Key=out[0])["Body"].read().decode()
        self.assertEqual(body, "ALPHA\nBETA\nGAMMA\n")

        errors = objects(self.s3, "processed", "err/")
        self.assertEqual(len(errors), 1, errors)
        self.assertRegex(errors[0], r"^err/processing-failed/\d{4}/\d{2}/\d{2}/\d{2}/transformed-1-")
        lines = self.s3.get_object(Bucket="processed", Key=errors[0])["Body"].read().decode().splitlines()
        self.assertEqual(len(lines), 2)
        failed = [json.loads(line) for line in lines]
        self.assertEqual([base64.b64decode(f["rawData"]).decode() for f in failed], ["fail 2\n", "fail 3\n"])
        for f in failed:
            self.assertEqual(set(f), {"attemptsMade", "arrivalTimestamp", "errorCode", "errorMessage",
                                      "attemptEndingTimestamp", "rawData", "lambdaArn"})
            self.assertEqual(f["errorCode"], "Lambda.ProcessingFailedStatus")
            self.assertEqual(f["attemptsMade"], 1)
            self.assertEqual(f["lambdaArn"], arn)
            self.assertGreater(f["arrivalTimestamp"], before_ms)
            self.assertGreaterEqual(f["attemptEndingTimestamp"], f["arrivalTimestamp"])

        listed = self.server.freshet("delivery", "describe", "transformed").stdout
        self.assertIn("transformed", listed)

    def test_a_failing_function_sends_its_records_to_the_error_output_after_retries(self):
        arn = self.create_function("broken", BROKEN)
        self.create_delivery("broken-hose", "b/", "b-err/!{firehose:error-output-type}/!{timestamp:yyyy}/",
                             processing(arn, retries=1))
        self.firehose.put_record(DeliveryStreamName="broken-hose", Record={"Data": b"lost?\n"})
        self.server.freshet("delivery", "flush", "broken-hose")
        self.assertEqual(objects(self.s3, "processed", "b/"), [])  # nothing Ok: no object
        errors = objects(self.s3, "processed", "b-err/")
        self.assertEqual(len(errors), 1, errors)
        self.assertRegex(errors[0], r"^b-err/processing-failed/\d{4}/broken-hose-1-")
        f = json.loads(self.s3.get_object(Bucket="processed", Key=errors[0])["Body"].read())
        self.assertEqual(f["errorCode"], "Lambda.FunctionError")
        self.assertEqual(f["attemptsMade"], 2)
        self.assertEqual(base64.b64decode(f["rawData"]), b"lost?\n")

    def test_malformed_processing_configuration_is_refused(self):
        bad = {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:1:function:f"},
            {"ParameterName": "NumberOfRetries", "ParameterValue": "1000"}]}]}
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.create_delivery("bad-config", "", "", bad)
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgumentException")
        self.assertIn("NumberOfRetries", e.exception.response["Error"]["Message"])
        not_lambda = {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": "not-an-arn"}]}]}
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.create_delivery("bad-arn", "", "", not_lambda)
        self.assertIn("arn:aws:lambda:REGION:ACCOUNT:function:NAME", e.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
