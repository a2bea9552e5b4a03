// LambdaService (see lambda_service.h).
#include "tools/transport/lambda_service.h"

#include <cstdlib>
#include <variant>
#include <vector>

namespace freshet::transport {
namespace {

using protocol::AwsError;
using protocol::Json;

constexpr std::string_view kPrefix = "/2015-03-31/";

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

const std::string* Query(const http::Request& request, std::string_view name) {
  for (const auto& [k, v] : request.query) {
    if (k == name) return &v;
  }
  return nullptr;
}

http::Response JsonReply(int status, const Json& body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

struct Mapped {
  std::string operation;
  Json body = Json::object();
  int success_status = 200;
  bool runs_code = false;  // needs a verified signature over HTTP
  protocol::Service service = protocol::Service::kLambda;
};

// The operation of a request, or an error for paths and methods Lambda has no operation at.
std::variant<Mapped, AwsError> Map(const http::Request& request) {
  std::vector<std::string> parts = Split(std::string_view(request.path).substr(kPrefix.size()));
  const std::string& method = request.method;
  auto unknown = [&] {
    return AwsError{"UnknownOperationException", "no Lambda operation at " + method + " " + request.path, 404, {}};
  };
  auto body_json = [&]() -> std::variant<Json, AwsError> {
    if (request.body.empty()) return Json::object();
    Json j = Json::parse(request.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return AwsError::Client("InvalidRequestContentException", "Could not parse request body into json");
    }
    return j;
  };
  Mapped m;
  if (parts.empty()) return unknown();
  if (parts[0] == "functions") {
    if (parts.size() == 1) {
      if (method == "POST") {
        auto b = body_json();
        if (auto* e = std::get_if<AwsError>(&b)) return *e;
        m = {"CreateFunction", std::get<Json>(b), 201, true};
        return m;
      }
      if (method == "GET") {
        m.operation = "ListFunctions";
        if (auto* v = Query(request, "Marker")) m.body["Marker"] = *v;
        if (auto* v = Query(request, "MaxItems")) {
          char* end = nullptr;
          long n = std::strtol(v->c_str(), &end, 10);
          if (end == v->c_str() || *end)
            return AwsError::Client("InvalidParameterValueException", "MaxItems must be a number");
          m.body["MaxItems"] = n;
        }
        return m;
      }
      return unknown();
    }
    m.body = Json::object();
    const std::string& name = parts[1];
    if (parts.size() == 2) {
      if (method == "GET") m.operation = "GetFunction";
      if (method == "DELETE") {
        m.operation = "DeleteFunction";
        m.success_status = 204;
      }
    } else if (parts.size() == 3 && parts[2] == "configuration") {
      if (method == "GET") m.operation = "GetFunctionConfiguration";
      if (method == "PUT") {
        auto b = body_json();
        if (auto* e = std::get_if<AwsError>(&b)) return *e;
        m.body = std::get<Json>(b);
        m.operation = "UpdateFunctionConfiguration";
        m.runs_code = true;
      }
    } else if (parts.size() == 3 && parts[2] == "code" && method == "PUT") {
      auto b = body_json();
      if (auto* e = std::get_if<AwsError>(&b)) return *e;
      m.body = std::get<Json>(b);
      m.operation = "UpdateFunctionCode";
      m.runs_code = true;
    } else if (parts.size() == 3 && parts[2] == "invocations" && method == "POST") {
      m.operation = "Invoke";
      m.body["Payload"] = request.body;
      if (auto* t = request.Header("x-amz-invocation-type")) m.body["InvocationType"] = *t;
      if (auto* t = request.Header("x-amz-log-type")) m.body["LogType"] = *t;
    }
    if (m.operation.empty()) return unknown();
    m.body["FunctionName"] = name;
    if (auto* q = Query(request, "Qualifier")) m.body["FunctionName"] = name + ":" + *q;
    return m;
  }
  if (parts[0] == "event-source-mappings") {
    if (parts.size() == 1) {
      if (method == "POST") {
        auto b = body_json();
        if (auto* e = std::get_if<AwsError>(&b)) return *e;
        m = {"CreateEventSourceMapping", std::get<Json>(b), 202, false};
        return m;
      }
      if (method == "GET") {
        m.operation = "ListEventSourceMappings";
        for (const char* q : {"EventSourceArn", "FunctionName", "Marker"}) {
          if (auto* v = Query(request, q)) m.body[q] = *v;
        }
        if (auto* v = Query(request, "MaxItems")) m.body["MaxItems"] = std::strtol(v->c_str(), nullptr, 10);
        return m;
      }
      return unknown();
    }
    if (parts.size() == 2) {
      if (method == "GET") m.operation = "GetEventSourceMapping";
      if (method == "DELETE") {
        m.operation = "DeleteEventSourceMapping";
        m.success_status = 202;
      }
      if (method == "PUT") {
        auto b = body_json();
        if (auto* e = std::get_if<AwsError>(&b)) return *e;
        m.body = std::get<Json>(b);
        m.operation = "UpdateEventSourceMapping";
        m.success_status = 202;
      }
      if (m.operation.empty()) return unknown();
      m.body["UUID"] = parts[1];
      return m;
    }
  }
  return unknown();
}

http::Response InvokeReply(const Json& body) {
  http::Response r;
  r.status = body.value("StatusCode", 200);
  r.content_type = "application/json";
  if (auto p = body.find("Payload"); p != body.end() && p->is_string()) r.body = p->get<std::string>();
  if (auto v = body.find("FunctionError"); v != body.end())
    r.headers.emplace_back("X-Amz-Function-Error", v->get<std::string>());
  if (auto v = body.find("LogResult"); v != body.end())
    r.headers.emplace_back("X-Amz-Log-Result", v->get<std::string>());
  if (auto v = body.find("ExecutedVersion"); v != body.end()) {
    r.headers.emplace_back("X-Amz-Executed-Version", v->get<std::string>());
  }
  if (auto v = body.find("RequestId"); v != body.end())
    r.headers.emplace_back("x-amzn-RequestId", v->get<std::string>());
  return r;
}

}  // namespace

http::Response LambdaErrorResponse(const AwsError& error) {
  http::Response r = JsonReply(
      error.http_status, Json{{"Type", error.http_status >= 500 ? "Service" : "User"}, {"message", error.message}});
  r.headers.emplace_back("x-amzn-ErrorType", error.type);
  return r;
}

bool LambdaService::Claims(const HttpCall& call) const {
  return std::string_view(call.request.path).substr(0, kPrefix.size()) == kPrefix;
}

http::Response LambdaService::Handle(const HttpCall& call) {
  if (call.auth_error && call.verifying) {
    return LambdaErrorResponse(
        AwsError{call.auth_error->type, call.auth_error->message, call.auth_error->http_status, {}});
  }
  auto mapped = Map(call.request);
  if (auto* e = std::get_if<AwsError>(&mapped)) return LambdaErrorResponse(*e);
  Mapped& m = std::get<Mapped>(mapped);
  if (m.runs_code && !call.verified) {
    return LambdaErrorResponse(
        AwsError{"AccessDeniedException",
                 m.operation + " runs code on this machine, so over HTTP it needs a signature freshet verifies: start "
                               "`freshet serve --http ... --credentials FILE` and sign with a key from FILE, or use "
                               "`freshet function` commands (the owner socket)",
                 403,
                 {}});
  }
  protocol::Reply reply = dispatcher_->Dispatch(protocol::Target(m.service, m.operation), m.body, call.context);
  if (!reply.ok()) {
    AwsError error{reply.body.value("__type", std::string("ServiceException")),
                   reply.body.value("message", std::string("request failed")),
                   reply.http_status,
                   {}};
    return LambdaErrorResponse(error);
  }
  if (m.operation == "Invoke") return InvokeReply(reply.body);
  if (m.success_status == 204) {
    http::Response r;
    r.status = 204;
    return r;
  }
  return JsonReply(m.success_status, reply.body);
}

}  // namespace freshet::transport
