// Views (see views.h).
#include "tools/dashboard/views.h"

#include <cctype>

#include "query/item_json.h"
#include "query/sql/engine.h"
#include "query/weather.h"
#include "tools/chart/sql_chart.h"
#include "tools/chart/weather_chart.h"

namespace freshet::dashboard {
namespace {

using query::sql::SqlValue;

std::string Param(const Params& p, std::string_view name, std::string fallback = "") {
  auto it = p.find(name);
  return it == p.end() || it->second.empty() ? fallback : it->second;
}

Json ToJson(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::kNull: return nullptr;
    case SqlValue::Kind::kInteger: return v.integer;
    case SqlValue::Kind::kReal: return v.real;
    case SqlValue::Kind::kText: return Json(v.bytes);
    case SqlValue::Kind::kBlob: return "(blob, " + std::to_string(v.bytes.size()) + " bytes)";
  }
  return nullptr;
}

std::vector<std::string> SplitCsv(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = text.find(',', at);
    std::string part = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

// A table name safe to put in a SQL statement (freshet's table names: letters, digits, _ . -).
bool PlainName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace

Result<Json> Views::Stations(const Params& params) {
  const std::string table = Param(params, "table", std::string(query::kDefaultWeatherTable));
  if (!PlainName(table)) return Status::InvalidArgument("table '" + table + "' is not a plain table name");
  FRESHET_ASSIGN_OR_RETURN(Json d, ops_->Call(protocol::Service::kDynamoDb, "DescribeTable", {{"TableName", table}}));
  const uint64_t items = d["Table"].value("ItemCount", uint64_t{0});
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = stations_.find(table);
    if (it != stations_.end() && it->second.first == items) return it->second.second;
  }
  FRESHET_ASSIGN_OR_RETURN(auto engine, query::sql::Engine::Open(db_));
  const std::string sql =
      "SELECT station, max(json_extract(item, '$.station_name')), min(date), max(date), count(*) "
      "FROM \"" +
      table + "\" GROUP BY station ORDER BY station";
  FRESHET_ASSIGN_OR_RETURN(query::sql::SqlResult result, engine->Query(sql));
  Json stations = Json::array();
  for (const auto& row : result.rows) {
    stations.push_back({{"station", ToJson(row[0])},
                        {"name", ToJson(row[1])},
                        {"first", ToJson(row[2])},
                        {"last", ToJson(row[3])},
                        {"days", ToJson(row[4])}});
  }
  Json answer = {{"table", table}, {"stations", std::move(stations)}};
  std::lock_guard<std::mutex> lock(mu_);
  stations_[table] = {items, answer};
  return answer;
}

Result<Json> Views::Weather(const Params& params) {
  chart::WeatherChartOptions o;
  FRESHET_ASSIGN_OR_RETURN(o.station, query::NormalizeStation(Param(params, "station")));
  o.from = Param(params, "from");
  o.to = Param(params, "to");
  FRESHET_RETURN_IF_ERROR(query::ValidateDate(o.from, "from"));
  FRESHET_RETURN_IF_ERROR(query::ValidateDate(o.to, "to"));
  FRESHET_ASSIGN_OR_RETURN(o.units, query::ParseUnits(Param(params, "units", "metric")));
  const std::string by = Param(params, "by", "day");
  if (by != "day" && by != "month") return Status::InvalidArgument("by must be day or month, not '" + by + "'");
  o.by_month = by == "month";
  o.band = Param(params, "style", "lines") == "band";
  if (auto e = SplitCsv(Param(params, "elements")); !e.empty()) o.elements = e;
  const std::string table = Param(params, "table", std::string(query::kDefaultWeatherTable));

  // The station's days, page by page, as `freshet query` reads them.
  Json request = {
      {"TableName", table},
      {"KeyConditionExpression", "#s = :s AND #d BETWEEN :a AND :b"},
      {"ExpressionAttributeNames", {{"#s", "station"}, {"#d", "date"}}},
      {"ExpressionAttributeValues", {{":s", {{"S", o.station}}}, {":a", {{"S", o.from}}}, {":b", {{"S", o.to}}}}}};
  std::vector<query::Item> items;
  for (;;) {
    FRESHET_ASSIGN_OR_RETURN(Json page, ops_->Call(protocol::Service::kDynamoDb, "Query", request));
    for (const Json& item : page.value("Items", Json::array())) {
      FRESHET_ASSIGN_OR_RETURN(query::Item parsed, query::ParseItemJson(item.dump()));
      items.push_back(std::move(parsed));
    }
    if (!page.contains("LastEvaluatedKey")) break;
    request["ExclusiveStartKey"] = page["LastEvaluatedKey"];
  }
  FRESHET_ASSIGN_OR_RETURN(chart::ChartSpec spec, chart::BuildWeatherChart(items, o));
  FRESHET_ASSIGN_OR_RETURN(std::string svg, chart::RenderSvg(spec));
  FRESHET_ASSIGN_OR_RETURN(auto rows, chart::MonthlySummary(items, o.elements, o.units));
  Json months = Json::array();
  for (const chart::MonthRow& row : rows) {
    Json m = {{"month", row.month}, {"days", row.days}};
    for (const auto& [element, value] : row.values) m[element] = value.first;
    months.push_back(std::move(m));
  }
  Json units = Json::object();
  for (const std::string& e : o.elements) units[e] = std::string(query::UnitOf(e, o.units));
  return Json{{"svg", std::move(svg)},
              {"days", items.size()},
              {"elements", o.elements},
              {"totalled",
               [&] {
                 Json t = Json::array();
                 for (const std::string& e : o.elements) {
                   if (chart::IsTotalled(e)) t.push_back(e);
                 }
                 return t;
               }()},
              {"units", std::move(units)},
              {"months", std::move(months)}};
}

Result<Json> Views::Sql(const Params& params) {
  const std::string sql = Param(params, "q");
  if (sql.empty()) return Status::InvalidArgument("give a SQL statement in q");
  FRESHET_ASSIGN_OR_RETURN(auto engine, query::sql::Engine::Open(db_));
  query::sql::SqlResult result;
  bool truncated = false;
  Status st = engine->Run(
      sql, [&](const std::vector<std::string>& columns) { result.columns = columns; },
      [&](query::sql::SqlRow& row) {
        if (result.rows.size() == kMaxSqlRows) {
          truncated = true;
          return Status::Aborted("enough rows");
        }
        result.rows.push_back(std::move(row));
        return Status::OK();
      });
  if (!st.ok() && !truncated) return st;
  Json rows = Json::array();
  for (size_t i = 0; i < result.rows.size() && i < kShownSqlRows; ++i) {
    Json r = Json::array();
    for (const SqlValue& v : result.rows[i]) r.push_back(ToJson(v));
    rows.push_back(std::move(r));
  }
  Json out = {{"columns", result.columns},
              {"rows", std::move(rows)},
              {"row_count", result.rows.size()},
              {"truncated", truncated || result.rows.size() > kShownSqlRows}};
  auto spec = chart::BuildSqlChart(result, sql.size() > 80 ? sql.substr(0, 77) + "..." : sql);
  Result<std::string> svg = spec.ok() ? chart::RenderSvg(*spec) : Result<std::string>(spec.status());
  if (svg.ok()) {
    out["svg"] = std::move(*svg);
  } else {
    out["chart_error"] = svg.status().message();
  }
  return out;
}

}  // namespace freshet::dashboard
