// `freshet chart`: a station's daily (or monthly) weather, or any SQL result, drawn as an SVG or
// PNG file by tools/chart/. The station's days are read with the table API (Query on the weather
// table, as `freshet query` reads them), so it works in process, through the owner, or against
// --endpoint; --sql opens the directory read-only as `freshet sql` does.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "query/sql/engine.h"
#include "query/weather.h"
#include "tools/api_client.h"
#include "tools/chart/png.h"
#include "tools/chart/sql_chart.h"
#include "tools/chart/weather_chart.h"
#include "tools/cli_common.h"

namespace freshet::cli {
namespace {

struct ChartArgs {
  std::string station, from, to, table{query::kDefaultWeatherTable};
  std::vector<std::string> elements = chart::kDefaultWeatherElements;
  std::string units = "metric";
  std::string by = "day";
  std::string style = "lines";
  std::string sql, title;
  std::string out;
  int width = 960, height = 480;
};

// The station's items from `from` to `to` (every page).
Result<std::vector<query::Item>> StationDays(Context* ctx, const std::string& table, const std::string& station,
                                             const std::string& from, const std::string& to) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(query::TableDescription t, store.Get(table));
  if (t.partition_key.type != query::KeyType::kS || !t.sort_key || t.sort_key->type != query::KeyType::kS) {
    return Status::InvalidArgument("table '" + t.name +
                                   "' does not have the weather key shape "
                                   "(partition key station S, sort key date S)");
  }
  query::QueryRequest r;
  r.partition = query::AttributeValue::S(station);
  r.condition = query::SortKeyCondition{query::SortKeyCondition::Op::kBetween, query::AttributeValue::S(from),
                                        query::AttributeValue::S(to)};
  std::vector<query::Item> items;
  do {
    FRESHET_ASSIGN_OR_RETURN(query::Page page, store.Query(t.name, r));
    for (query::Item& item : page.items) items.push_back(std::move(item));
    r.start_after = page.next_token.value_or("");
  } while (!r.start_after.empty());
  return items;
}

Result<chart::ChartSpec> SqlChart(Context* ctx, const ChartArgs& a) {
  storage::OpenOptions options;
  options.mode = storage::OpenOptions::Mode::kReadOnly;
  FRESHET_ASSIGN_OR_RETURN(auto db, storage::Db::Open(ctx->DataDir(), options));
  FRESHET_ASSIGN_OR_RETURN(auto engine, query::sql::Engine::Open(db.get()));
  FRESHET_ASSIGN_OR_RETURN(query::sql::SqlResult result, engine->Query(a.sql));
  return chart::BuildSqlChart(result, a.title.empty() ? a.sql : a.title, a.width, a.height);
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + temp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Status::IOError("cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename " + temp + " to " + path);
  return Status::OK();
}

Status RunChart(Context* ctx, const ChartArgs& a) {
  const bool png = a.out.size() > 4 && a.out.compare(a.out.size() - 4, 4, ".png") == 0;
  const bool svg = a.out.size() > 4 && a.out.compare(a.out.size() - 4, 4, ".svg") == 0;
  if (!png && !svg) return Status::InvalidArgument("--out must name a .svg or .png file, not '" + a.out + "'");
  chart::ChartSpec spec;
  if (!a.sql.empty()) {
    if (!a.station.empty()) return Status::InvalidArgument("give --station or --sql, not both");
    FRESHET_ASSIGN_OR_RETURN(spec, SqlChart(ctx, a));
  } else {
    if (a.station.empty() || a.from.empty() || a.to.empty()) {
      return Status::InvalidArgument("give --station, --from and --to (or --sql \"SELECT x, y ...\")");
    }
    FRESHET_ASSIGN_OR_RETURN(std::string station, query::NormalizeStation(a.station));
    FRESHET_RETURN_IF_ERROR(query::ValidateDate(a.from, "--from"));
    FRESHET_RETURN_IF_ERROR(query::ValidateDate(a.to, "--to"));
    chart::WeatherChartOptions o;
    o.station = station;
    o.from = a.from;
    o.to = a.to;
    o.elements = a.elements;
    FRESHET_ASSIGN_OR_RETURN(o.units, query::ParseUnits(a.units));
    o.by_month = a.by == "month";
    o.band = a.style == "band";
    o.width = a.width;
    o.height = a.height;
    FRESHET_ASSIGN_OR_RETURN(auto items, StationDays(ctx, a.table, station, a.from, a.to));
    FRESHET_ASSIGN_OR_RETURN(spec, chart::BuildWeatherChart(items, o));
    if (!a.title.empty()) spec.title = a.title;
  }
  FRESHET_ASSIGN_OR_RETURN(std::string doc, chart::RenderSvg(spec));
  if (png) {
    FRESHET_ASSIGN_OR_RETURN(doc, chart::SvgToPng(doc, a.width, a.height));
  }
  FRESHET_RETURN_IF_ERROR(WriteFile(a.out, doc));
  std::cerr << "wrote " << a.out << " (" << spec.x.size() << " x values, " << spec.series.size() << " series)\n";
  return Status::OK();
}

void AddChartCommands(CLI::App* app, Context* ctx) {
  auto a = std::make_shared<ChartArgs>();
  auto* cmd = app->add_subcommand("chart",
                                  "Draw a station's daily or monthly weather, or a SQL result, as SVG or PNG "
                                  "(see docs/charts.md)");
  cmd->add_option("--station", a->station, "station id, with or without the GHCND: prefix");
  cmd->add_option("--from", a->from, "first date, YYYY-MM-DD");
  cmd->add_option("--to", a->to, "last date, YYYY-MM-DD (inclusive)");
  cmd->add_option("--elements", a->elements, "elements to draw (default TMAX,TMIN,PRCP,SNOW)")->delimiter(',');
  cmd->add_option("--units", a->units, "metric (mm, C) or standard (inches, F)")
      ->check(CLI::IsMember({"metric", "standard"}));
  cmd->add_option("--by", a->by, "day (one point per day) or month (monthly means and totals)")
      ->check(CLI::IsMember({"day", "month"}));
  cmd->add_option("--style", a->style, "temperatures as lines or as a TMIN..TMAX band")
      ->check(CLI::IsMember({"lines", "band"}));
  cmd->add_option("--table", a->table, "table with partition key station (S) and sort key date (S)");
  cmd->add_option("--sql", a->sql, "chart this SQL result instead: first column x, the others series");
  cmd->add_option("--title", a->title, "the chart's title (default: what it shows)");
  cmd->add_option("--out", a->out, "output file, .svg or .png")->required();
  cmd->add_option("--width", a->width, "width in pixels (default 960)")->check(CLI::Range(200, 10000));
  cmd->add_option("--height", a->height, "height in pixels (default 480)")->check(CLI::Range(150, 10000));
  cmd->callback([ctx, a] { ctx->result = Guard([&] { return RunChart(ctx, *a); }); });
}

Registrar registrar(36, AddChartCommands);

}  // namespace
}  // namespace freshet::cli
