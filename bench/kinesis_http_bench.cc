// Kinesis over HTTP: PutRecords of 500 records of 200 bytes through `serve --http`'s stack (the
// cpp-httplib server, HttpFront, the registry) with one keep-alive libcurl client, against the
// same requests dispatched in process (what a CLI command without an owner does), in one run,
// alternating sides, best of 3; then GetRecords through HTTP (Limit 10000) reading everything
// back. Both sides write to a synced 4-shard stream.
//
// Usage: kinesis_http_bench [--batches N] [--no-sync]
#include <cstdio>
#include <cstring>
#include <random>

#include "bench/bench_util.h"
#include "query/item_json.h"
#include "stream/stream_log.h"
#include "tools/http/http_client.h"
#include "tools/http/http_server.h"
#include "tools/transport/http_front.h"

using namespace freshet;
using protocol::Json;

namespace {

constexpr size_t kRecordBytes = 200;
constexpr size_t kBatch = 500;

// The PutRecords bodies, built once (both sides send the same bytes).
std::vector<std::string> MakeRequests(int batches) {
  std::mt19937 rng(1);
  std::vector<std::string> out;
  for (int b = 0; b < batches; ++b) {
    Json records = Json::array();
    for (size_t i = 0; i < kBatch; ++i) {
      std::string data(kRecordBytes, ' ');
      for (char& c : data) c = static_cast<char>('a' + rng() % 26);
      records.push_back(
          {{"PartitionKey", "station-" + std::to_string(rng() % 5000)}, {"Data", query::EncodeBase64(data)}});
    }
    out.push_back(Json{{"StreamName", "bench"}, {"Records", records}}.dump());
  }
  return out;
}

struct Stack {
  explicit Stack(const std::string& dir, bool sync) {
    storage::OpenOptions options;
    options.sync = sync;
    db = std::move(storage::Db::Open(dir, options).value());
    log = std::make_unique<stream::StreamLog>(db.get());
    engine = std::make_unique<protocol::Engine>(log.get());
    dispatcher = std::make_unique<protocol::Dispatcher>(engine.get(), protocol::Settings{});
    Json created =
        dispatcher->Dispatch("Kinesis_20131202.CreateStream", {{"StreamName", "bench"}, {"ShardCount", 4}}, {}).body;
    front = std::make_unique<transport::HttpFront>(dispatcher.get(), std::nullopt);
    http::ServerOptions server_options;
    server_options.port = 0;
    server = std::move(
        http::Server::Start(server_options, [this](const http::Request& r) { return front->Handle(r); }).value());
    client = std::move(http::Client::Create("http://127.0.0.1:" + std::to_string(server->port()),
                                            http::AwsCredentials{"bench", "bench", ""}, "us-east-1")
                           .value());
  }
  http::Response Post(const std::string& op, const std::string& body) {
    auto r = client->Send("POST", "/",
                          {{"X-Amz-Target", "Kinesis_20131202." + op}, {"Content-Type", "application/x-amz-json-1.1"}},
                          body, "kinesis");
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "%s failed: %s\n", op.c_str(), r.ok() ? r->body.c_str() : r.status().ToString().c_str());
      std::exit(1);
    }
    return std::move(r.value());
  }
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<protocol::Engine> engine;
  std::unique_ptr<protocol::Dispatcher> dispatcher;
  std::unique_ptr<transport::HttpFront> front;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;
};

double PutHttp(const std::vector<std::string>& requests, bool sync) {
  bench::BenchDir dir("kinesis-http");
  Stack stack(dir.path(), sync);
  auto start = std::chrono::steady_clock::now();
  for (const auto& body : requests) stack.Post("PutRecords", body);
  return requests.size() * kBatch / bench::Seconds(start);
}

double PutInProcess(const std::vector<std::string>& requests, bool sync) {
  bench::BenchDir dir("kinesis-local");
  Stack stack(dir.path(), sync);
  auto start = std::chrono::steady_clock::now();
  for (const auto& body : requests) {
    // What LocalEndpoint does for a CLI command: parse the request, dispatch, serialize the reply.
    protocol::Reply r = stack.dispatcher->Dispatch("Kinesis_20131202.PutRecords", Json::parse(body), {});
    if (!r.ok() || r.body.dump().empty()) std::exit(1);
  }
  return requests.size() * kBatch / bench::Seconds(start);
}

// Puts `requests` in process, then reads every shard back with GetRecords over HTTP.
double GetHttp(const std::vector<std::string>& requests, bool sync, size_t* read) {
  bench::BenchDir dir("kinesis-get");
  Stack stack(dir.path(), sync);
  for (const auto& body : requests) stack.dispatcher->Dispatch("Kinesis_20131202.PutRecords", Json::parse(body), {});
  *read = 0;
  auto start = std::chrono::steady_clock::now();
  for (int shard = 0; shard < 4; ++shard) {
    Json it = Json::parse(stack
                              .Post("GetShardIterator", Json{{"StreamName", "bench"},
                                                             {"ShardId", "shardId-00000000000" + std::to_string(shard)},
                                                             {"ShardIteratorType", "TRIM_HORIZON"}}
                                                            .dump())
                              .body);
    std::string iterator = it["ShardIterator"];
    for (;;) {
      // The client side reads only what it needs (count and next iterator) so the figure is the
      // server's: a full JSON DOM parse of a 10,000-record page costs the client more than
      // freshet spends producing it.
      std::string body = stack.Post("GetRecords", Json{{"ShardIterator", iterator}, {"Limit", 10000}}.dump()).body;
      size_t n = 0;
      for (size_t at = 0; (at = body.find("\"SequenceNumber\"", at)) != std::string::npos; ++at) ++n;
      *read += n;
      if (n == 0) break;
      size_t key = body.find("\"NextShardIterator\":\"");
      size_t start = key + 21, end = body.find('"', start);
      iterator = body.substr(start, end - start);
    }
  }
  return *read / bench::Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  int batches = 400;
  bool sync = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--batches") && i + 1 < argc) batches = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--no-sync")) sync = false;
  }
  auto requests = MakeRequests(batches);
  std::printf("machine: %s\n", bench::Machine().c_str());
  std::printf("PutRecords: %d batches of %zu records of %zu bytes, 4 shards, %s\n", batches, kBatch, kRecordBytes,
              sync ? "fsync per batch" : "no sync");
  double best_http = 0, best_local = 0;
  for (int round = 0; round < 3; ++round) {
    double h, l;
    if (round % 2 == 0) {
      h = PutHttp(requests, sync);
      l = PutInProcess(requests, sync);
    } else {
      l = PutInProcess(requests, sync);
      h = PutHttp(requests, sync);
    }
    std::printf("  round %d: http %.0f rec/s, in process %.0f rec/s\n", round + 1, h, l);
    best_http = std::max(best_http, h);
    best_local = std::max(best_local, l);
  }
  std::printf(
      "put over HTTP (keep-alive): %.0f rec/s\nput in process:             %.0f rec/s\nratio %.2f (target >= 0.5)\n",
      best_http, best_local, best_http / best_local);
  double best_get = 0;
  size_t read = 0;
  for (int round = 0; round < 3; ++round) best_get = std::max(best_get, GetHttp(requests, sync, &read));
  std::printf("GetRecords over HTTP: %zu records, %.0f rec/s (target >= 500,000)\n", read, best_get);
  return 0;
}
