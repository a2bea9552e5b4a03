// `freshet function create|list|describe|delete|invoke|logs|route|routes|unroute`: Lambda functions
// through Lambda's own operations (Lambda_20150331.CreateFunction, Invoke, ...) and freshet's
// route operations, over whatever endpoint the CLI uses (in process, the owner socket, HTTP).
// `create` zips a --code directory with libzip (or sends a .zip as it is); `logs` reads the
// function's log file in the data directory (CloudWatch's START / END / REPORT lines).
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "storage/text.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/lambda/zip_archive.h"

namespace freshet::cli {
namespace {

std::string Lambda(std::string_view op) { return protocol::Target(protocol::Service::kLambda, op); }

struct FunctionArgs {
  std::string name, runtime = "python", handler, code, role = "arn:aws:iam::000000000000:role/freshet", description,
                    payload, method = "GET", path;
  int timeout = 3, memory = 128;
  std::vector<std::string> env;
  bool follow = false, tail = false;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "python" and "node" name the current Lambda runtimes; anything else is passed as it is.
std::string RuntimeName(const std::string& r) {
  if (r == "python" || r == "python3") return "python3.12";
  if (r == "node" || r == "nodejs") return "nodejs20.x";
  return r;
}

Result<std::string> CodeZip(const std::string& code) {
  std::error_code ec;
  if (std::filesystem::is_directory(code, ec)) return lambda::ZipDirectory(code);
  return ReadFile(code);
}

Result<api::Json> EnvironmentOf(const std::vector<std::string>& pairs) {
  api::Json vars = api::Json::object();
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::InvalidArgument("--env takes KEY=VALUE: " + p);
    vars[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return vars;
}

void PrintConfig(const api::Json& c) {
  std::cout << "function " << c.value("FunctionName", "") << "\n"
            << "  runtime: " << c.value("Runtime", "") << " (runs on " << c.value("FreshetRuntime", "") << ")\n"
            << "  handler: " << c.value("Handler", "") << "\n"
            << "  timeout: " << c.value("Timeout", 0) << " s, memory: " << c.value("MemorySize", 0) << " MB\n"
            << "  code: " << c.value("CodeSize", 0) << " bytes, sha256 " << c.value("CodeSha256", "") << "\n"
            << "  last modified: " << c.value("LastModified", "") << "\n";
  if (auto env = c.find("Environment"); env != c.end() && env->contains("Variables")) {
    for (const auto& [k, v] : (*env)["Variables"].items())
      std::cout << "  env " << k << "=" << v.get<std::string>() << "\n";
  }
}

Status Create(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(std::string zip, CodeZip(a.code));
  FRESHET_ASSIGN_OR_RETURN(api::Json vars, EnvironmentOf(a.env));
  std::string runtime = RuntimeName(a.runtime);
  api::Json request = {{"FunctionName", a.name},
                       {"Runtime", runtime},
                       {"Handler", a.handler},
                       {"Role", a.role},
                       {"Timeout", a.timeout},
                       {"MemorySize", a.memory},
                       {"Description", a.description},
                       {"Environment", {{"Variables", vars}}},
                       {"Code", {{"ZipFile", text::EncodeBase64(zip)}}}};
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json c, api->Call(Lambda("CreateFunction"), request));
  std::cout << "created ";
  PrintConfig(c);
  return Status::OK();
}

Status List(Context* ctx, const FunctionArgs&) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  api::Json request = api::Json::object();
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Lambda("ListFunctions"), request));
    for (const auto& f : r["Functions"]) {
      std::cout << f.value("FunctionName", "") << "\t" << f.value("Runtime", "") << "\t" << f.value("Handler", "")
                << "\t" << f.value("LastModified", "") << "\n";
    }
    if (!r.contains("NextMarker")) break;
    request["Marker"] = r["NextMarker"];
  }
  return Status::OK();
}

Status Describe(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Lambda("GetFunction"), {{"FunctionName", a.name}}));
  PrintConfig(r["Configuration"]);
  std::cout << "  code location: " << r["Code"].value("Location", "") << "\n";
  return Status::OK();
}

Status Delete(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(api->Call(Lambda("DeleteFunction"), {{"FunctionName", a.name}}).status());
  std::cout << "deleted function " << a.name << "\n";
  return Status::OK();
}

Status Invoke(Context* ctx, const FunctionArgs& a) {
  std::string payload = a.payload.empty() ? "{}" : a.payload;
  if (!payload.empty() && payload[0] == '@') {
    FRESHET_ASSIGN_OR_RETURN(payload, ReadFile(payload.substr(1)));
  }
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  api::Json request = {{"FunctionName", a.name}, {"Payload", payload}};
  if (a.tail) request["LogType"] = "Tail";
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Lambda("Invoke"), request));
  if (a.tail && r.contains("LogResult")) {
    std::string log;
    if (text::DecodeBase64(r["LogResult"].get<std::string>(), &log)) std::cerr << log;
  }
  std::cout << r.value("Payload", "") << "\n";
  if (r.contains("FunctionError")) {
    // Exit status 1: the function failed (its error is the answer printed above).
    return Status::Internal("function " + a.name + " failed (" + r["FunctionError"].get<std::string>() + ")");
  }
  return Status::OK();
}

Status Logs(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(api->Call(Lambda("GetFunctionConfiguration"), {{"FunctionName", a.name}}).status());
  const std::string path = ctx->DataDir() + "/functions/" + a.name + "/log";
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (;;) {
    while (std::getline(in, line)) std::cout << line << "\n";
    if (!a.follow) break;
    std::cout.flush();
    in.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!in.is_open()) in.open(path, std::ios::binary);
  }
  return Status::OK();
}

Status Route(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(api::Freshet("CreateFunctionRoute"),
                                                  {{"FunctionName", a.name}, {"Method", a.method}, {"Path", a.path}}));
  std::cout << "route " << r.value("Method", "") << " " << r.value("Path", "") << " -> function " << a.name << "\n";
  return Status::OK();
}

Status Routes(Context* ctx, const FunctionArgs&) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(api::Freshet("ListFunctionRoutes"), api::Json::object()));
  for (const auto& route : r["Routes"]) {
    std::cout << route.value("Method", "") << "\t" << route.value("Path", "") << "\t" << route.value("FunctionName", "")
              << "\n";
  }
  return Status::OK();
}

Status Unroute(Context* ctx, const FunctionArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(
      api->Call(api::Freshet("DeleteFunctionRoute"), {{"Method", a.method}, {"Path", a.path}}).status());
  std::cout << "removed route " << a.method << " " << a.path << "\n";
  return Status::OK();
}

void AddFunctionCommands(CLI::App* app, Context* ctx) {
  auto* group = app->add_subcommand("function", "Lambda functions: your own Python / Node handlers run by freshet");
  group->require_subcommand(1);
  auto args = std::make_shared<FunctionArgs>();
  auto run = [ctx, args](Status (*fn)(Context*, const FunctionArgs&)) {
    return [ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); };
  };
  auto* create = group->add_subcommand("create", "Create a function from a directory or a .zip (CreateFunction)");
  create->add_option("name", args->name, "function name")->required();
  create->add_option("--runtime", args->runtime,
                     "python, node, python3.x, nodejsNN.x or provided (every python3.x / nodejsNN.x runs on this "
                     "machine's python3 / node)");
  create->add_option("--handler", args->handler, "MODULE.FUNCTION, e.g. lambda_function.lambda_handler");
  create->add_option("--code", args->code, "directory or .zip with the code")->required();
  create->add_option("--timeout", args->timeout, "seconds before the invocation is ended (1-900, default 3)");
  create->add_option("--memory", args->memory, "MemorySize in MB (reported to the handler; default 128)");
  create->add_option("--role", args->role, "execution role ARN (accepted and shown, not enforced)");
  create->add_option("--description", args->description, "description");
  create->add_option("--env", args->env, "KEY=VALUE for the function's environment; repeatable");
  create->callback(run(Create));
  group->add_subcommand("list", "List functions (ListFunctions)")->callback(run(List));
  auto* describe = group->add_subcommand("describe", "Show a function's configuration (GetFunction)");
  describe->add_option("name", args->name, "function name")->required();
  describe->callback(run(Describe));
  auto* del = group->add_subcommand("delete", "Delete a function, its code and logs (DeleteFunction)");
  del->add_option("name", args->name, "function name")->required();
  del->callback(run(Delete));
  auto* invoke = group->add_subcommand("invoke", "Invoke a function and print its answer (Invoke)");
  invoke->add_option("name", args->name, "function name")->required();
  invoke->add_option("--payload", args->payload, "the event as JSON, or @FILE");
  invoke->add_flag("--log", args->tail, "print the invocation's log (LogType Tail) to stderr");
  invoke->callback(run(Invoke));
  auto* logs = group->add_subcommand("logs", "Print a function's log (handler output, START/END/REPORT lines)");
  logs->add_option("name", args->name, "function name")->required();
  logs->add_flag("--follow,-f", args->follow, "keep printing as the log grows");
  logs->callback(run(Logs));
  auto* route = group->add_subcommand("route",
                                      "Serve METHOD PATH on serve's HTTP port with the function "
                                      "(API Gateway proxy event; unsigned requests)");
  route->add_option("name", args->name, "function name")->required();
  route->add_option("--method", args->method, "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS or ANY (default GET)");
  route->add_option("--path", args->path, "path template, e.g. /customers or /customers/{id}")->required();
  route->callback(run(Route));
  group->add_subcommand("routes", "List HTTP routes to functions")->callback(run(Routes));
  auto* unroute = group->add_subcommand("unroute", "Remove an HTTP route");
  unroute->add_option("--method", args->method, "the route's method")->required();
  unroute->add_option("--path", args->path, "the route's path template")->required();
  unroute->callback(run(Unroute));
}

Registrar registrar(70, AddFunctionCommands);

}  // namespace
}  // namespace freshet::cli
