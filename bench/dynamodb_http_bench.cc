// DynamoDB over HTTP: loads a weather-shaped table (station, date) with BatchWriteItem through
// `serve --http`'s stack (the cpp-httplib server, HttpFront, the registry) with a keep-alive
// libcurl client, then runs station Query requests returning 10 items each: latency (p50 / p99)
// from one client, and Query/s from 4 clients with their own connections. Baselines in the same
// run: the same queries through the registry in process (no HTTP), and TableStore::Query directly
// (the engine alone: seek, read 10 items, decode).
//
// Usage: dynamodb_http_bench [--items N (100000)] [--queries N (5000)] [--seconds S (3)] [--no-sync]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

#include "bench/bench_util.h"
#include "query/table_store.h"
#include "stream/stream_log.h"
#include "tools/http/http_client.h"
#include "tools/http/http_server.h"
#include "tools/transport/http_front.h"

using namespace freshet;
using protocol::Json;

namespace {

constexpr int kDays = 100;  // items per station

std::string Station(int s) { return "ST" + std::to_string(100000 + s); }
std::string Date(int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-%03d", d);
  return buf;
}

std::string LoadAvg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

struct Stack {
  Stack(const std::string& dir, bool sync) {
    storage::OpenOptions options;
    options.sync = sync;
    db = std::move(storage::Db::Open(dir, options).value());
    log = std::make_unique<stream::StreamLog>(db.get());
    engine = std::make_unique<protocol::Engine>(log.get());
    dispatcher = std::make_unique<protocol::Dispatcher>(engine.get(), protocol::Settings{});
    front = std::make_unique<transport::HttpFront>(dispatcher.get(), std::nullopt);
    http::ServerOptions server_options;
    server_options.port = 0;
    server = std::move(
        http::Server::Start(server_options, [this](const http::Request& r) { return front->Handle(r); }).value());
  }
  std::unique_ptr<http::Client> NewClient() const {
    return std::move(http::Client::Create("http://127.0.0.1:" + std::to_string(server->port()),
                                          http::AwsCredentials{"bench", "bench", ""}, "us-east-1")
                         .value());
  }
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<protocol::Engine> engine;
  std::unique_ptr<protocol::Dispatcher> dispatcher;
  std::unique_ptr<transport::HttpFront> front;
  std::unique_ptr<http::Server> server;
};

std::string Post(http::Client* client, const std::string& op, const std::string& body) {
  auto r = client->Send("POST", "/",
                        {{"X-Amz-Target", "DynamoDB_20120810." + op}, {"Content-Type", "application/x-amz-json-1.0"}},
                        body, "dynamodb");
  if (!r.ok() || r->status != 200) {
    std::fprintf(stderr, "%s failed: %s\n", op.c_str(), r.ok() ? r->body.c_str() : r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r->body);
}

// A station-month-like query: one station, 10 consecutive dates.
std::string QueryBody(int station, int day) {
  return Json{{"TableName", "weather"},
              {"KeyConditionExpression", "station = :s AND #d BETWEEN :a AND :b"},
              {"ExpressionAttributeNames", {{"#d", "date"}}},
              {"ExpressionAttributeValues",
               {{":s", {{"S", Station(station)}}}, {":a", {{"S", Date(day)}}}, {":b", {{"S", Date(day + 9)}}}}}}
      .dump();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  int items = 100000, queries = 5000;
  double seconds = 3;
  bool sync = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--items") && i + 1 < argc) items = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--queries") && i + 1 < argc) queries = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
    if (!std::strcmp(argv[i], "--no-sync")) sync = false;
  }
  const int stations = std::max(1, items / kDays);
  std::printf("machine: %s; load before: %s\n", bench::Machine().c_str(), LoadAvg().c_str());
  bench::BenchDir dir("dynamodb-http");
  Stack stack(dir.path(), sync);
  auto client = stack.NewClient();
  Post(client.get(), "CreateTable",
       Json{{"TableName", "weather"},
            {"KeySchema",
             {{{"AttributeName", "station"}, {"KeyType", "HASH"}}, {{"AttributeName", "date"}, {"KeyType", "RANGE"}}}},
            {"AttributeDefinitions",
             {{{"AttributeName", "station"}, {"AttributeType", "S"}},
              {{"AttributeName", "date"}, {"AttributeType", "S"}}}},
            {"BillingMode", "PAY_PER_REQUEST"}}
           .dump());

  // Load: BatchWriteItem of 25 items over HTTP.
  std::mt19937 rng(7);
  auto start = std::chrono::steady_clock::now();
  Json batch = Json::array();
  int loaded = 0;
  for (int s = 0; s < stations; ++s) {
    for (int d = 0; d < kDays; ++d) {
      batch.push_back({{"PutRequest",
                        {{"Item",
                          {{"station", {{"S", Station(s)}}},
                           {"date", {{"S", Date(d)}}},
                           {"tmax", {{"N", std::to_string(rng() % 400 / 10.0).substr(0, 4)}}},
                           {"tmin", {{"N", std::to_string(static_cast<int>(rng() % 200) - 100)}}},
                           {"prcp", {{"N", std::to_string(rng() % 50)}}},
                           {"name", {{"S", "station " + std::to_string(s)}}}}}}}});
      if (batch.size() == 25) {
        Post(client.get(), "BatchWriteItem", Json{{"RequestItems", {{"weather", batch}}}}.dump());
        loaded += 25;
        batch = Json::array();
      }
    }
  }
  if (!batch.empty()) {
    loaded += static_cast<int>(batch.size());
    Post(client.get(), "BatchWriteItem", Json{{"RequestItems", {{"weather", batch}}}}.dump());
  }
  const double load_s = bench::Seconds(start);
  std::printf("load: %d items with BatchWriteItem (25 per request) over HTTP, %s: %.1f s, %.0f items/s\n", loaded,
              sync ? "fsync per request" : "no sync", load_s, loaded / load_s);

  // The queries, built once.
  std::vector<std::pair<int, int>> picks;
  for (int i = 0; i < queries; ++i)
    picks.push_back({static_cast<int>(rng() % stations), static_cast<int>(rng() % (kDays - 10))});
  std::vector<std::string> bodies;
  for (auto [s, d] : picks) bodies.push_back(QueryBody(s, d));
  // Check one answer.
  if (Json::parse(Post(client.get(), "Query", bodies[0]))["Count"] != 10) {
    std::fprintf(stderr, "a query did not return 10 items\n");
    return 1;
  }

  auto latencies = [&](auto&& one) {
    std::vector<double> us;
    us.reserve(bodies.size());
    for (size_t i = 0; i < bodies.size(); ++i) {
      auto t = std::chrono::steady_clock::now();
      one(i);
      us.push_back(bench::Seconds(t) * 1e6);
    }
    return us;
  };
  std::vector<double> http_us = latencies([&](size_t i) { Post(client.get(), "Query", bodies[i]); });
  std::vector<double> registry_us = latencies([&](size_t i) {
    protocol::RequestContext context;
    context.raw_ok = true;  // as the HTTP front asks: the response as text, however it is built
    protocol::Reply r = stack.dispatcher->Dispatch("DynamoDB_20120810.Query", Json::parse(bodies[i]), context);
    if (!r.ok() || r.Text().empty()) std::exit(1);
  });
  query::TableStore& store = *stack.engine->Writer()->tables;
  const query::TableDescription table = store.Get("weather").value();
  std::vector<double> engine_us = latencies([&](size_t i) {
    query::QueryRequest q;
    q.partition = query::AttributeValue::S(Station(picks[i].first));
    q.condition =
        query::SortKeyCondition{query::SortKeyCondition::Op::kBetween, query::AttributeValue::S(Date(picks[i].second)),
                                query::AttributeValue::S(Date(picks[i].second + 9))};
    auto page = store.Query(table, q);
    if (!page.ok() || page->items.size() != 10) std::exit(1);
  });
  std::printf("Query (1 station, 10 items), %d queries, one client:\n", queries);
  std::printf("  over HTTP (keep-alive):       p50 %6.0f us  p99 %6.0f us  (target p50 < 300 us)\n",
              Percentile(http_us, 0.5), Percentile(http_us, 0.99));
  std::printf("  registry in process (no HTTP): p50 %6.0f us  p99 %6.0f us\n", Percentile(registry_us, 0.5),
              Percentile(registry_us, 0.99));
  std::printf("  TableStore::Query (engine):    p50 %6.0f us  p99 %6.0f us\n", Percentile(engine_us, 0.5),
              Percentile(engine_us, 0.99));

  // Throughput: 4 clients over HTTP for `seconds`, then 4 threads on TableStore::Query.
  auto throughput = [&](auto&& make_worker) {
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { make_worker(t, stop, done); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : threads) th.join();
    return done.load() / seconds;
  };
  const double http_qps = throughput([&](int t, std::atomic<bool>& stop, std::atomic<uint64_t>& done) {
    auto c = stack.NewClient();
    for (size_t i = t; !stop; i = (i + 4) % bodies.size()) {
      Post(c.get(), "Query", bodies[i]);
      done.fetch_add(1, std::memory_order_relaxed);
    }
  });
  const double engine_qps = throughput([&](int t, std::atomic<bool>& stop, std::atomic<uint64_t>& done) {
    for (size_t i = t; !stop; i = (i + 4) % bodies.size()) {
      query::QueryRequest q;
      q.partition = query::AttributeValue::S(Station(picks[i].first));
      q.condition = query::SortKeyCondition{query::SortKeyCondition::Op::kBetween,
                                            query::AttributeValue::S(Date(picks[i].second)),
                                            query::AttributeValue::S(Date(picks[i].second + 9))};
      if (!store.Query(table, q).ok()) std::exit(1);
      done.fetch_add(1, std::memory_order_relaxed);
    }
  });
  std::printf(
      "Query/s, 4 clients, %.0f s each:\n  over HTTP: %8.0f Query/s (target >= 20,000)\n"
      "  TableStore::Query, 4 threads: %8.0f Query/s\n",
      seconds, http_qps, engine_qps);
  std::printf("load after: %s\n", LoadAvg().c_str());
  return 0;
}
