// Function routes (see function_routes.h).
#include "tools/lambda/function_routes.h"

#include <nlohmann/json.hpp>

#include "storage/batch.h"
#include "storage/codec.h"
#include "storage/db.h"
#include "storage/iterator.h"

namespace freshet::lambda {
namespace {

using Json = nlohmann::json;

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string RouteKey(std::string_view method, std::string_view path) {
  return codec::MetaKey(codec::kMetaRoute, std::string(method) + " " + std::string(path));
}

}  // namespace

Status ValidateRoute(const Route& route) {
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"};
  bool method_ok = false;
  for (const char* m : kMethods) method_ok = method_ok || route.method == m;
  if (!method_ok)
    return Status::InvalidArgument("route method must be GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS or ANY: " +
                                   route.method);
  if (route.path.empty() || route.path[0] != '/')
    return Status::InvalidArgument("route path must start with /: " + route.path);
  auto segments = Segments(route.path);
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view s = segments[i];
    bool open = s.find('{') != std::string_view::npos, close = s.find('}') != std::string_view::npos;
    if (open || close) {
      if (s.front() != '{' || s.back() != '}' || s.size() < 3) {
        return Status::InvalidArgument("route path segment must be literal or {name}: " + std::string(s));
      }
      if (s[s.size() - 2] == '+' && i + 1 != segments.size()) {
        return Status::InvalidArgument("a {name+} segment must be the last of the route path: " + route.path);
      }
    }
  }
  if (route.function.empty()) return Status::InvalidArgument("route needs a function");
  return Status::OK();
}

Status PutRoute(storage::Db* db, const Route& route) {
  FRESHET_RETURN_IF_ERROR(ValidateRoute(route));
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, RouteKey(route.method, route.path),
            Json{{"method", route.method}, {"path", route.path}, {"function", route.function}}.dump());
  return db->Write(&batch);
}

Status DeleteRoute(storage::Db* db, std::string_view method, std::string_view path) {
  std::string ignored;
  if (!db->Get(storage::Cf::kMeta, RouteKey(method, path), &ignored).ok()) {
    return Status::NotFound("no route " + std::string(method) + " " + std::string(path));
  }
  storage::Batch batch;
  batch.Delete(storage::Cf::kMeta, RouteKey(method, path));
  return db->Write(&batch);
}

Result<std::vector<Route>> ListRoutes(const storage::Db& db) {
  std::string lower(1, codec::kMetaRoute);
  auto it = db.NewIterator(storage::Cf::kMeta, lower, codec::PrefixSuccessor(lower));
  std::vector<Route> out;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    try {
      Json j = Json::parse(it->value());
      out.push_back(
          {j.at("method").get<std::string>(), j.at("path").get<std::string>(), j.at("function").get<std::string>()});
    } catch (const std::exception& e) {
      return Status::Corruption("route " + std::string(it->key().substr(1)) + ": stored value unreadable: " + e.what());
    }
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

std::optional<RouteMatch> MatchRoute(const std::vector<Route>& routes, std::string_view method, std::string_view path) {
  std::optional<RouteMatch> best;
  int best_score = -1;
  auto request = Segments(path);
  for (const Route& route : routes) {
    if (route.method != "ANY" && route.method != method) continue;
    auto tmpl = Segments(route.path);
    RouteMatch match{route, {}};
    int literals = 0;
    bool ok = true, greedy_matched = false;
    for (size_t i = 0; i < tmpl.size() && ok; ++i) {
      std::string_view t = tmpl[i];
      if (t.front() == '{' && t.back() == '}') {
        bool greedy = t[t.size() - 2] == '+';
        std::string name(t.substr(1, t.size() - (greedy ? 3 : 2)));
        if (i >= request.size()) {
          ok = false;
        } else if (greedy) {
          std::string rest;
          for (size_t j = i; j < request.size(); ++j) rest += (j > i ? "/" : "") + std::string(request[j]);
          match.path_parameters[name] = rest;
          greedy_matched = true;
          break;
        } else {
          match.path_parameters[name] = std::string(request[i]);
        }
      } else {
        ok = i < request.size() && request[i] == t;
        literals += ok ? 1 : 0;
      }
    }
    if (!ok || (!greedy_matched && tmpl.size() != request.size())) continue;
    int score = literals * 2 + (route.method == "ANY" ? 0 : 1);
    if (score > best_score) {
      best_score = score;
      best = std::move(match);
    }
  }
  return best;
}

}  // namespace freshet::lambda
