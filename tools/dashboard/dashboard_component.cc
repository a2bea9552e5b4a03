// The dashboard's OwnerComponent (see dashboard_component.h).
#include "tools/dashboard/dashboard_component.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "tools/dashboard/dashboard_service.h"

namespace freshet::dashboard {
namespace {

constexpr auto kSampleEvery = std::chrono::seconds(5);

class DashboardComponent : public cli::OwnerComponent {
 public:
  explicit DashboardComponent(const cli::OwnerEnv& env) : service_(env.dispatcher, env.db) {
    env.front->AddService(&service_);
  }
  ~DashboardComponent() override { Stop(); }

  std::string_view name() const override { return "dashboard"; }

  Status Start(const cli::OwnerEnv& env) override {
    if (env.http_url.empty()) return Status::OK();  // no --http: nothing serves the page
    sampler_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stopping_) {
        lock.unlock();
        (void)service_.ops()->Sample();  // a failed sample only leaves the rate unknown
        lock.lock();
        cv_.wait_for(lock, kSampleEvery, [this] { return stopping_; });
      }
    });
    return Status::OK();
  }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (sampler_.joinable()) sampler_.join();
  }

 private:
  DashboardService service_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread sampler_;
};

}  // namespace

std::unique_ptr<cli::OwnerComponent> MakeDashboardComponent(const cli::OwnerEnv& env) {
  return std::make_unique<DashboardComponent>(env);
}

}  // namespace freshet::dashboard
