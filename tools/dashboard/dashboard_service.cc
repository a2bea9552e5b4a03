// DashboardService (see dashboard_service.h).
#include "tools/dashboard/dashboard_service.h"

#include "tools/dashboard/assets.h"

namespace freshet::dashboard {
namespace {

constexpr std::string_view kApiPrefix = "/dashboard/api/";
constexpr std::string_view kAssetPrefix = "/dashboard/";

http::Response JsonResponse(int status, const Json& body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.headers.push_back({"Cache-Control", "no-store"});
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

http::Response Answer(const Result<Json>& result) {
  if (result.ok()) return JsonResponse(200, *result);
  const Status& s = result.status();
  const int status = s.IsInvalidArgument() ? 400 : s.IsNotFound() ? 404 : 500;
  return JsonResponse(status, {{"error", s.message()}});
}

}  // namespace

DashboardService::DashboardService(const protocol::Dispatcher* dispatcher, storage::Db* db)
    : ops_(dispatcher), views_(&ops_, db) {
  panels_["streams"] = [this] { return ops_.Streams(); };
  panels_["consumers"] = [this] { return ops_.Consumers(); };
  panels_["tables"] = [this] { return ops_.Tables(); };
  panels_["functions"] = [this] { return ops_.Functions(); };
  panels_["deliveries"] = [this] { return ops_.Deliveries(); };
}

bool DashboardService::Claims(const transport::HttpCall& call) const {
  if (call.auth || call.auth_error) return false;  // signed: an AWS service's request
  const std::string& method = call.request.method;
  if (method != "GET" && method != "HEAD") return false;
  const std::string& path = call.request.path;
  return path == "/" || path.rfind(kAssetPrefix, 0) == 0;
}

http::Response DashboardService::Handle(const transport::HttpCall& call) {
  const std::string& path = call.request.path;
  http::Response response;
  if (path.rfind(kApiPrefix, 0) == 0) {
    const std::string_view name = std::string_view(path).substr(kApiPrefix.size());
    Params params;
    for (const auto& [k, v] : call.request.query) params.emplace(k, v);
    if (name == "weather/stations") {
      response = Answer(views_.Stations(params));
    } else if (name == "weather") {
      response = Answer(views_.Weather(params));
    } else if (name == "sql") {
      response = Answer(views_.Sql(params));
    } else if (auto it = panels_.find(name); it != panels_.end()) {
      response = Answer(it->second());
    } else {
      response = JsonResponse(404, {{"error", "no dashboard endpoint " + path}});
    }
  } else if (const Asset* asset = FindAsset(path == "/" ? "/dashboard/index.html" : path)) {
    response.content_type = std::string(asset->content_type);
    response.body = std::string(asset->body);
    response.headers.push_back({"Cache-Control", "no-cache"});
  } else {
    response.status = 404;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "no dashboard page " + path + "\n";
  }
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  if (call.request.method == "HEAD") response.body.clear();
  return response;
}

}  // namespace freshet::dashboard
