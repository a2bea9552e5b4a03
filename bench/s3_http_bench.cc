// S3 over HTTP: PutObject and GetObject through `serve --http`'s stack (the cpp-httplib server,
// HttpFront, S3Service, the BucketStore: temp file, fsync, rename, fsync of the folder) with one
// keep-alive libcurl client signing SigV4 as the SDKs do, against the same bytes written straight
// to files in the same run (open, write, fsync, close; then read back). Alternating sides, best
// of 3, for 64 KiB and 4 MiB objects.
//
// Usage: s3_http_bench [--objects N]   (N objects of 64 KiB; N/16 of 4 MiB)
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "bench/bench_util.h"
#include "storage/buckets/bucket_store.h"
#include "tools/http/http_client.h"
#include "tools/http/http_server.h"
#include "tools/protocol/dispatcher.h"
#include "tools/s3/s3_service.h"
#include "tools/transport/http_front.h"

using namespace freshet;

namespace {

struct Stack {
  explicit Stack(const std::string& dir) : buckets(dir + "/buckets"), s3(&buckets, std::nullopt) {
    front = std::make_unique<transport::HttpFront>(nullptr, std::nullopt);
    front->AddService(&s3);
    http::ServerOptions options;
    options.port = 0;
    options.max_body_bytes = 64 << 20;
    server =
        std::move(http::Server::Start(options, [this](const http::Request& r) { return front->Handle(r); }).value());
    client = std::move(http::Client::Create("http://127.0.0.1:" + std::to_string(server->port()),
                                            http::AwsCredentials{"bench", "bench", ""}, "us-east-1")
                           .value());
    Send("PUT", "/bench", "");
  }
  http::Response Send(const std::string& method, const std::string& path, const std::string& body) {
    auto r = client->Send(method, path, {}, body, "s3");
    if (!r.ok() || r->status >= 300) {
      std::fprintf(stderr, "%s %s failed: %s\n", method.c_str(), path.c_str(),
                   r.ok() ? r->body.c_str() : r.status().ToString().c_str());
      std::exit(1);
    }
    return std::move(r.value());
  }
  storage::BucketStore buckets;
  s3::S3Service s3;
  std::unique_ptr<transport::HttpFront> front;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;
};

void WriteFileSynced(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) || ::fsync(fd) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  ::close(fd);
}

std::string ReadFile(const std::string& path, size_t size) {
  std::string out(size, '\0');
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::read(fd, out.data(), size) != static_cast<ssize_t>(size)) std::exit(1);
  ::close(fd);
  return out;
}

struct Figures {
  double put_s = 1e9, get_s = 1e9;
};

void Run(Stack& stack, const std::string& raw_dir, const std::vector<std::string>& objects, Figures* http, Figures* raw,
         int round) {
  auto t = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    stack.Send("PUT", "/bench/r" + std::to_string(round) + "/o" + std::to_string(i), objects[i]);
  }
  http->put_s = std::min(http->put_s, bench::Seconds(t));
  t = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    auto r = stack.Send("GET", "/bench/r" + std::to_string(round) + "/o" + std::to_string(i), "");
    if (r.body.size() != objects[i].size()) std::exit(1);
  }
  http->get_s = std::min(http->get_s, bench::Seconds(t));
  t = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    WriteFileSynced(raw_dir + "/r" + std::to_string(round) + "-o" + std::to_string(i), objects[i]);
  }
  raw->put_s = std::min(raw->put_s, bench::Seconds(t));
  t = std::chrono::steady_clock::now();
  for (size_t i = 0; i < objects.size(); ++i) {
    if (ReadFile(raw_dir + "/r" + std::to_string(round) + "-o" + std::to_string(i), objects[i].size()).size() !=
        objects[i].size()) {
      std::exit(1);
    }
  }
  raw->get_s = std::min(raw->get_s, bench::Seconds(t));
}

}  // namespace

int main(int argc, char** argv) {
  int count = 256;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--objects") == 0) count = std::atoi(argv[i + 1]);
  }
  std::printf("s3_http_bench: %s\n", bench::Machine().c_str());
  bench::BenchDir dir("s3");
  std::filesystem::create_directories(dir.path() + "/raw");
  Stack stack(dir.path());
  std::mt19937 rng(1);
  for (size_t size : {size_t{64} << 10, size_t{4} << 20}) {
    const int n = size > (1 << 20) ? std::max(1, count / 16) : count;
    std::vector<std::string> objects(n, std::string(size, '\0'));
    for (auto& o : objects) {
      for (auto& c : o) c = static_cast<char>(rng());
    }
    Figures http, raw;
    for (int round = 0; round < 3; ++round) Run(stack, dir.path() + "/raw", objects, &http, &raw, round + 10 * n);
    const double mb = static_cast<double>(size) * n / 1e6;
    std::printf(
        "%5zu KiB x %4d  PutObject over HTTP %8.1f obj/s %7.1f MB/s | raw write+fsync %8.1f obj/s %7.1f MB/s"
        " | ratio %.2f\n",
        size >> 10, n, n / http.put_s, mb / http.put_s, n / raw.put_s, mb / raw.put_s, raw.put_s / http.put_s);
    std::printf(
        "%5zu KiB x %4d  GetObject over HTTP %8.1f obj/s %7.1f MB/s | raw read        %8.1f obj/s %7.1f MB/s"
        " | ratio %.2f\n",
        size >> 10, n, n / http.get_s, mb / http.get_s, n / raw.get_s, mb / raw.get_s, raw.get_s / http.get_s);
  }
  return 0;
}
