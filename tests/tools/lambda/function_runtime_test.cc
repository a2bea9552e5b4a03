// Tests of tools/lambda/function_runtime: real python, node and `provided` workers over the
// Runtime API: answers, context, environment, errors, timeouts, warm reuse, logs, access keys.
#include "tools/lambda/function_runtime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/tools/lambda/lambda_test_util.h"
#include "tools/lambda/function_store.h"

namespace freshet::lambda {
namespace {

using Json = nlohmann::json;

constexpr char kPythonApp[] = R"(import os, time
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    print("handling", event.get("n"))
    return {"n": event.get("n"), "pid": os.getpid(), "request": context.aws_request_id,
            "name": context.function_name, "remaining": context.get_remaining_time_in_millis(),
            "env": {k: os.environ.get(k) for k in ["MY_VAR", "FRESHET_SECRET_TEST", "AWS_LAMBDA_FUNCTION_NAME",
                                                   "AWS_ACCESS_KEY_ID", "TZ", "_HANDLER"]}}
)";

class FunctionRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("FRESHET_SECRET_TEST", "leaked", 1);
    db_ = test::OpenDb(dir_.path());
    store_ = std::make_unique<FunctionStore>(db_.get(), dir_.path());
    RuntimeOptions options;
    options.data_dir = dir_.path();
    runtime_ = std::make_unique<FunctionRuntime>(db_.get(), options);
  }
  void TearDown() override { runtime_.reset(); }

  void Create(const std::string& name, const std::string& runtime, const std::string& handler,
              const std::map<std::string, std::string>& files, int timeout = 3, bool executable = false) {
    FunctionConfig c;
    c.name = name;
    c.runtime = runtime;
    c.handler = handler;
    c.timeout_seconds = timeout;
    c.environment = {{"MY_VAR", "mine"}};
    auto r = store_->Create(c, test::ZipOf(files, executable));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Json Invoke(const std::string& name, const Json& event, InvokeResult* out = nullptr, InvokeOptions options = {}) {
    auto r = runtime_->Invoke(name, event.dump(), options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return Json();
    if (out) *out = r.value();
    return Json::parse(r.value().payload);
  }

  freshet::test::TempDir dir_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<FunctionStore> store_;
  std::unique_ptr<FunctionRuntime> runtime_;
};

TEST_F(FunctionRuntimeTest, PythonHandlerAnswersWarmWithLambdaContextAndEnvironment) {
  Create("py", "python3.12", "app.handler", {{"app.py", kPythonApp}});
  InvokeResult first_result;
  InvokeOptions options;
  options.request_id = "req-1";
  options.tail_log = true;
  Json first = Invoke("py", {{"n", 1}}, &first_result, options);
  EXPECT_EQ(first["n"], 1);
  EXPECT_EQ(first["request"], "req-1");
  EXPECT_EQ(first["name"], "py");
  EXPECT_GT(first["remaining"].get<int>(), 0);
  EXPECT_LE(first["remaining"].get<int>(), 3000);
  EXPECT_EQ(first["env"]["MY_VAR"], "mine");
  EXPECT_TRUE(first["env"]["FRESHET_SECRET_TEST"].is_null());  // freshet's own environment stays out
  EXPECT_EQ(first["env"]["AWS_LAMBDA_FUNCTION_NAME"], "py");
  EXPECT_EQ(first["env"]["TZ"], ":UTC");
  EXPECT_EQ(first["env"]["_HANDLER"], "app.handler");
  EXPECT_EQ(first["env"]["AWS_ACCESS_KEY_ID"], first_result.worker_access_key);
  EXPECT_EQ(first_result.function_error, "");
  EXPECT_NE(first_result.log_tail.find("START RequestId: req-1"), std::string::npos) << first_result.log_tail;
  EXPECT_NE(first_result.log_tail.find("handling 1"), std::string::npos) << first_result.log_tail;
  EXPECT_NE(first_result.log_tail.find("REPORT RequestId: req-1"), std::string::npos) << first_result.log_tail;

  Json second = Invoke("py", {{"n", 2}});
  EXPECT_EQ(second["n"], 2);
  EXPECT_EQ(second["pid"], first["pid"]);  // warm: the same worker process

  std::ifstream log(store_->LogPath("py"));
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("handling 2"), std::string::npos);
  EXPECT_NE(text.str().find("END RequestId: req-1"), std::string::npos);
}

TEST_F(FunctionRuntimeTest, HandlerErrorIsUnhandledAndWorkerStaysWarm) {
  Create("py", "python3.11", "app.handler", {{"app.py", kPythonApp}});
  Json ok = Invoke("py", {{"n", 1}});
  InvokeResult result;
  Json error = Invoke("py", {{"fail", true}}, &result);
  EXPECT_EQ(result.function_error, "Unhandled");
  EXPECT_EQ(error["errorType"], "ValueError");
  EXPECT_EQ(error["errorMessage"], "asked to fail");
  Json again = Invoke("py", {{"n", 3}});
  EXPECT_EQ(again["pid"], ok["pid"]);
}

TEST_F(FunctionRuntimeTest, TimeoutKillsTheWorker) {
  Create("slow", "python3.12", "app.handler", {{"app.py", kPythonApp}}, 1);
  Json warm = Invoke("slow", {{"n", 1}});
  InvokeResult result;
  Json error = Invoke("slow", {{"sleep", 5}}, &result);
  EXPECT_EQ(result.function_error, "Unhandled");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("Task timed out after 1.00 seconds"), std::string::npos);
  Json after = Invoke("slow", {{"n", 2}});
  EXPECT_EQ(after["n"], 2);
  EXPECT_NE(after["pid"], warm["pid"]);  // a fresh worker
}

TEST_F(FunctionRuntimeTest, ImportErrorIsReported) {
  Create("broken", "python3.12", "app.handler", {{"app.py", "import no_such_module_here\n"}});
  InvokeResult result;
  Json error = Invoke("broken", Json::object(), &result);
  EXPECT_EQ(result.function_error, "Unhandled");
  EXPECT_EQ(error["errorType"], "Runtime.ImportModuleError") << error.dump();
}

TEST_F(FunctionRuntimeTest, NodeCallbackAsyncAndPromiseStyles) {
  Create("nodecb", "nodejs20.x", "index.handler",
         {{"index.js",
           "exports.handler = function(event, context, callback) {\n"
           "  console.log('got', event.n);\n"
           "  setTimeout(() => callback(null, {n: event.n, id: context.awsRequestId,\n"
           "    waits: context.callbackWaitsForEmptyEventLoop, left: context.getRemainingTimeInMillis()}), 5);\n"
           "};\n"}});
  Json cb = Invoke("nodecb", {{"n", 7}});
  EXPECT_EQ(cb["n"], 7);
  EXPECT_EQ(cb["waits"], true);
  EXPECT_GT(cb["left"].get<int>(), 0);
  Create("nodeasync", "nodejs18.x", "index.handler",
         {{"index.js",
           "exports.handler = async (event) => { if (event.fail) throw new TypeError('bad'); "
           "return {doubled: event.n * 2}; };\n"}});
  EXPECT_EQ(Invoke("nodeasync", {{"n", 4}})["doubled"], 8);
  InvokeResult result;
  Json error = Invoke("nodeasync", {{"fail", true}}, &result);
  EXPECT_EQ(result.function_error, "Unhandled");
  EXPECT_EQ(error["errorType"], "TypeError");
  Create("nodepromise", "nodejs20.x", "index.handler",
         {{"index.js", "exports.handler = (event) => new Promise((resolve) => resolve({p: event.n}));\n"}});
  EXPECT_EQ(Invoke("nodepromise", {{"n", 5}})["p"], 5);
}

TEST_F(FunctionRuntimeTest, ProvidedRuntimeRunsTheCodesBootstrap) {
  // A custom runtime in Python, speaking the Runtime API itself with urllib.
  Create("custom", "provided.al2023", "ignored",
         {{"bootstrap",
           "#!/usr/bin/python3\n"
           "import os, urllib.request\n"
           "api = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] + '/2018-06-01/runtime/invocation/'\n"
           "while True:\n"
           "    r = urllib.request.urlopen(api + 'next')\n"
           "    rid = r.headers['Lambda-Runtime-Aws-Request-Id']\n"
           "    body = r.read()\n"
           "    urllib.request.urlopen(urllib.request.Request(api + rid + '/response', data=b'{\"echo\":' + body + "
           "b'}'))\n"}},
         3, true);
  Json answer = Invoke("custom", {{"x", 1}});
  EXPECT_EQ(answer["echo"]["x"], 1);
}

TEST_F(FunctionRuntimeTest, AccessKeyNamesTheInvocationInFlight) {
  Create("keys", "python3.12", "app.handler",
         {{"app.py",
           "import os\n"
           "def handler(event, context):\n"
           "    return os.environ['AWS_ACCESS_KEY_ID']\n"}});
  std::string hook_key, hook_request;
  InvokeOptions options;
  options.request_id = "rid-42";
  options.before_event = [&](const std::string& key, const std::string& request_id) {
    hook_key = key;
    hook_request = request_id;
    auto info = runtime_->WorkerForAccessKey(key);
    EXPECT_TRUE(info.has_value());
    if (info) {
      EXPECT_EQ(info->function, "keys");
    }
    return Status::OK();
  };
  InvokeResult result;
  Json key = Invoke("keys", Json::object(), &result, options);
  EXPECT_EQ(key, hook_key);
  EXPECT_EQ(hook_request, "rid-42");
  EXPECT_EQ(result.worker_access_key, hook_key);
  EXPECT_FALSE(runtime_->WorkerForAccessKey("AKIANOTAWORKER").has_value());
  // A failing hook abandons the invocation.
  options.before_event = [](const std::string&, const std::string&) { return Status::Aborted("no staging"); };
  EXPECT_EQ(runtime_->Invoke("keys", "{}", options).status().code(), Status::Code::kAborted);
}

TEST_F(FunctionRuntimeTest, ConcurrentInvocationsRunOnSeveralWorkers) {
  Create("pool", "python3.12", "app.handler", {{"app.py", kPythonApp}}, 10);
  std::vector<std::thread> threads;
  std::vector<Json> answers(3);
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      auto r = runtime_->Invoke("pool", Json{{"n", i}, {"sleep", 0.5}}.dump(), {});
      if (r.ok()) answers[static_cast<size_t>(i)] = Json::parse(r.value().payload);
    });
  }
  for (auto& t : threads) t.join();
  std::set<int> pids;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(answers[static_cast<size_t>(i)].is_object()) << i;
    EXPECT_EQ(answers[static_cast<size_t>(i)]["n"], i);
    pids.insert(answers[static_cast<size_t>(i)]["pid"].get<int>());
  }
  EXPECT_GT(pids.size(), 1u);  // each worker runs one invocation at a time
}

TEST_F(FunctionRuntimeTest, UnknownFunctionAndBadPayload) {
  EXPECT_EQ(runtime_->Invoke("nope", "{}", {}).status().code(), Status::Code::kNotFound);
  Create("py", "python3.12", "app.handler", {{"app.py", kPythonApp}});
  EXPECT_EQ(runtime_->Invoke("py", "{not json", {}).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(FunctionRuntimeTest, UpdatedCodeRunsOnNewWorkers) {
  Create("py", "python3.12", "app.handler", {{"app.py", "def handler(e, c):\n    return 1\n"}});
  EXPECT_EQ(Invoke("py", Json::object()), 1);
  ASSERT_TRUE(store_->UpdateCode("py", test::ZipOf({{"app.py", "def handler(e, c):\n    return 2\n"}})).ok());
  EXPECT_EQ(Invoke("py", Json::object()), 2);
}

}  // namespace
}  // namespace freshet::lambda
