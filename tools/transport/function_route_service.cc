// FunctionRouteService (see function_route_service.h).
#include "tools/transport/function_route_service.h"

#include <nlohmann/json.hpp>

#include "storage/text.h"
#include "tools/lambda/function_routes.h"
#include "tools/lambda/function_runtime.h"

namespace freshet::transport {
namespace {

using Json = nlohmann::json;

http::Response GatewayError(int status, std::string_view message) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = Json{{"message", message}}.dump();
  return r;
}

std::optional<lambda::RouteMatch> Find(storage::Db* db, const HttpCall& call) {
  if (call.auth || call.auth_error) return std::nullopt;  // signed: an AWS client's request
  auto routes = lambda::ListRoutes(*db);
  if (!routes.ok() || routes.value().empty()) return std::nullopt;
  return lambda::MatchRoute(routes.value(), call.request.method, call.request.path);
}

Json ProxyEvent(const HttpCall& call, const lambda::RouteMatch& match, const std::string& request_id) {
  const http::Request& request = call.request;
  Json headers = Json::object(), multi_headers = Json::object();
  for (const auto& [k, v] : request.headers) {
    headers[k] = v;
    multi_headers[k].push_back(v);
  }
  Json query = nullptr, multi_query = nullptr;
  for (const auto& [k, v] : request.query) {
    if (query.is_null()) query = Json::object(), multi_query = Json::object();
    query[k] = v;
    multi_query[k].push_back(v);
  }
  Json path_parameters = match.path_parameters.empty() ? Json(nullptr) : Json(match.path_parameters);
  const bool text = text::IsValidUtf8(request.body);
  Json body = request.body.empty() ? Json(nullptr) : Json(text ? request.body : text::EncodeBase64(request.body));
  const std::string* host = request.Header("host");
  return Json{{"resource", match.route.path},
              {"path", request.path},
              {"httpMethod", request.method},
              {"headers", headers},
              {"multiValueHeaders", multi_headers},
              {"queryStringParameters", query},
              {"multiValueQueryStringParameters", multi_query},
              {"pathParameters", path_parameters},
              {"stageVariables", nullptr},
              {"requestContext",
               {{"resourcePath", match.route.path},
                {"httpMethod", request.method},
                {"path", request.path},
                {"stage", "$default"},
                {"requestId", request_id},
                {"accountId", call.context.account_id},
                {"apiId", "freshet"},
                {"protocol", "HTTP/1.1"},
                {"requestTimeEpoch", call.context.now_ms},
                {"domainName", host ? *host : std::string()},
                {"identity",
                 {{"sourceIp", request.remote_address},
                  {"userAgent", request.Header("user-agent") ? *request.Header("user-agent") : std::string()}}}}},
              {"body", body},
              {"isBase64Encoded", !request.body.empty() && !text}};
}

}  // namespace

bool FunctionRouteService::Claims(const HttpCall& call) const { return Find(db_, call).has_value(); }

http::Response FunctionRouteService::Handle(const HttpCall& call) {
  auto match = Find(db_, call);
  if (!match) return GatewayError(404, "Not Found");
  Json event = ProxyEvent(call, *match, call.request_id);
  auto result =
      functions_->Invoke(match->route.function, event.dump(-1, ' ', false, Json::error_handler_t::replace), {});
  if (!result.ok()) {
    return GatewayError(result.status().code() == Status::Code::kNotFound ? 404 : 502, "Internal server error");
  }
  if (!result.value().function_error.empty()) return GatewayError(502, "Internal server error");
  Json answer = Json::parse(result.value().payload, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) return GatewayError(502, "Internal server error");
  http::Response response;
  auto status = answer.find("statusCode");
  if (status == answer.end() || !status->is_number_integer()) return GatewayError(502, "Internal server error");
  response.status = status->get<int>();
  if (response.status < 100 || response.status > 599) return GatewayError(502, "Internal server error");
  response.content_type = "application/json";
  auto add_header = [&](const std::string& k, const Json& v) {
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-type") {
      response.content_type = value;
    } else {
      response.headers.emplace_back(k, value);
    }
  };
  if (auto h = answer.find("headers"); h != answer.end() && h->is_object()) {
    for (const auto& [k, v] : h->items()) add_header(k, v);
  }
  if (auto h = answer.find("multiValueHeaders"); h != answer.end() && h->is_object()) {
    for (const auto& [k, vs] : h->items()) {
      if (vs.is_array()) {
        for (const auto& v : vs) add_header(k, v);
      }
    }
  }
  if (auto b = answer.find("body"); b != answer.end() && !b->is_null()) {
    std::string body = b->is_string() ? b->get<std::string>() : b->dump();
    if (answer.value("isBase64Encoded", false)) {
      std::string decoded;
      if (!text::DecodeBase64(body, &decoded)) return GatewayError(502, "Internal server error");
      body = std::move(decoded);
    }
    response.body = std::move(body);
  }
  return response;
}

}  // namespace freshet::transport
