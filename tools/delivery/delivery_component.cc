// The owner component that runs delivery streams (delivery_component.h).
#include "tools/delivery/delivery_component.h"

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>

#include "storage/buckets/bucket_store.h"
#include "stream/delivery/delivery_runner.h"
#include "tools/delivery/function_processor.h"
#include "tools/delivery/remote_object_sink.h"
#include "tools/owner.h"

namespace freshet::delivery {
namespace {

constexpr int kPollMs = 200;

class DeliveryComponent : public cli::OwnerComponent {
 public:
  explicit DeliveryComponent(const cli::OwnerEnv& env)
      : log_(env.log),
        buckets_(env.db->dir() + "/buckets"),
        runner_(
            env.log, &buckets_, [](const std::string& m) { std::cerr << "freshet: " << m << "\n"; }, RemoteSinks()) {}
  ~DeliveryComponent() override { Stop(); }

  std::string_view name() const override { return "delivery"; }

  Status Start(const cli::OwnerEnv& env) override {
    // Processing Lambdas run on the owner's function runtime; with `serve --no-functions` there is
    // none, and deliveries that need one wait with an error.
    if (!env.options || env.options->functions) {
      FRESHET_ASSIGN_OR_RETURN(protocol::Backend backend, env.engine->Writer());
      if (backend.functions) {
        processor_ = std::make_unique<FunctionProcessor>(backend.functions);
        runner_.SetProcessor(processor_.get());
      }
    }
    stream::delivery::DeliveryRunner::SetActive(&runner_);
    thread_ = std::thread([this] { Run(); });
    return Status::OK();
  }

  void Stop() override {
    stop_.store(true);
    log_->NotifyPut();  // wakes the thread's wait
    if (thread_.joinable()) thread_.join();
    if (stream::delivery::DeliveryRunner::Active() == &runner_) stream::delivery::DeliveryRunner::SetActive(nullptr);
  }

 private:
  void Run() {
    uint64_t seen = log_->put_version();
    while (!stop_.load()) {
      uint64_t now = stream::NowMs();
      auto polled = runner_.PollAll(now);
      if (!polled.ok()) std::cerr << "freshet: delivery streams: " << polled.status().ToString() << "\n";
      if (stop_.load()) break;
      int wait = kPollMs;
      uint64_t deadline = runner_.next_deadline_ms();
      now = stream::NowMs();
      if (deadline != 0) wait = deadline <= now ? 1 : static_cast<int>(std::min<uint64_t>(deadline - now, kPollMs));
      seen = log_->WaitForPut(seen, wait);
    }
  }

  stream::StreamLog* const log_;
  storage::BucketStore buckets_;
  std::unique_ptr<FunctionProcessor> processor_;  // declared before runner_: outlives it
  stream::delivery::DeliveryRunner runner_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<cli::OwnerComponent>> MakeDeliveryComponent(const cli::OwnerEnv& env) {
  return std::unique_ptr<cli::OwnerComponent>(std::make_unique<DeliveryComponent>(env));
}

}  // namespace freshet::delivery
