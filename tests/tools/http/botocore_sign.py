#!/usr/bin/env python3
"""Signs a fixed set of requests with botocore (the aws CLI's and boto3's signer) and prints them,
one JSON object per line: {"name", "method", "target", "headers": [[name, value], ...],
"body_base64"}. sigv4_test.cc verifies each with freshet's VerifySignature: an independent
implementation of the same rules. Signed now, with access key AKIDTEST and the secret below."""
import base64
import json
import sys
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
BASE = "http://127.0.0.1:4566"


def emit(name, request):
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = [[k, v if isinstance(v, str) else v.decode()] for k, v in prepared.headers.items()]
    headers.append(["Host", parts.netloc])  # signed by botocore, added by the HTTP library when sent
    print(json.dumps({"name": name, "method": prepared.method, "target": target, "headers": headers,
                      "body_base64": base64.b64encode(body).decode()}))


def main():
    creds = Credentials("AKIDTEST", SECRET)
    session = Credentials("AKIDTEST", SECRET, "session-token-value")
    json_headers = {"Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "Kinesis_20131202.PutRecord"}

    r = AWSRequest("POST", BASE + "/", data=b'{"StreamName":"s","Data":"aGk=","PartitionKey":"k"}',
                   headers=dict(json_headers))
    SigV4Auth(creds, "kinesis", "us-east-1").add_auth(r)
    emit("kinesis-post", r)

    r = AWSRequest("POST", BASE + "/", data=b'{}', headers=dict(json_headers))
    SigV4Auth(session, "kinesis", "eu-west-1").add_auth(r)
    emit("session-token", r)

    r = AWSRequest("POST", BASE + "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af"
                   "/invocations?Qualifier=%24LATEST", data=b'{"k":1}', headers={"X-Amz-Invocation-Type": "Event"})
    SigV4Auth(creds, "lambda", "us-east-1").add_auth(r)
    emit("lambda-encoded-path", r)

    r = AWSRequest("GET", BASE + "/?b=2&a=1&a=0&c=x%20y&d=%2B&e=&f=%E2%82%AC")
    SigV4Auth(creds, "service", "us-east-1").add_auth(r)
    emit("unsorted-query", r)

    r = AWSRequest("GET", BASE + "/foo/../bar//baz/./q/")
    SigV4Auth(creds, "service", "us-east-1").add_auth(r)
    emit("dot-segments", r)

    r = AWSRequest("POST", BASE + "/", data=b"x", headers={"X-Amz-Meta-Spaced": "  a   b \t c  ",
                                                          "Content-Type": "text/plain"})
    SigV4Auth(creds, "service", "us-east-1").add_auth(r)
    emit("header-spaces", r)

    r = AWSRequest("PUT", BASE + "/bucket/key%20with%20space/%E2%82%AC%2B~.txt", data=b"object body",
                   headers={"Content-Type": "text/plain"})
    S3SigV4Auth(creds, "s3", "us-east-1").add_auth(r)
    emit("s3-put", r)

    r = AWSRequest("GET", BASE + "/bucket/a%2Fb?list-type=2&prefix=x%2Fy")
    S3SigV4Auth(creds, "s3", "us-east-1").add_auth(r)
    emit("s3-get-query", r)

    r = AWSRequest("GET", BASE + "/bucket/key.txt")
    S3SigV4QueryAuth(creds, "s3", "us-east-1", expires=3600).add_auth(r)
    emit("s3-presigned", r)

    r = AWSRequest("GET", BASE + "/?Action=ListStreams")
    SigV4QueryAuth(creds, "kinesis", "us-east-1", expires=600).add_auth(r)
    emit("presigned", r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
