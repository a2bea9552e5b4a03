#include "tools/cli_common.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <map>

#include "tools/transport/http_endpoint.h"
#include "tools/transport/owner_socket.h"

namespace freshet::cli {

std::string Context::DataDir() const {
  if (!data_dir_flag.empty()) return data_dir_flag;
  const char* env = std::getenv("FRESHET_DATA_DIR");
  if (env && *env) return env;
  return "./freshet-data";
}

Result<std::unique_ptr<storage::Db>> Context::OpenWriter() const {
  storage::OpenOptions options;
  options.sync = !no_sync;
  return storage::Db::Open(DataDir(), options);
}

std::string Context::Endpoint() const {
  if (!endpoint_flag.empty()) return endpoint_flag;
  const char* env = std::getenv("FRESHET_ENDPOINT");
  return env ? env : "";
}

Result<api::Api*> Context::Api() {
  if (!api_) {
    if (!Endpoint().empty()) {
      FRESHET_ASSIGN_OR_RETURN(auto http, transport::HttpEndpoint::Create(Endpoint()));
      api_ = std::make_unique<api::Api>(std::move(http));
      return api_.get();
    }
    auto owner = transport::OwnerEndpoint::Connect(DataDir());
    if (owner.ok()) {
      api_ = std::make_unique<api::Api>(std::move(owner.value()));
      has_owner_ = true;
    } else if (owner.status().IsNotFound()) {
      api_ = std::make_unique<api::Api>(
          std::make_unique<transport::LocalEndpoint>(DataDir(), !no_sync, protocol::Settings{}, follow_reads));
    } else {
      return owner.status();
    }
  }
  return api_.get();
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 0;
    case Status::Code::kInvalidArgument: return 2;
    case Status::Code::kNotFound: return 3;
    case Status::Code::kAlreadyExists: return 4;
    case Status::Code::kFailedPrecondition: return 5;
    case Status::Code::kCorruption: return 6;
    case Status::Code::kIOError: return 7;
    case Status::Code::kAborted: return 130;
    case Status::Code::kInternal: return 1;
    case Status::Code::kLimitExceeded: return 2;
  }
  return 1;
}

Status Guard(const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected exception: ") + e.what());
  }
}

namespace {
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }
}  // namespace

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool StopRequested() { return g_stop.load(std::memory_order_relaxed); }

namespace {
std::multimap<int, CommandAdder>& Adders() {
  static std::multimap<int, CommandAdder> adders;
  return adders;
}
}  // namespace

Registrar::Registrar(int order, CommandAdder adder) { Adders().emplace(order, adder); }

void AddAllCommands(CLI::App* app, Context* ctx) {
  for (auto& [order, adder] : Adders()) adder(app, ctx);
}

}  // namespace freshet::cli
