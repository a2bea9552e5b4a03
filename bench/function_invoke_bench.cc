// Function invocation latency: an empty warm Python function invoked through
// FunctionRuntime::Invoke in process, and through `POST /2015-03-31/functions/empty/invocations`
// over HTTP (HttpFront + LambdaService on a loopback http::Server, libcurl keep-alive client);
// beside baselines measured in the same run: a bare HTTP round trip to a trivial handler on an
// http::Server (the same stack a worker's Runtime API calls use; a warm invocation costs two such
// round trips from Python plus one in-process handoff), and the same round trip over HttpFront.
//
// Usage: function_invoke_bench [--invocations N] (default 2000). Prints p50 / p99 in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "storage/db.h"
#include "stream/stream_log.h"
#include "tools/http/http_client.h"
#include "tools/http/http_server.h"
#include "tools/lambda/function_runtime.h"
#include "tools/lambda/function_store.h"
#include "tools/lambda/zip_archive.h"
#include "tools/protocol/dispatcher.h"
#include "tools/protocol/engine.h"
#include "tools/transport/http_front.h"
#include "tools/transport/lambda_service.h"

namespace {

using namespace freshet;
using Clock = std::chrono::steady_clock;

struct Figures {
  double p50 = 0, p99 = 0;
};

Figures Percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
}

template <typename Fn>
Figures Time(int n, Fn fn) {
  for (int i = 0; i < 50; ++i) fn();  // warm
  std::vector<double> us;
  us.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto start = Clock::now();
    fn();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return Percentiles(std::move(us));
}

void Print(const char* what, Figures f) { std::printf("%-58s p50 %8.1f us   p99 %8.1f us\n", what, f.p50, f.p99); }

int Fail(const Status& s) {
  std::cerr << "function_invoke_bench: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 2000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--invocations") == 0) n = std::atoi(argv[i + 1]);
  }
  std::string dir = std::filesystem::temp_directory_path() / ("freshet-invoke-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir + "/code");
  std::ofstream(dir + "/code/app.py") << "def handler(event, context):\n    return None\n";
  auto db = storage::Db::Open(dir + "/data", storage::OpenOptions{});
  if (!db.ok()) return Fail(db.status());
  auto zip = lambda::ZipDirectory(dir + "/code");
  if (!zip.ok()) return Fail(zip.status());
  lambda::FunctionConfig config;
  config.name = "empty";
  config.runtime = "python3.12";
  config.handler = "app.handler";
  lambda::FunctionStore store(db.value().get(), db.value()->dir());
  if (auto c = store.Create(config, zip.value()); !c.ok()) return Fail(c.status());

  lambda::RuntimeOptions options;
  options.data_dir = db.value()->dir();
  lambda::FunctionRuntime runtime(db.value().get(), options);
  stream::StreamLog log(db.value().get());
  protocol::Engine engine(&log);
  engine.SetFunctions(&runtime);
  protocol::Dispatcher dispatcher(&engine, protocol::Settings{});
  transport::HttpFront front(&dispatcher, std::nullopt);
  transport::LambdaService lambda_service(&dispatcher);
  front.AddService(&lambda_service);
  http::ServerOptions server_options;
  server_options.port = 0;
  auto server = http::Server::Start(server_options, [&front](const http::Request& r) { return front.Handle(r); });
  if (!server.ok()) return Fail(server.status());
  auto bare = http::Server::Start(server_options, [](const http::Request&) {
    http::Response r;
    r.content_type = "application/json";
    r.body = "null";
    return r;
  });
  if (!bare.ok()) return Fail(bare.status());
  auto front_client =
      http::Client::Create("http://127.0.0.1:" + std::to_string(server.value()->port()), std::nullopt, "us-east-1");
  auto bare_client =
      http::Client::Create("http://127.0.0.1:" + std::to_string(bare.value()->port()), std::nullopt, "us-east-1");
  if (!front_client.ok() || !bare_client.ok()) return Fail(Status::Internal("cannot create HTTP clients"));

  std::printf("%s\n%d invocations each, after 50 warm-up calls\n", bench::Machine().c_str(), n);
  bool failed = false;
  const std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  Figures bare_rt = Time(n, [&] {
    auto r = bare_client.value()->Send("POST", "/", headers, "{}", "lambda");
    failed |= !r.ok() || r.value().status != 200;
  });
  Figures front_rt = Time(n, [&] {
    auto r = front_client.value()->Send("GET", "/2015-03-31/functions/empty/configuration", headers, "", "lambda");
    failed |= !r.ok() || r.value().status != 200;
  });
  Figures in_process = Time(n, [&] {
    auto r = runtime.Invoke("empty", "{}", {});
    failed |= !r.ok() || r.value().payload != "null";
  });
  Figures over_http = Time(n, [&] {
    auto r = front_client.value()->Send("POST", "/2015-03-31/functions/empty/invocations", headers, "{}", "lambda");
    failed |= !r.ok() || r.value().status != 200 || r.value().body != "null";
  });
  Print("baseline: bare HTTP round trip (http::Server, libcurl)", bare_rt);
  Print("baseline: GetFunctionConfiguration over HTTP", front_rt);
  Print("Invoke, empty warm python function, in process", in_process);
  Print("Invoke over HTTP (POST .../invocations)", over_http);
  runtime.Stop();
  server.value()->Stop();
  bare.value()->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (failed) {
    std::cerr << "function_invoke_bench: some invocations failed\n";
    return 1;
  }
  return 0;
}
