// Lambda's function operations (Lambda_20150331): CreateFunction, GetFunction,
// GetFunctionConfiguration, ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration,
// DeleteFunction. Shapes are Lambda's REST JSON bodies (lambda_common.h).
#include <nlohmann/json.hpp>

#include "storage/text.h"
#include "tools/lambda/function_runtime.h"
#include "tools/protocol/lambda_common.h"

namespace freshet::protocol::lambda_ops {
namespace {

AwsError InvalidParameter(std::string message) {
  return AwsError::Client("InvalidParameterValueException", std::move(message));
}

// The zip of Code.ZipFile (CreateFunction) or ZipFile (UpdateFunctionCode), base64 in JSON.
Checked<std::string> ZipOf(const Json& holder) {
  auto it = holder.find("ZipFile");
  if (it == holder.end() || it->is_null()) {
    if (holder.contains("S3Bucket") || holder.contains("ImageUri")) {
      return InvalidParameter(
          "freshet takes function code as a ZipFile only (S3Bucket and ImageUri are not supported)");
    }
    return InvalidParameter("Please provide a source for function code: ZipFile.");
  }
  if (!it->is_string()) return WrongType("ZipFile", "a base64 string");
  std::string zip;
  if (!text::DecodeBase64(it->get_ref<const std::string&>(), &zip)) {
    return InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");
  }
  return zip;
}

// Applies the configuration members present in `request` to `config`.
std::optional<AwsError> ApplyConfiguration(const Json& request, lambda::FunctionConfig* config) {
  auto str = [&](const char* member, std::string* out) -> std::optional<AwsError> {
    auto v = OptionalString(request, member);
    if (!v.ok()) return std::move(v.error());
    if (v.value()) *out = *v.value();
    return std::nullopt;
  };
  if (auto e = str("Runtime", &config->runtime)) return e;
  if (auto e = str("Handler", &config->handler)) return e;
  if (auto e = str("Role", &config->role)) return e;
  if (auto e = str("Description", &config->description)) return e;
  auto timeout = OptionalInteger(request, "Timeout", 1, 900);
  if (!timeout.ok()) return std::move(timeout.error());
  if (timeout.value()) config->timeout_seconds = static_cast<int>(*timeout.value());
  auto memory = OptionalInteger(request, "MemorySize", 128, 10240);
  if (!memory.ok()) return std::move(memory.error());
  if (memory.value()) config->memory_mb = static_cast<int>(*memory.value());
  if (auto env = request.find("Environment"); env != request.end() && !env->is_null()) {
    if (!env->is_object()) return WrongType("Environment", "an object");
    config->environment.clear();
    if (auto vars = env->find("Variables"); vars != env->end() && !vars->is_null()) {
      if (!vars->is_object()) return WrongType("Environment.Variables", "a map of strings");
      for (const auto& [k, v] : vars->items()) {
        if (!v.is_string()) return WrongType("Environment.Variables", "a map of strings");
        config->environment[k] = v.get<std::string>();
      }
    }
  }
  return std::nullopt;
}

Outcome CreateFunction(const Call& call) {
  lambda::FunctionConfig config;
  FRESHET_CHECKED_ASSIGN(config.name, FunctionNameOf(call.request));
  for (const char* member : {"Runtime", "Role"}) {
    if (!call.request.contains(member)) return MissingMember(member);
  }
  if (auto e = ApplyConfiguration(call.request, &config)) return std::move(*e);
  if (auto kind = lambda::RuntimeKindFor(config.runtime);
      kind.ok() && kind.value() != lambda::RuntimeKind::kProvided && config.handler.empty()) {
    return InvalidParameter("The Handler must be set for runtime " + config.runtime);
  }
  auto code = call.request.find("Code");
  if (code == call.request.end() || !code->is_object()) return MissingMember("Code");
  FRESHET_CHECKED_ASSIGN(std::string zip, ZipOf(*code));
  lambda::FunctionStore store = StoreOf(call);
  FRESHET_ASSIGN_OR_RETURN(lambda::FunctionConfig created, store.Create(std::move(config), zip));
  return ConfigurationJson(created, call.context);
}

Outcome GetFunction(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  lambda::FunctionStore store = StoreOf(call);
  FRESHET_ASSIGN_OR_RETURN(lambda::FunctionConfig config, store.Get(name));
  return Json{{"Configuration", ConfigurationJson(config, call.context)},
              {"Code", {{"RepositoryType", "S3"}, {"Location", "file://" + store.CodeDir(config) + ".zip"}}},
              {"Tags", Json::object()}};
}

Outcome GetFunctionConfiguration(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  FRESHET_ASSIGN_OR_RETURN(lambda::FunctionConfig config, StoreOf(call).Get(name));
  return ConfigurationJson(config, call.context);
}

Outcome ListFunctions(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> marker, OptionalString(call.request, "Marker"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> max_items, OptionalInteger(call.request, "MaxItems", 1, 10000));
  FRESHET_ASSIGN_OR_RETURN(std::vector<lambda::FunctionConfig> all, StoreOf(call).List());
  const size_t limit = static_cast<size_t>(max_items.value_or(50));
  Json functions = Json::array();
  Json response = Json::object();
  for (const auto& config : all) {
    if (marker && config.name <= *marker) continue;  // the marker is the last name of the page before
    if (functions.size() == limit) {
      response["NextMarker"] = functions.back()["FunctionName"];
      break;
    }
    functions.push_back(ConfigurationJson(config, call.context));
  }
  response["Functions"] = std::move(functions);
  return response;
}

Outcome UpdateFunctionCode(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  FRESHET_CHECKED_ASSIGN(std::string zip, ZipOf(call.request));
  FRESHET_ASSIGN_OR_RETURN(lambda::FunctionConfig config, StoreOf(call).UpdateCode(name, zip));
  if (call.backend.functions) call.backend.functions->Retire(name);
  return ConfigurationJson(config, call.context);
}

Outcome UpdateFunctionConfiguration(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  std::optional<AwsError> error;
  auto updated = StoreOf(call).UpdateConfiguration(name, [&](lambda::FunctionConfig* config) {
    error = ApplyConfiguration(call.request, config);
    return error ? Status::Aborted("invalid request") : Status::OK();
  });
  if (error) return std::move(*error);
  FRESHET_RETURN_IF_ERROR(updated.status());
  if (call.backend.functions) call.backend.functions->Retire(name);
  return ConfigurationJson(updated.value(), call.context);
}

Outcome DeleteFunction(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  lambda::FunctionStore store = StoreOf(call);
  FRESHET_RETURN_IF_ERROR(store.Get(name).status());
  if (call.backend.functions) call.backend.functions->Retire(name);
  FRESHET_RETURN_IF_ERROR(store.Delete(name));
  return Json::object();
}

}  // namespace

std::string FunctionArn(const std::string& name, const RequestContext& context) {
  return "arn:aws:lambda:" + context.region + ":" + context.account_id + ":function:" + name;
}

Checked<std::string> FunctionNameOf(const Json& request) {
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(request, "FunctionName"));
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] or ACCOUNT:function:NAME
  if (auto at = name.find("function:"); at != std::string::npos) name = name.substr(at + 9);
  if (auto colon = name.find(':'); colon != std::string::npos) {
    std::string qualifier = name.substr(colon + 1);
    name.resize(colon);
    if (qualifier != "$LATEST") {
      return AwsError{
          "ResourceNotFoundException",
          "Function not found: " + name + ":" + qualifier + " (freshet keeps $LATEST only, no versions or aliases)",
          404,
          {}};
    }
  }
  if (name.empty() || name.size() > 64) {
    return ValidationError("FunctionName", name, "Member must have length between 1 and 64");
  }
  return name;
}

Json ConfigurationJson(const lambda::FunctionConfig& c, const RequestContext& context) {
  std::string digest;
  for (size_t i = 0; i + 1 < c.code_sha256.size(); i += 2) {
    digest.push_back(static_cast<char>(std::stoi(c.code_sha256.substr(i, 2), nullptr, 16)));
  }
  auto kind = lambda::RuntimeKindFor(c.runtime);
  return Json{{"FunctionName", c.name},
              {"FunctionArn", FunctionArn(c.name, context)},
              {"Runtime", c.runtime},
              {"Role", c.role},
              {"Handler", c.handler},
              {"CodeSize", c.code_size},
              {"Description", c.description},
              {"Timeout", c.timeout_seconds},
              {"MemorySize", c.memory_mb},
              {"LastModified", c.last_modified},
              {"CodeSha256", text::EncodeBase64(digest)},
              {"Version", c.version},
              {"Environment", {{"Variables", c.environment}}},
              {"TracingConfig", {{"Mode", "PassThrough"}}},
              {"RevisionId", c.revision_id},
              {"State", c.state},
              {"LastUpdateStatus", "Successful"},
              {"PackageType", "Zip"},
              {"Architectures", {"x86_64"}},
              {"EphemeralStorage", {{"Size", 512}}},
              {"FreshetRuntime", kind.ok() ? lambda::LocalInterpreter(kind.value()) : std::string("unknown")}};
}

void RegisterLambdaFunctionOps(Registry* registry) {
  registry->Add({"CreateFunction", Service::kLambda, true, CreateFunction});
  registry->Add({"GetFunction", Service::kLambda, false, GetFunction});
  registry->Add({"GetFunctionConfiguration", Service::kLambda, false, GetFunctionConfiguration});
  registry->Add({"ListFunctions", Service::kLambda, false, ListFunctions});
  registry->Add({"UpdateFunctionCode", Service::kLambda, true, UpdateFunctionCode});
  registry->Add({"UpdateFunctionConfiguration", Service::kLambda, true, UpdateFunctionConfiguration});
  registry->Add({"DeleteFunction", Service::kLambda, true, DeleteFunction});
}

}  // namespace freshet::protocol::lambda_ops
