// FunctionRuntime (see function_runtime.h): pools of workers per function, the environment they
// get, the invocation's log lines, and asynchronous invocations.
#include "tools/lambda/function_runtime.h"

#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "storage/db.h"
#include "tools/lambda/bootstrap_sources.h"
#include "tools/lambda/function_log_file.h"
#include "tools/lambda/function_store.h"
#include "tools/lambda/invocation_ids.h"
#include "tools/lambda/worker.h"
#include "tools/lambda/worker_spec.h"
#include "tools/lambda/zip_archive.h"

namespace freshet::lambda {
namespace {

using Json = nlohmann::json;
constexpr size_t kTailBytes = 4096;

struct PooledWorker {
  std::unique_ptr<Worker> worker;
  std::string access_key;
  std::string revision;
};

struct Pool {
  std::string revision;  // the configuration its idle workers run
  std::vector<std::unique_ptr<PooledWorker>> idle;
  int total = 0;  // idle + busy + starting
  int next_number = 0;
  std::shared_ptr<FunctionLogFile> log;
};

// Workers run in their code directory, so every path they are given must be absolute.
RuntimeOptions Absolute(RuntimeOptions options) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(options.data_dir, ec);
  if (!ec) options.data_dir = absolute.lexically_normal().string();
  return options;
}

}  // namespace

class FunctionRuntime::Impl {
 public:
  Impl(storage::Db* db, RuntimeOptions options)
      : options_(Absolute(std::move(options))), store_(db, options_.data_dir) {
    secret_ = NewRequestId() + NewRequestId();
  }

  void SetEndpointUrl(std::string url) {
    std::lock_guard lock(mu_);
    options_.endpoint_url = std::move(url);
  }

  Result<InvokeResult> Invoke(const std::string& function, std::string payload, const InvokeOptions& options);
  Result<std::string> InvokeAsync(const std::string& function, std::string payload, FunctionRuntime* self);
  std::optional<WorkerInfo> WorkerForAccessKey(std::string_view key) const;
  std::optional<std::string> SecretForAccessKey(std::string_view key) const {
    std::lock_guard lock(mu_);
    if (keys_.find(key) == keys_.end()) return std::nullopt;
    return secret_;
  }
  void Retire(const std::string& function);
  void Stop();

 private:
  struct Lease {
    std::unique_ptr<PooledWorker> pooled;
    std::shared_ptr<FunctionLogFile> log;
  };

  Result<Lease> Acquire(const FunctionConfig& config);
  void Release(const std::string& function, std::unique_ptr<PooledWorker> pooled);
  Result<std::unique_ptr<Worker>> StartWorker(const FunctionConfig& config, const std::string& access_key);
  Status WriteBootstraps();

  RuntimeOptions options_;  // endpoint_url guarded by mu_
  FunctionStore store_;
  std::string secret_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // a worker was released, or Stop
  std::map<std::string, Pool> pools_;
  std::map<std::string, std::pair<std::string, Worker*>, std::less<>> keys_;  // access key -> function, worker
  std::vector<Worker*> busy_;
  bool stopped_ = false;
  bool bootstraps_written_ = false;
  std::mutex async_mu_;
  struct AsyncCall {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<AsyncCall> async_;
};

Status FunctionRuntime::Impl::WriteBootstraps() {
  // REQUIRES: mu_ held. The scripts are rewritten once per process, so a new freshet's runtime
  // is the one its workers run.
  if (bootstraps_written_) return Status::OK();
  std::string dir = options_.data_dir + "/functions/.runtime";
  FRESHET_RETURN_IF_ERROR(MakeDirs(dir));
  FRESHET_RETURN_IF_ERROR(WriteFileDurably(dir + "/python_bootstrap.py", PythonBootstrap()));
  FRESHET_RETURN_IF_ERROR(WriteFileDurably(dir + "/node_bootstrap.js", NodeBootstrap()));
  bootstraps_written_ = true;
  return Status::OK();
}

Result<std::unique_ptr<Worker>> FunctionRuntime::Impl::StartWorker(const FunctionConfig& config,
                                                                   const std::string& access_key) {
  WorkerIdentity identity;
  identity.access_key = access_key;
  identity.secret = secret_;
  identity.region = options_.region;
  identity.account_id = options_.account_id;
  {
    std::lock_guard lock(mu_);
    FRESHET_RETURN_IF_ERROR(WriteBootstraps());
    identity.endpoint_url = options_.endpoint_url;
  }
  FRESHET_ASSIGN_OR_RETURN(WorkerSpec spec, BuildWorkerSpec(config, store_.CodeDir(config),
                                                            options_.data_dir + "/functions/.runtime", identity));
  return Worker::Start(std::move(spec));
}
Result<FunctionRuntime::Impl::Lease> FunctionRuntime::Impl::Acquire(const FunctionConfig& config) {
  std::vector<std::unique_ptr<PooledWorker>> discard;  // destroyed after the lock is released
  std::unique_lock lock(mu_);
  Pool& pool = pools_[config.name];
  if (!pool.log) pool.log = std::make_shared<FunctionLogFile>(store_.LogPath(config.name));
  if (pool.revision != config.revision_id) {
    for (auto& w : pool.idle) {
      keys_.erase(w->access_key);
      discard.push_back(std::move(w));
      --pool.total;
    }
    pool.idle.clear();
    pool.revision = config.revision_id;
  }
  for (;;) {
    if (stopped_) return Status::Aborted("function runtime stopped");
    while (!pool.idle.empty()) {
      std::unique_ptr<PooledWorker> w = std::move(pool.idle.back());
      pool.idle.pop_back();
      if (w->worker->alive()) {
        busy_.push_back(w->worker.get());
        return Lease{std::move(w), pool.log};
      }
      keys_.erase(w->access_key);
      discard.push_back(std::move(w));
      --pool.total;
    }
    if (pool.total < std::max(1, options_.max_workers_per_function)) {
      ++pool.total;
      auto pooled = std::make_unique<PooledWorker>();
      pooled->access_key = WorkerAccessKey(secret_, config.name, pool.next_number++);
      keys_[pooled->access_key] = {config.name, nullptr};  // known before the worker's first call
      pooled->revision = config.revision_id;
      std::shared_ptr<FunctionLogFile> log = pool.log;
      lock.unlock();
      auto started = StartWorker(config, pooled->access_key);
      lock.lock();
      Pool& again = pools_[config.name];
      if (!started.ok()) {
        keys_.erase(pooled->access_key);
        --again.total;
        cv_.notify_all();
        return started.status();
      }
      pooled->worker = std::move(started).value();
      if (stopped_) {
        keys_.erase(pooled->access_key);
        --again.total;
        discard.push_back(std::move(pooled));
        return Status::Aborted("function runtime stopped");
      }
      keys_[pooled->access_key] = {config.name, pooled->worker.get()};
      busy_.push_back(pooled->worker.get());
      return Lease{std::move(pooled), log};
    }
    cv_.wait(lock);
  }
}

void FunctionRuntime::Impl::Release(const std::string& function, std::unique_ptr<PooledWorker> pooled) {
  std::unique_ptr<PooledWorker> discard;
  {
    std::lock_guard lock(mu_);
    std::erase(busy_, pooled->worker.get());
    Pool& pool = pools_[function];
    if (!stopped_ && pooled->revision == pool.revision && pooled->worker->alive()) {
      pool.idle.push_back(std::move(pooled));
    } else {
      keys_.erase(pooled->access_key);
      --pool.total;
      discard = std::move(pooled);
    }
  }
  cv_.notify_all();
}

Result<InvokeResult> FunctionRuntime::Impl::Invoke(const std::string& function, std::string payload,
                                                   const InvokeOptions& options) {
  FRESHET_ASSIGN_OR_RETURN(FunctionConfig config, store_.Get(function));
  if (payload.empty()) payload = "{}";
  if (!Json::accept(payload)) {
    return Status::InvalidArgument("Could not parse request body into json: the payload is not valid JSON");
  }
  InvokeResult result;
  result.request_id = options.request_id.empty() ? NewRequestId() : options.request_id;
  result.executed_version = config.version;
  FRESHET_ASSIGN_OR_RETURN(Lease lease, Acquire(config));
  result.worker_access_key = lease.pooled->access_key;
  if (options.before_event) {
    Status s = options.before_event(result.worker_access_key, result.request_id);
    if (!s.ok()) {
      Release(function, std::move(lease.pooled));
      return s;
    }
  }
  std::string text = "START RequestId: " + result.request_id + " Version: " + config.version + "\n";
  lease.log->Write(text);
  std::string tail = options.tail_log ? text : std::string();
  auto sink = [&](std::string_view out) {
    lease.log->Write(out);
    if (options.tail_log) {
      tail.append(out);
      if (tail.size() > 4 * kTailBytes) tail.erase(0, tail.size() - kTailBytes);
    }
  };
  WorkerAnswer answer =
      lease.pooled->worker->Run(result.request_id, payload, static_cast<uint64_t>(config.timeout_seconds) * 1000, sink);
  char report[256];
  std::snprintf(report, sizeof(report),
                "END RequestId: %s\nREPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d "
                "MB\tMax Memory Used: %llu MB\t\n",
                result.request_id.c_str(), result.request_id.c_str(), answer.duration_ms, std::ceil(answer.duration_ms),
                config.memory_mb, static_cast<unsigned long long>(answer.max_memory_mb));
  sink(report);
  Release(function, std::move(lease.pooled));
  result.payload = std::move(answer.payload);
  if (answer.function_error) result.function_error = "Unhandled";
  if (options.tail_log) result.log_tail = tail.size() > kTailBytes ? tail.substr(tail.size() - kTailBytes) : tail;
  return result;
}

Result<std::string> FunctionRuntime::Impl::InvokeAsync(const std::string& function, std::string payload,
                                                       FunctionRuntime* self) {
  FRESHET_RETURN_IF_ERROR(store_.Get(function).status());
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::Aborted("function runtime stopped");
  }
  std::string request_id = NewRequestId();
  std::lock_guard lock(async_mu_);
  for (auto it = async_.begin(); it != async_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = async_.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  async_.push_back({std::thread([self, function, payload = std::move(payload), request_id, done]() mutable {
                      InvokeOptions options;
                      options.request_id = request_id;
                      // The outcome is in the function's log (an Event invocation has no one to answer).
                      (void)self->Invoke(function, std::move(payload), options);
                      done->store(true);
                    }),
                    done});
  return request_id;
}

std::optional<WorkerInfo> FunctionRuntime::Impl::WorkerForAccessKey(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return WorkerInfo{it->second.first, it->second.second ? it->second.second->request_id() : std::string()};
}

void FunctionRuntime::Impl::Retire(const std::string& function) {
  std::vector<std::unique_ptr<PooledWorker>> discard;
  {
    std::lock_guard lock(mu_);
    auto it = pools_.find(function);
    if (it == pools_.end()) return;
    for (auto& w : it->second.idle) {
      keys_.erase(w->access_key);
      discard.push_back(std::move(w));
      --it->second.total;
    }
    it->second.idle.clear();
    it->second.revision = "retired";  // busy workers end when released
    it->second.log.reset();
  }
}

void FunctionRuntime::Impl::Stop() {
  std::vector<std::unique_ptr<PooledWorker>> discard;
  {
    std::unique_lock lock(mu_);
    stopped_ = true;
    for (auto& [name, pool] : pools_) {
      for (auto& w : pool.idle) {
        keys_.erase(w->access_key);
        discard.push_back(std::move(w));
        --pool.total;
      }
      pool.idle.clear();
    }
    for (Worker* w : busy_) w->Terminate();  // their invocations end as the worker dies
    cv_.notify_all();
    cv_.wait(lock, [&] { return busy_.empty(); });
  }
  discard.clear();
  std::lock_guard lock(async_mu_);
  for (auto& call : async_) call.thread.join();
  async_.clear();
}

FunctionRuntime::FunctionRuntime(storage::Db* db, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(options))) {}

FunctionRuntime::~FunctionRuntime() { Stop(); }

void FunctionRuntime::SetEndpointUrl(std::string url) { impl_->SetEndpointUrl(std::move(url)); }

Result<InvokeResult> FunctionRuntime::Invoke(const std::string& function, std::string payload,
                                             const InvokeOptions& options) {
  return impl_->Invoke(function, std::move(payload), options);
}

Result<std::string> FunctionRuntime::InvokeAsync(const std::string& function, std::string payload) {
  return impl_->InvokeAsync(function, std::move(payload), this);
}

std::optional<WorkerInfo> FunctionRuntime::WorkerForAccessKey(std::string_view access_key) const {
  return impl_->WorkerForAccessKey(access_key);
}

std::optional<std::string> FunctionRuntime::SecretForAccessKey(std::string_view access_key) const {
  return impl_->SecretForAccessKey(access_key);
}

void FunctionRuntime::Retire(const std::string& function) { impl_->Retire(function); }

void FunctionRuntime::Stop() { impl_->Stop(); }

}  // namespace freshet::lambda
