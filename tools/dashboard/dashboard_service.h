// DashboardService: the web dashboard of `freshet serve --http`, an HttpService (http_service.h).
//
// Routing rule (docs/http.md, "Routing"): it claims only UNSIGNED GET and HEAD requests of "/",
// of its assets "/dashboard/<file>" and of its JSON endpoints "/dashboard/api/<name>"; anything
// signed belongs to the AWS services (S3, Lambda, ...), and anything else is left to them too.
// It is read-only: no endpoint changes state.
//
//   GET /                               the page (HTML; its CSS and JS are /dashboard/app.css, app.js)
//   GET /dashboard/api/streams          live panels, polled by the page every 2 s: JSON from a
//   GET /dashboard/api/consumers        PanelSource each (panels.h; SetPanel replaces one); functions
//   GET /dashboard/api/tables           and deliveries answer {"items": [flat objects]}
//   GET /dashboard/api/functions
//   GET /dashboard/api/deliveries
//   GET /dashboard/api/weather/stations the weather view (views.h)
//   GET /dashboard/api/weather?station=&from=&to=&units=&by=
//   GET /dashboard/api/sql?q=SELECT...  the SQL panel
// Errors are {"error": message} with 400 (bad input), 404 (unknown path, table or stream) or 500.
//
// Every asset is compiled into the binary (assets.h): the page works offline, without a CDN.
//
// Thread-safety: SetPanel before the server starts; Claims/Handle concurrently afterwards.
#pragma once

#include <map>
#include <string>

#include "storage/db.h"
#include "tools/dashboard/panels.h"
#include "tools/dashboard/views.h"
#include "tools/transport/http_service.h"

namespace freshet::dashboard {

class DashboardService : public transport::HttpService {
 public:
  // Neither is owned; both must outlive this.
  DashboardService(const protocol::Dispatcher* dispatcher, storage::Db* db);

  std::string_view name() const override { return "dashboard"; }
  bool Claims(const transport::HttpCall& call) const override;
  http::Response Handle(const transport::HttpCall& call) override;

  // Replaces (or adds) the source of /dashboard/api/<panel>. Call before serving.
  void SetPanel(const std::string& panel, PanelSource source) { panels_[panel] = std::move(source); }

  OpsPanels* ops() { return &ops_; }

 private:
  OpsPanels ops_;
  Views views_;
  std::map<std::string, PanelSource, std::less<>> panels_;
};

}  // namespace freshet::dashboard
