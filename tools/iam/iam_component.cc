// The IAM/STS owner component (iam_component.h).
#include "tools/iam/iam_component.h"

#include "tools/iam/query_service.h"

namespace freshet::iam {
namespace {

class IamComponent final : public cli::OwnerComponent {
 public:
  explicit IamComponent(const cli::OwnerEnv& env) : service_(env.dispatcher) { env.front->AddService(&service_); }
  std::string_view name() const override { return "iam"; }
  // Requests are served by the HTTP server's threads: nothing runs of its own.
  Status Start(const cli::OwnerEnv&) override { return Status::OK(); }
  void Stop() override {}

 private:
  QueryService service_;
};

}  // namespace

std::unique_ptr<cli::OwnerComponent> MakeIamComponent(const cli::OwnerEnv& env) {
  return std::make_unique<IamComponent>(env);
}

}  // namespace freshet::iam
