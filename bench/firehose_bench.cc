// Delivery streams: (1) PutRecordBatch through `serve --http`'s stack (cpp-httplib, HttpFront, the
// registry; one keep-alive libcurl client), 500 records of 200 bytes per call, beside PutRecords of
// the same records to a 4-shard Kinesis stream in the same run (alternating, best of 3), both
// synced; (2) bytes/s delivered into GZIP objects (a DirectPut buffer filled beforehand, then
// flushed by the deliverer: read, gzip, object written durably, cursor committed) beside a raw
// baseline that gzips the same bytes in the same object-sized pieces into files with write + fsync.
//
// Usage: firehose_bench [--batches N] [--deliver-mb N]
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "bench/bench_util.h"
#include "storage/buckets/bucket_store.h"
#include "storage/text.h"
#include "stream/delivery/compression.h"
#include "stream/delivery/deliverer.h"
#include "stream/delivery/delivery_store.h"
#include "tools/http/http_client.h"
#include "tools/http/http_server.h"
#include "tools/transport/http_front.h"

using namespace freshet;
using protocol::Json;

namespace {

constexpr size_t kRecordBytes = 200;
constexpr size_t kBatch = 500;
constexpr uint32_t kObjectMb = 5;

// Records shaped like observations (JSON text, 200 bytes), so gzip sees realistic data.
std::vector<std::string> MakeRecords(size_t n) {
  std::mt19937 rng(1);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string r = "{\"station\":\"USC00" + std::to_string(180000 + rng() % 5000) + "\",\"date\":\"2017-0" +
                    std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10) +
                    "\",\"prcp_mm\":" + std::to_string(rng() % 500 / 10.0) +
                    ",\"tmax_c\":" + std::to_string(rng() % 40) + ",\"note\":\"";
    while (r.size() < kRecordBytes - 3) r.push_back(static_cast<char>('a' + rng() % 26));
    r += "\"}\n";
    out.push_back(std::move(r));
  }
  return out;
}

struct Stack {
  explicit Stack(const std::string& dir) {
    db = std::move(storage::Db::Open(dir, {}).value());
    log = std::make_unique<stream::StreamLog>(db.get());
    engine = std::make_unique<protocol::Engine>(log.get());
    dispatcher = std::make_unique<protocol::Dispatcher>(engine.get(), protocol::Settings{});
    front = std::make_unique<transport::HttpFront>(dispatcher.get(), std::nullopt);
    http::ServerOptions options;
    options.port = 0;
    server =
        std::move(http::Server::Start(options, [this](const http::Request& r) { return front->Handle(r); }).value());
    client = std::move(http::Client::Create("http://127.0.0.1:" + std::to_string(server->port()),
                                            http::AwsCredentials{"bench", "bench", ""}, "us-east-1")
                           .value());
  }
  void Post(const std::string& target, const std::string& body, const char* service) {
    auto r = client->Send("POST", "/", {{"X-Amz-Target", target}, {"Content-Type", "application/x-amz-json-1.1"}}, body,
                          service);
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "%s failed: %s\n", target.c_str(), r.ok() ? r->body.c_str() : r.status().ToString().c_str());
      std::exit(1);
    }
  }
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<protocol::Engine> engine;
  std::unique_ptr<protocol::Dispatcher> dispatcher;
  std::unique_ptr<transport::HttpFront> front;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;
};

// Records per second through HTTP: PutRecordBatch to a DirectPut delivery, or PutRecords to a stream.
double PutHttp(const std::vector<std::string>& records, int batches, bool firehose) {
  bench::BenchDir dir(firehose ? "firehose-put" : "kinesis-put");
  Stack stack(dir.path());
  std::vector<std::string> bodies;
  std::mt19937 rng(2);
  for (int b = 0; b < batches; ++b) {
    Json list = Json::array();
    for (size_t i = 0; i < kBatch; ++i) {
      const std::string& data = records[(b * kBatch + i) % records.size()];
      if (firehose) {
        list.push_back({{"Data", text::EncodeBase64(data)}});
      } else {
        list.push_back(
            {{"PartitionKey", "station-" + std::to_string(rng() % 5000)}, {"Data", text::EncodeBase64(data)}});
      }
    }
    bodies.push_back(firehose ? Json{{"DeliveryStreamName", "bench"}, {"Records", list}}.dump()
                              : Json{{"StreamName", "bench"}, {"Records", list}}.dump());
  }
  if (firehose) {
    stack.dispatcher->Dispatch(
        "Firehose_20150804.CreateDeliveryStream",
        {{"DeliveryStreamName", "bench"},
         {"S3DestinationConfiguration",
          {{"RoleARN", "arn:aws:iam::000000000000:role/r"}, {"BucketARN", "arn:aws:s3:::bench"}}}},
        {});
  } else {
    stack.dispatcher->Dispatch("Kinesis_20131202.CreateStream", {{"StreamName", "bench"}, {"ShardCount", 4}}, {});
  }
  const std::string target = firehose ? "Firehose_20150804.PutRecordBatch" : "Kinesis_20131202.PutRecords";
  auto start = std::chrono::steady_clock::now();
  for (const auto& body : bodies) stack.Post(target, body, firehose ? "firehose" : "kinesis");
  return batches * kBatch / bench::Seconds(start);
}

// Bytes of record data per second delivered into GZIP objects of kObjectMb.
double Deliver(const std::vector<std::string>& records, size_t total_bytes, size_t* objects) {
  bench::BenchDir dir("firehose-deliver");
  auto db = std::move(storage::Db::Open(dir.path() + "/db", {}).value());
  stream::StreamLog log(db.get());
  storage::BucketStore buckets(dir.path() + "/buckets");
  if (!buckets.CreateBucket("bench").ok()) std::exit(1);
  stream::delivery::DeliveryStore store(&log);
  stream::delivery::DeliverySpec spec;
  spec.name = "bench";
  spec.destination.bucket_arn = "arn:aws:s3:::bench";
  spec.destination.bucket = "bench";
  spec.destination.size_mb = kObjectMb;
  spec.destination.interval_seconds = 900;
  spec.destination.compression = stream::delivery::Compression::kGzip;
  spec = store.Create(spec).value();
  size_t put = 0;
  std::vector<std::string> batch;
  for (size_t i = 0; put < total_bytes; ++i) {
    batch.push_back(records[i % records.size()]);
    put += batch.back().size();
    if (batch.size() == kBatch || put >= total_bytes) {
      if (!store.Put(spec, batch).ok()) std::exit(1);
      batch.clear();
    }
  }
  stream::delivery::Deliverer deliverer(&log, &buckets, spec);
  auto start = std::chrono::steady_clock::now();
  auto written = deliverer.Poll(stream::NowMs(), true);
  double s = bench::Seconds(start);
  if (!written.ok()) {
    std::fprintf(stderr, "delivery failed: %s\n", written.status().ToString().c_str());
    std::exit(1);
  }
  *objects = *written;
  return deliverer.stats().bytes / s;
}

// The raw baseline: the same bytes, in the same object-sized pieces, gzipped (same zlib level) and
// written to files with write + fsync.
double Raw(const std::vector<std::string>& records, size_t total_bytes) {
  bench::BenchDir dir("firehose-raw");
  auto start = std::chrono::steady_clock::now();
  size_t done = 0, i = 0;
  int n = 0;
  while (done < total_bytes) {
    std::string piece;
    while (done < total_bytes && piece.size() + records[i % records.size()].size() <= (size_t{kObjectMb} << 20)) {
      piece += records[i++ % records.size()];
      done += kRecordBytes;
    }
    auto gz = stream::delivery::Compress(stream::delivery::Compression::kGzip, piece, "x", 0);
    std::string path = dir.path() + "/" + std::to_string(n++) + ".gz";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, gz->data(), gz->size()) != static_cast<ssize_t>(gz->size()) || ::fsync(fd) != 0) {
      std::exit(1);
    }
    ::close(fd);
  }
  return done / bench::Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  int batches = 200;
  size_t deliver_mb = 64;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--batches") && i + 1 < argc) batches = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--deliver-mb") && i + 1 < argc) deliver_mb = std::strtoul(argv[++i], nullptr, 10);
  }
  auto records = MakeRecords(100000);
  std::printf("machine: %s\n", bench::Machine().c_str());
  std::printf("puts over HTTP: %d calls of %zu records of %zu bytes, fsync per call\n", batches, kBatch, kRecordBytes);
  double best_fh = 0, best_k = 0;
  for (int round = 0; round < 3; ++round) {
    double f, k;
    if (round % 2 == 0) {
      f = PutHttp(records, batches, true);
      k = PutHttp(records, batches, false);
    } else {
      k = PutHttp(records, batches, false);
      f = PutHttp(records, batches, true);
    }
    std::printf("  round %d: PutRecordBatch %.0f rec/s, PutRecords %.0f rec/s\n", round + 1, f, k);
    best_fh = std::max(best_fh, f);
    best_k = std::max(best_k, k);
  }
  std::printf(
      "PutRecordBatch (Firehose, DirectPut): %.0f rec/s\nPutRecords (Kinesis, 4 shards):       %.0f rec/s\n"
      "ratio %.2f (target >= 1)\n",
      best_fh, best_k, best_fh / best_k);
  const size_t total = deliver_mb << 20;
  std::printf("delivery: %zu MiB of records into GZIP objects of %u MiB\n", deliver_mb, kObjectMb);
  double best_d = 0, best_raw = 0;
  size_t objects = 0;
  for (int round = 0; round < 3; ++round) {
    double d = Deliver(records, total, &objects), r = Raw(records, total);
    std::printf("  round %d: delivered %.1f MB/s (%zu objects), raw gzip+write+fsync %.1f MB/s\n", round + 1, d / 1e6,
                objects, r / 1e6);
    best_d = std::max(best_d, d);
    best_raw = std::max(best_raw, r);
  }
  std::printf(
      "delivered into GZIP objects: %.1f MB/s\nraw gzip + write + fsync:    %.1f MB/s\nratio %.2f (target >= 0.5)\n",
      best_d / 1e6, best_raw / 1e6, best_d / best_raw);
  return 0;
}
