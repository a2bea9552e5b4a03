// What a function's worker process runs and with which environment (see worker_spec.h).
#include "tools/lambda/worker_spec.h"

#include <unistd.h>

#include <map>

#ifndef FRESHET_NODE_MODULES
#define FRESHET_NODE_MODULES ""
#endif

namespace freshet::lambda {

Result<WorkerSpec> BuildWorkerSpec(const FunctionConfig& config, const std::string& code_dir,
                                   const std::string& runtime_dir, const WorkerIdentity& identity) {
  FRESHET_ASSIGN_OR_RETURN(RuntimeKind kind, RuntimeKindFor(config.runtime));
  const std::string& access_key = identity.access_key;
  WorkerSpec spec;
  spec.cwd = code_dir;
  spec.function_arn = "arn:aws:lambda:" + identity.region + ":" + identity.account_id + ":function:" + config.name;
  switch (kind) {
    case RuntimeKind::kPython: spec.argv = {"/usr/bin/python3", "-u", runtime_dir + "/python_bootstrap.py"}; break;
    case RuntimeKind::kNode: spec.argv = {"/usr/bin/node", runtime_dir + "/node_bootstrap.js"}; break;
    case RuntimeKind::kProvided: spec.argv = {spec.cwd + "/bootstrap"}; break;
  }
  if (::access(spec.argv[0].c_str(), X_OK) != 0) {
    return Status::FailedPrecondition("function " + config.name + ": cannot run " + spec.argv[0] +
                                      (kind == RuntimeKind::kProvided ? " (the code has no executable bootstrap)"
                                                                      : " (the interpreter is not installed)"));
  }
  // Lambda's environment, then the function's own variables (which cannot replace Lambda's).
  std::map<std::string, std::string> env = config.environment;
  auto set = [&](const std::string& k, const std::string& v) { env[k] = v; };
  set("AWS_LAMBDA_FUNCTION_NAME", config.name);
  set("AWS_LAMBDA_FUNCTION_VERSION", config.version);
  set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(config.memory_mb));
  set("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.name);
  set("AWS_LAMBDA_LOG_STREAM_NAME", "freshet/" + access_key);
  set("AWS_REGION", identity.region);
  set("AWS_DEFAULT_REGION", identity.region);
  set("AWS_EXECUTION_ENV", "AWS_Lambda_" + config.runtime);
  set("LAMBDA_TASK_ROOT", spec.cwd);
  set("LAMBDA_RUNTIME_DIR", runtime_dir);
  set("_HANDLER", config.handler);
  set("AWS_ACCESS_KEY_ID", access_key);
  set("AWS_SECRET_ACCESS_KEY", identity.secret);
  set("AWS_SESSION_TOKEN", "freshet-worker-" + access_key);
  if (!identity.endpoint_url.empty()) set("AWS_ENDPOINT_URL", identity.endpoint_url);
  set("PATH", "/usr/local/bin:/usr/bin:/bin");
  set("LANG", "C.UTF-8");
  set("TZ", ":UTC");
  if (kind == RuntimeKind::kNode && std::string_view(FRESHET_NODE_MODULES).size() > 0) {
    set("NODE_PATH", FRESHET_NODE_MODULES);
  }
  for (const auto& [k, v] : env) spec.environment.push_back(k + "=" + v);
  return spec;
}

}  // namespace freshet::lambda
