#include "tools/owner.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "tools/protocol/dispatcher.h"
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

Status RunOwner(Context* ctx, std::vector<stream::PipelineSpec> pipelines, const stream::ConsumerOptions& options) {
  InstallStopHandlers();
  FRESHET_ASSIGN_OR_RETURN(auto db, ctx->OpenWriter());
  stream::StreamLog log(db.get());
  std::vector<std::unique_ptr<stream::Consumer>> consumers;
  for (auto& spec : pipelines) {
    FRESHET_ASSIGN_OR_RETURN(auto c, stream::Consumer::Open(&log, std::move(spec), options));
    consumers.push_back(std::move(c));
  }
  protocol::Engine engine(&log);
  protocol::Dispatcher dispatcher(&engine, protocol::Settings{});
  FRESHET_ASSIGN_OR_RETURN(auto server, transport::OwnerServer::Start(ctx->DataDir(), &dispatcher));
  std::cerr << "freshet: serving " << ctx->DataDir() << " (pid " << getpid() << ") on "
            << transport::SocketPath(ctx->DataDir());
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
  server->Stop();  // no new requests; in-flight ones finish and commit
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
