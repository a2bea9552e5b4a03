#include "tools/owner.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "tools/http/http_server.h"
#include "tools/owner_component.h"
#include "tools/protocol/dispatcher.h"
#include "tools/transport/http_front.h"
#include "tools/transport/owner_socket.h"

namespace freshet::cli {

Status CheckNoOwner(Context* ctx) {
  auto owner = transport::OwnerEndpoint::Connect(ctx->DataDir());
  if (owner.ok()) {
    return Status::FailedPrecondition("data directory " + ctx->DataDir() +
                                      " is owned by a running freshet serve or consume --follow; run the pipeline "
                                      "there (freshet serve --pipeline NAME) or stop it first");
  }
  return Status::OK();
}

Status ParseListenAddress(const std::string& text, std::string* address, int* port) {
  std::string host = "127.0.0.1", port_text = text;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find("]:");
    if (close == std::string::npos) return Status::InvalidArgument("--http '" + text + "' is not [ADDR]:PORT");
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  char* end = nullptr;
  long p = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || p < 0 || p > 65535 || host.empty()) {
    return Status::InvalidArgument("--http '" + text + "' is not [ADDR:]PORT with a port from 0 to 65535");
  }
  *address = host;
  *port = static_cast<int>(p);
  return Status::OK();
}

Status RunOwner(Context* ctx, std::vector<stream::PipelineSpec> pipelines, const stream::ConsumerOptions& options,
                const OwnerOptions& owner) {
  std::optional<http::CredentialStore> credentials;
  if (!owner.credentials_file.empty()) {
    FRESHET_ASSIGN_OR_RETURN(credentials, http::LoadCredentialsFile(owner.credentials_file));
  }
  http::ServerOptions http_options;
  if (owner.http) FRESHET_RETURN_IF_ERROR(ParseListenAddress(*owner.http, &http_options.address, &http_options.port));
  InstallStopHandlers();
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenWriter());
  stream::StreamLog log(db.get());
  std::vector<std::unique_ptr<stream::Consumer>> consumers;
  for (auto& spec : pipelines) {
    FRESHET_ASSIGN_OR_RETURN(auto c, stream::Consumer::Open(&log, std::move(spec), options));
    consumers.push_back(std::move(c));
  }
  protocol::Engine engine(&log);
  protocol::Dispatcher dispatcher(&engine, owner.settings);
  FRESHET_ASSIGN_OR_RETURN(auto server, transport::OwnerServer::Start(ctx->DataDir(), &dispatcher));
  transport::HttpFront front(&dispatcher, credentials);
  OwnerEnv env{ctx, db.get(), &log, &engine, &dispatcher, &front, &owner, ""};
  FRESHET_ASSIGN_OR_RETURN(auto components, MakeOwnerComponents(env));
  std::unique_ptr<http::Server> http_server;
  if (owner.http) {
    http_options.worker_threads = 64;  // SDKs keep pools of idle keep-alive connections
    // S3 PutObject bodies (up to 5 GiB) go to their file as they arrive (docs/s3.md, "Limits").
    http_options.stream_body = [&front](const http::Request& head) { return front.StreamsBody(head); };
    FRESHET_ASSIGN_OR_RETURN(
        http_server, http::Server::Start(http_options, [&front](const http::Request& r) { return front.Handle(r); }));
  }
  if (http_server) {
    const std::string host = http_options.address == "0.0.0.0" || http_options.address == "::"
                                 ? std::string("127.0.0.1")
                                 : http_options.address;
    env.http_url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                   std::to_string(http_server->port());
  }
  size_t started = 0;
  Status start_status;
  for (; started < components.size() && start_status.ok(); ++started) start_status = components[started]->Start(env);
  auto stop_components = [&] {
    for (size_t i = started; i-- > 0;) components[i]->Stop();
  };
  if (!start_status.ok()) {
    if (http_server) http_server->Stop();
    server->Stop();
    stop_components();
    return start_status;
  }
  std::cerr << "freshet: serving " << ctx->DataDir() << " (pid " << getpid() << ") on "
            << transport::SocketPath(ctx->DataDir());
  if (http_server) {
    std::cerr << " and http://"
              << (http_options.address.find(':') != std::string::npos ? "[" + http_options.address + "]"
                                                                      : http_options.address)
              << ":" << http_server->port() << (credentials ? " (verifying signatures)" : "");
  }
  for (auto& c : consumers) std::cerr << ", consumer " << c->spec().consumer;
  std::cerr << "; stop with SIGINT or SIGTERM\n";

  std::vector<Status> results(consumers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < consumers.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = consumers[i]->Follow(StopRequested, nullptr); });
  }
  auto last_trim = std::chrono::steady_clock::now();
  Status trim_status;
  while (!StopRequested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - last_trim > std::chrono::minutes(1)) {
      last_trim = std::chrono::steady_clock::now();
      auto streams = log.List();
      for (const auto& d : streams.ok() ? *streams : std::vector<stream::StreamDescription>{}) {
        trim_status = log.TrimExpired(d, stream::NowMs()).status();
        if (!trim_status.ok()) std::cerr << "freshet: retention: " << trim_status.message() << "\n";
      }
    }
    bool all_failed = !consumers.empty();
    for (size_t i = 0; i < threads.size(); ++i) all_failed = all_failed && !results[i].ok();
    if (all_failed) break;
  }
  if (http_server) http_server->Stop();
  server->Stop();  // no new requests; in-flight ones finish and commit
  stop_components();
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < consumers.size(); ++i) {
    const auto& s = consumers[i]->stats();
    std::cerr << "freshet: consumer " << consumers[i]->spec().consumer << ": read " << s.records_read
              << " records, wrote " << s.items_written << " items, rejected " << s.rejected << "\n";
    FRESHET_RETURN_IF_ERROR(results[i]);
  }
  return Status::OK();
}

}  // namespace freshet::cli
