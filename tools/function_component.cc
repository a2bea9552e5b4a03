// The owner's function component: the FunctionRuntime that runs users' Lambda handlers inside
// `freshet serve`, the Lambda REST API and the function routes on the HTTP port.
//
// Security: with functions enabled (the default), serve refuses a non-loopback --http address
// unless signatures are verified (--credentials), since anyone reaching the port could otherwise
// run code as this user (docs/functions.md, "Security").
//
// Thread-safety: made, started and stopped on the owner's main thread (owner_component.h).
#include <memory>

#include "tools/lambda/function_runtime.h"
#include "tools/lambda/invocation_ids.h"
#include "tools/owner.h"
#include "tools/owner_component.h"
#include "tools/transport/function_route_service.h"
#include "tools/transport/lambda_service.h"

namespace freshet::cli {
namespace {

bool Loopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost" || address.rfind("127.", 0) == 0;
}

class FunctionComponent : public OwnerComponent {
 public:
  explicit FunctionComponent(const OwnerEnv& env) {
    lambda::RuntimeOptions options;
    options.data_dir = env.db->dir();
    runtime_ = std::make_unique<lambda::FunctionRuntime>(env.db, options);
    env.engine->SetFunctions(runtime_.get());
    routes_ = std::make_unique<transport::FunctionRouteService>(env.db, runtime_.get());
    api_ = std::make_unique<transport::LambdaService>(env.dispatcher);
    // Routes first: an unsigned request matching a route is the route's, whatever else claims it.
    env.front->AddService(routes_.get());
    env.front->AddService(api_.get());
    lambda::FunctionRuntime* runtime = runtime_.get();
    env.front->SetExtraSecrets([runtime](std::string_view key) { return runtime->SecretForAccessKey(key); });
    env.front->SetForeignWorkerKeyCheck([runtime](std::string_view key) {
      return lambda::IsWorkerAccessKey(key) && !runtime->SecretForAccessKey(key).has_value();
    });
  }
  std::string_view name() const override { return "functions"; }
  Status Start(const OwnerEnv& env) override {
    runtime_->SetEndpointUrl(env.http_url);
    return Status::OK();
  }
  void Stop() override { runtime_->Stop(); }

 private:
  std::unique_ptr<lambda::FunctionRuntime> runtime_;
  std::unique_ptr<transport::FunctionRouteService> routes_;
  std::unique_ptr<transport::LambdaService> api_;
};

}  // namespace

Result<std::unique_ptr<OwnerComponent>> MakeFunctionComponent(const OwnerEnv& env) {
  if (!env.options || !env.options->functions) return std::unique_ptr<OwnerComponent>();
  if (env.options->http && env.options->credentials_file.empty()) {
    std::string address;
    int port = 0;
    FRESHET_RETURN_IF_ERROR(ParseListenAddress(*env.options->http, &address, &port));
    if (!Loopback(address)) {
      return Status::FailedPrecondition(
          "refusing to serve functions on " + address +
          " without --credentials: anyone reaching that address could run code as you. Add --credentials FILE "
          "(signatures verified), listen on 127.0.0.1, or pass --no-functions");
    }
  }
  return std::unique_ptr<OwnerComponent>(std::make_unique<FunctionComponent>(env));
}

}  // namespace freshet::cli
