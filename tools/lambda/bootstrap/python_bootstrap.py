# freshet's Python runtime: the loop AWS's own runtime interface client runs, over the Lambda
# Runtime API of AWS_LAMBDA_RUNTIME_API. Imports the handler module from LAMBDA_TASK_ROOT
# (_HANDLER = "module.function", module may be a dotted path), then answers events one at a time
# with a context object like Lambda's. Errors in the handler are posted to /error as Lambda shapes
# them ({errorMessage, errorType, requestId, stackTrace}); errors while importing go to /init/error
# and the worker exits.
import http.client
import importlib
import json
import os
import socket
import sys
import time
import traceback

_API = os.environ["AWS_LAMBDA_RUNTIME_API"]
_HOST, _PORT = _API.rsplit(":", 1)
_BASE = "/2018-06-01/runtime"
_conn = None


def _connect():
    global _conn
    _conn = http.client.HTTPConnection(_HOST, int(_PORT))
    _conn.connect()
    _conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _request(method, path, body=None, headers=None):
    for attempt in (0, 1):
        try:
            if _conn is None:
                _connect()
            _conn.request(method, _BASE + path, body=body, headers=headers or {})
            response = _conn.getresponse()
            return response, response.read()
        except (http.client.HTTPException, OSError):
            if attempt:
                raise
            _conn.close() if _conn else None
            _connect()


def _error_body(exc, request_id=None):
    body = {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }
    if request_id:
        body["requestId"] = request_id
    return json.dumps(body).encode()


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn):
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.invoked_function_arn = arn
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def _honour_endpoint_url():
    """boto3 honours AWS_ENDPOINT_URL from botocore 1.31.57 on; older ones (Debian 12 ships 1.29)
    are taught here, so a handler's boto3 clients talk to this freshet as they would on newer SDKs."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return
    try:
        import botocore
        import botocore.session
    except ImportError:
        return
    version = tuple(int(p) for p in botocore.__version__.split(".")[:3] if p.isdigit())
    if version >= (1, 31, 57):
        return
    original = botocore.session.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        if len(args) >= 5:
            if args[4] is None:
                args = args[:4] + (endpoint,) + args[5:]
        elif kwargs.get("endpoint_url") is None:
            kwargs["endpoint_url"] = endpoint
        return original(self, service_name, *args, **kwargs)

    botocore.session.Session.create_client = create_client


def _load_handler():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    name = os.environ["_HANDLER"]
    module_name, _, function_name = name.rpartition(".")
    module = importlib.import_module(module_name.replace("/", "."))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise AttributeError("Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


def main():
    _honour_endpoint_url()
    try:
        handler = _load_handler()
    except Exception as exc:  # noqa: BLE001 - every import failure is the function's error
        sys.stdout.flush()
        sys.stderr.flush()
        body = json.loads(_error_body(exc))
        body["errorType"] = "Runtime.ImportModuleError" if isinstance(exc, ImportError) else "Runtime.HandlerNotFound" \
            if isinstance(exc, AttributeError) else "Runtime.UserCodeSyntaxError" if isinstance(exc, SyntaxError) \
            else type(exc).__name__
        body["errorMessage"] = "Unable to import module '%s': %s" % (os.environ.get("_HANDLER", ""), exc)
        print("[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), file=sys.stderr, flush=True)
        _request("POST", "/init/error", json.dumps(body).encode(),
                 {"Lambda-Runtime-Function-Error-Type": body["errorType"]})
        sys.exit(1)
    while True:
        response, event_bytes = _request("GET", "/invocation/next")
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        deadline_ms = int(response.getheader("Lambda-Runtime-Deadline-Ms") or "0")
        arn = response.getheader("Lambda-Runtime-Invoked-Function-Arn") or ""
        context = LambdaContext(request_id, deadline_ms, arn)
        try:
            event = json.loads(event_bytes) if event_bytes else {}
            result = handler(event, context)
            body = json.dumps(result).encode()
            path = "/invocation/%s/response" % request_id
            headers = {"Content-Type": "application/json"}
        except Exception as exc:  # noqa: BLE001 - the handler's error is the invocation's answer
            traceback.print_exc()
            body = _error_body(exc, request_id)
            path = "/invocation/%s/error" % request_id
            headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": type(exc).__name__}
        sys.stdout.flush()
        sys.stderr.flush()
        _request("POST", path, body, headers)


if __name__ == "__main__":
    sys.argv = sys.argv[:1]
    main()
