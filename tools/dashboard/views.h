// The dashboard's on-demand views (not refreshed live; each answers one request):
//   weather stations — the stations of the weather table with their first and last dates, from
//                      one SQL GROUP BY over the table, remembered until the table's item count
//                      changes (so opening the page again does not scan it again);
//   weather          — one station's days between two dates (DynamoDB Query through the registry,
//                      the same read as `freshet query`): the chart's SVG drawn by tools/chart/
//                      and the monthly summary;
//   sql              — one read-only SQL statement (query/sql): the columns, the first rows, and
//                      the result as a chart when it has a numeric column after the first.
//
// Thread-safety: every method may be called from several threads at once.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "storage/db.h"
#include "tools/dashboard/panels.h"

namespace freshet::dashboard {

using Params = std::map<std::string, std::string, std::less<>>;

class Views {
 public:
  // Neither is owned; both must outlive this.
  Views(OpsPanels* ops, storage::Db* db) : ops_(ops), db_(db) {}

  // {"table", "stations": [{"station", "name", "first", "last", "days"}]}; NotFound without the table.
  Result<Json> Stations(const Params& params);
  // Params: station, from, to (YYYY-MM-DD), units (metric|standard), by (day|month), elements (CSV),
  // style (lines|band), table. {"svg", "days", "months": [{"month", "days", element: value...}], "units"}.
  Result<Json> Weather(const Params& params);
  // Params: q (the statement). {"columns", "rows" (at most 500), "row_count", "truncated", "svg" or
  // "chart_error"}.
  Result<Json> Sql(const Params& params);

  static constexpr size_t kMaxSqlRows = 10000;  // read for the chart
  static constexpr size_t kShownSqlRows = 500;  // sent as the table

 private:
  OpsPanels* ops_;
  storage::Db* db_;
  std::mutex mu_;
  std::map<std::string, std::pair<uint64_t, Json>> stations_;  // table -> (item count, answer)
};

}  // namespace freshet::dashboard
