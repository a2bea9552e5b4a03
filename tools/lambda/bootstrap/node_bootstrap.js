// freshet's Node.js runtime: the loop AWS's own runtime interface client runs, over the Lambda
// Runtime API of AWS_LAMBDA_RUNTIME_API. Loads the handler from LAMBDA_TASK_ROOT (_HANDLER =
// "file.export", file.js, file.cjs or file.mjs), then answers events one at a time in any of the
// three styles Lambda supports: callback(err, result), an async function, or a returned promise.
// context.callbackWaitsForEmptyEventLoop: when true (the default) a callback's answer is sent once
// the event loop has nothing else to do, as on Lambda; when false, at once.
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');
const { pathToFileURL } = require('url');

const [HOST, PORT] = (() => {
  const api = process.env.AWS_LAMBDA_RUNTIME_API;
  const i = api.lastIndexOf(':');
  return [api.slice(0, i), Number(api.slice(i + 1))];
})();
const BASE = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port: PORT, method, path: BASE + urlPath, agent,
                               headers: Object.assign({}, headers || {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.setNoDelay(true);
    req.on('error', reject);
    req.end(body);
  });
}

function errorBody(err, requestId) {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err));
  const body = { errorType: e.name || 'Error', errorMessage: e.message,
                 trace: (e.stack || '').split('\n') };
  if (requestId) body.requestId = requestId;
  return body;
}

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf('.');
  const modulePath = spec.slice(0, dot), name = spec.slice(dot + 1);
  let mod;
  const base = path.resolve(root, modulePath);
  if (fs.existsSync(base + '.mjs')) {
    mod = await import(pathToFileURL(base + '.mjs').href);
  } else if (fs.existsSync(base + '.cjs')) {
    mod = require(base + '.cjs');
  } else {
    try {
      mod = require(base);
    } catch (e) {
      if (e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(base + '.js').href);
      else throw e;
    }
  }
  const handler = mod[name] !== undefined ? mod[name] : (mod.default ? mod.default[name] : undefined);
  if (typeof handler !== 'function') {
    const e = new Error(`${spec} is undefined or not exported`);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  return handler;
}

function makeContext(requestId, deadlineMs, arn) {
  return {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    invokedFunctionArn: arn,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

// Runs one invocation; resolves to {ok, value} once its answer is settled.
function runHandler(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      if (context.callbackWaitsForEmptyEventLoop && answer.viaCallback) {
        // Lambda waits until the event loop is empty; setImmediate lets pending I/O callbacks run.
        setImmediate(() => resolve(answer));
      } else {
        resolve(answer);
      }
    };
    const callback = (err, value) => {
      if (err !== undefined && err !== null) finish({ ok: false, value: err, viaCallback: true });
      else finish({ ok: true, value, viaCallback: true });
    };
    context.done = callback;
    context.succeed = (v) => callback(null, v);
    context.fail = (e) => callback(e || new Error('failed'));
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (e) {
      finish({ ok: false, value: e });
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then((v) => finish({ ok: true, value: v }), (e) => finish({ ok: false, value: e }));
    } else if (handler.length < 3 && returned !== undefined) {
      finish({ ok: true, value: returned });
    } else if (handler.length < 3) {
      // A synchronous handler without a callback parameter: its answer is what it returned.
      finish({ ok: true, value: returned === undefined ? null : returned });
    }
  });
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (e) {
    const body = errorBody(e);
    if (!body.errorType.startsWith('Runtime.')) {
      body.errorType = e.code === 'MODULE_NOT_FOUND' ? 'Runtime.ImportModuleError' : body.errorType;
    }
    console.error(`ERROR\t${body.errorType}: ${body.errorMessage}`);
    await request('POST', '/init/error', JSON.stringify(body),
                  { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': body.errorType });
    process.exit(1);
  }
  for (;;) {
    const { res, body } = await request('GET', '/invocation/next');
    const requestId = res.headers['lambda-runtime-aws-request-id'];
    const deadline = Number(res.headers['lambda-runtime-deadline-ms'] || 0);
    const arn = res.headers['lambda-runtime-invoked-function-arn'] || '';
    const context = makeContext(requestId, deadline, arn);
    let answer;
    try {
      const event = body.length ? JSON.parse(body.toString('utf8')) : {};
      answer = await runHandler(handler, event, context);
    } catch (e) {
      answer = { ok: false, value: e };
    }
    if (answer.ok) {
      const text = answer.value === undefined ? 'null' : JSON.stringify(answer.value);
      await request('POST', `/invocation/${requestId}/response`, text === undefined ? 'null' : text,
                    { 'Content-Type': 'application/json' });
    } else {
      const err = errorBody(answer.value, requestId);
      console.error(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(err)}`);
      await request('POST', `/invocation/${requestId}/error`, JSON.stringify(err),
                    { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': err.errorType });
    }
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
