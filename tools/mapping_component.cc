// The event-source mappings' OwnerComponent: runs every enabled mapping (stream/functions/) inside
// `freshet serve`, invoking functions through the owner's FunctionRuntime.
//
// A supervisor thread reads the stored mappings twice a second and keeps one MappingRunner thread
// per enabled mapping, restarting a runner when its mapping changed (UpdateEventSourceMapping) and
// stopping it when the mapping is disabled or deleted. A runner stops between invocations, so
// Stop waits for invocations in flight to finish and commit (or fail and be discarded).
//
// Thread-safety: Start and Stop on the owner's main thread; the rest is internal.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "stream/functions/mapping.h"
#include "stream/functions/mapping_runner.h"
#include "stream/functions/mapping_status.h"
#include "tools/cli_common.h"
#include "tools/lambda/function_runtime.h"
#include "tools/owner.h"
#include "tools/owner_component.h"
#include "tools/protocol/kinesis_codec.h"

namespace freshet::cli {
namespace {

// stream::Invoker over the lambda runtime.
class RuntimeInvoker : public stream::Invoker {
 public:
  explicit RuntimeInvoker(lambda::FunctionRuntime* runtime) : runtime_(runtime) {}
  Result<stream::InvocationResult> Invoke(const std::string& function, std::string payload,
                                          const std::function<void(const std::string&)>& before_event) override {
    lambda::InvokeOptions options;
    if (before_event) {
      options.before_event = [&](const std::string& key, const std::string&) {
        before_event(key);
        return Status::OK();
      };
    }
    FRESHET_ASSIGN_OR_RETURN(lambda::InvokeResult r, runtime_->Invoke(function, std::move(payload), options));
    return stream::InvocationResult{std::move(r.payload), std::move(r.function_error), std::move(r.request_id)};
  }

 private:
  lambda::FunctionRuntime* runtime_;
};

stream::EventNames Names() {
  stream::EventNames names;
  names.sequence_text = [](uint32_t shard, uint64_t seq) { return protocol::kinesis::SequenceNumberText(shard, seq); };
  names.parse_sequence = [](uint32_t shard, const std::string& text) -> std::optional<uint64_t> {
    auto parsed = protocol::kinesis::ParseSequenceNumber(text);
    if (!parsed || parsed->shard != shard) return std::nullopt;
    return parsed->sequence;
  };
  return names;
}

class MappingComponent : public OwnerComponent {
 public:
  std::string_view name() const override { return "event-source mappings"; }

  Status Start(const OwnerEnv& env) override {
    if (env.options && !env.options->functions) return Status::OK();  // serve --no-functions
    FRESHET_ASSIGN_OR_RETURN(protocol::Backend backend, env.engine->Writer());
    if (!backend.functions) return Status::OK();
    log_ = env.log;
    invoker_ = std::make_unique<RuntimeInvoker>(backend.functions);
    supervisor_ = std::thread([this] { Supervise(); });
    return Status::OK();
  }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (supervisor_.joinable()) supervisor_.join();
    for (auto& [uuid, r] : running_) StopRunner(r.get());
    running_.clear();
  }

 private:
  struct Running {
    std::string json;  // the stored mapping it runs
    std::atomic<bool> stop{false};
    std::thread thread;
  };

  static void StopRunner(Running* r) {
    r->stop = true;
    if (r->thread.joinable()) r->thread.join();
  }

  void Supervise() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      Reconcile();
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; });
    }
  }

  void Reconcile() {
    auto mappings = stream::ListMappings(*log_->db());
    if (!mappings.ok()) {
      std::fprintf(stderr, "freshet: event source mappings: %s\n", mappings.status().ToString().c_str());
      return;
    }
    std::map<std::string, const stream::EventSourceMapping*> wanted;
    for (const auto& m : *mappings) {
      if (m.enabled) wanted[m.uuid] = &m;
    }
    for (auto it = running_.begin(); it != running_.end();) {
      auto w = wanted.find(it->first);
      if (w == wanted.end() || w->second->ToJson() != it->second->json) {
        StopRunner(it->second.get());
        stream::MappingStatus::Global().Forget(it->first);
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [uuid, m] : wanted) {
      if (running_.count(uuid)) continue;
      auto r = std::make_unique<Running>();
      r->json = m->ToJson();
      Running* raw = r.get();
      stream::EventSourceMapping mapping = *m;
      r->thread = std::thread([this, raw, mapping] {
        stream::MappingRunnerOptions options;
        options.names = Names();
        options.notice = [](const std::string& line) { std::fprintf(stderr, "freshet: %s\n", line.c_str()); };
        options.parallel_shards = 4;  // the function runtime keeps up to 4 warm workers per function
        stream::MappingRunner runner(log_, invoker_.get(), mapping, options);
        runner.Run([raw] { return raw->stop.load(); });
      });
      running_[uuid] = std::move(r);
    }
  }

  stream::StreamLog* log_ = nullptr;
  std::unique_ptr<RuntimeInvoker> invoker_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread supervisor_;
  std::map<std::string, std::unique_ptr<Running>> running_;  // supervisor thread (and Stop after it)
};

}  // namespace

std::unique_ptr<OwnerComponent> MakeMappingComponent() { return std::make_unique<MappingComponent>(); }

}  // namespace freshet::cli
