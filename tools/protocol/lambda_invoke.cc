// Lambda's Invoke (Lambda_20150331.Invoke) and freshet's function routes
// (Freshet_20261129.CreateFunctionRoute / ListFunctionRoutes / DeleteFunctionRoute).
//
// Invoke's request is {FunctionName, InvocationType?, LogType?, Payload?: the event as JSON text};
// its response {StatusCode, FunctionError?, LogResult? (base64), ExecutedVersion, Payload: the
// function's answer as text}. The HTTP service sends Payload as the raw body, as Lambda does.
#include <nlohmann/json.hpp>

#include "storage/text.h"
#include "tools/lambda/function_routes.h"
#include "tools/lambda/function_runtime.h"
#include "tools/protocol/lambda_common.h"

namespace freshet::protocol::lambda_ops {
namespace {

Outcome Invoke(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> type, OptionalString(call.request, "InvocationType"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> log_type, OptionalString(call.request, "LogType"));
  std::string payload;
  if (auto it = call.request.find("Payload"); it != call.request.end() && !it->is_null()) {
    payload = it->is_string() ? it->get<std::string>() : it->dump();  // an event given as JSON itself
  }
  const std::string invocation = type.value_or("RequestResponse");
  if (invocation != "RequestResponse" && invocation != "Event" && invocation != "DryRun") {
    return ValidationError("InvocationType", invocation,
                           "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  }
  if (log_type && *log_type != "None" && *log_type != "Tail") {
    return ValidationError("LogType", *log_type, "Member must satisfy enum value set: [None, Tail]");
  }
  if (!call.backend.functions) return AwsError{"ServiceException", "functions cannot run in this process", 500, {}};
  if (invocation == "DryRun") {
    FRESHET_RETURN_IF_ERROR(StoreOf(call).Get(name).status());
    return Json{{"StatusCode", 204}, {"Payload", ""}};
  }
  if (!payload.empty() && !Json::accept(payload)) {
    return AwsError::Client("InvalidRequestContentException",
                            "Could not parse request body into json: the payload is not valid JSON");
  }
  if (invocation == "Event") {
    FRESHET_ASSIGN_OR_RETURN(std::string request_id, call.backend.functions->InvokeAsync(name, std::move(payload)));
    return Json{{"StatusCode", 202}, {"Payload", ""}, {"RequestId", request_id}};
  }
  lambda::InvokeOptions options;
  options.tail_log = log_type == "Tail";
  FRESHET_ASSIGN_OR_RETURN(lambda::InvokeResult result,
                           call.backend.functions->Invoke(name, std::move(payload), options));
  Json response = {{"StatusCode", 200},
                   {"ExecutedVersion", result.executed_version},
                   {"Payload", std::move(result.payload)},
                   {"RequestId", result.request_id}};
  if (!result.function_error.empty()) response["FunctionError"] = result.function_error;
  if (options.tail_log) response["LogResult"] = text::EncodeBase64(result.log_tail);
  return response;
}

Outcome CreateFunctionRoute(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, FunctionNameOf(call.request));
  FRESHET_CHECKED_ASSIGN(std::string method, RequiredString(call.request, "Method"));
  FRESHET_CHECKED_ASSIGN(std::string path, RequiredString(call.request, "Path"));
  FRESHET_RETURN_IF_ERROR(StoreOf(call).Get(name).status());
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  lambda::Route route{method, path, name};
  FRESHET_RETURN_IF_ERROR(lambda::PutRoute(call.backend.db, route));
  return Json{{"Method", method}, {"Path", path}, {"FunctionName", name}};
}

Outcome ListFunctionRoutes(const Call& call) {
  FRESHET_ASSIGN_OR_RETURN(std::vector<lambda::Route> routes, lambda::ListRoutes(*call.backend.db));
  Json out = Json::array();
  for (const auto& r : routes) out.push_back({{"Method", r.method}, {"Path", r.path}, {"FunctionName", r.function}});
  return Json{{"Routes", std::move(out)}};
}

Outcome DeleteFunctionRoute(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string method, RequiredString(call.request, "Method"));
  FRESHET_CHECKED_ASSIGN(std::string path, RequiredString(call.request, "Path"));
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  FRESHET_RETURN_IF_ERROR(lambda::DeleteRoute(call.backend.db, method, path));
  return Json::object();
}

}  // namespace

void RegisterLambdaInvokeOps(Registry* registry) {
  registry->Add({"Invoke", Service::kLambda, false, Invoke});
  registry->Add({"CreateFunctionRoute", Service::kFreshet, true, CreateFunctionRoute});
  registry->Add({"ListFunctionRoutes", Service::kFreshet, false, ListFunctionRoutes});
  registry->Add({"DeleteFunctionRoute", Service::kFreshet, true, DeleteFunctionRoute});
}

}  // namespace freshet::protocol::lambda_ops
