// Function routes (the API Gateway part): METHOD + path template -> function, stored in the meta
// column family (tag 'G', key "METHOD /path"), and the matching of a request path against them.
//
// Templates are API Gateway's: literal segments, "{name}" for one segment, and a last "{name+}"
// for the rest of the path. Method "ANY" matches every method. When several routes match, the one
// with more literal segments wins, then a specific method over ANY.
//
// Thread-safety: all functions may be called concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace freshet::storage {
class Db;
}

namespace freshet::lambda {

struct Route {
  std::string method;  // "GET", "POST", ..., or "ANY"
  std::string path;    // "/customers/{id}"
  std::string function;
};

struct RouteMatch {
  Route route;
  std::map<std::string, std::string> path_parameters;
};

// Checks method and template. InvalidArgument naming what is wrong.
Status ValidateRoute(const Route& route);

Status PutRoute(storage::Db* db, const Route& route);
// NotFound if there is no such route.
Status DeleteRoute(storage::Db* db, std::string_view method, std::string_view path);
Result<std::vector<Route>> ListRoutes(const storage::Db& db);

// The best route for `method` and `path` among `routes`, with its path parameters.
std::optional<RouteMatch> MatchRoute(const std::vector<Route>& routes, std::string_view method, std::string_view path);

}  // namespace freshet::lambda
