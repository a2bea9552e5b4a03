// BuildSqlChart (see sql_chart.h).
#include "tools/chart/sql_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "tools/chart/ticks.h"

namespace freshet::chart {
namespace {

using query::sql::SqlValue;

std::optional<double> NumberOf(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::kInteger: return static_cast<double>(v.integer);
    case SqlValue::Kind::kReal: return std::isfinite(v.real) ? std::optional<double>(v.real) : std::nullopt;
    case SqlValue::Kind::kText: {
      if (v.bytes.empty()) return std::nullopt;
      char* end = nullptr;
      const double x = std::strtod(v.bytes.c_str(), &end);
      if (end != v.bytes.c_str() + v.bytes.size() || !std::isfinite(x)) return std::nullopt;
      return x;
    }
    default: return std::nullopt;
  }
}

std::string TextOf(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::kInteger: return std::to_string(v.integer);
    case SqlValue::Kind::kReal: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.10g", v.real);
      return buf;
    }
    case SqlValue::Kind::kText: return v.bytes;
    case SqlValue::Kind::kBlob: return "(blob)";
    case SqlValue::Kind::kNull: return "";
  }
  return "";
}

}  // namespace

Result<ChartSpec> BuildSqlChart(const query::sql::SqlResult& result, const std::string& title, int width, int height) {
  if (result.columns.size() < 2) {
    return Status::InvalidArgument("a chart needs a result of two or more columns: x, then one or more series");
  }
  const size_t n = result.rows.size();
  std::vector<double> x(n);
  std::vector<std::string> x_text(n);
  bool days = n > 0, months = n > 0, numbers = n > 0;
  for (size_t i = 0; i < n; ++i) {
    const SqlValue& v = result.rows[i][0];
    if (v.kind == SqlValue::Kind::kNull) {
      return Status::InvalidArgument("row " + std::to_string(i + 1) + " has a NULL x (" + result.columns[0] + ")");
    }
    x_text[i] = TextOf(v);
    days = days && v.kind == SqlValue::Kind::kText && ParseDay(v.bytes).has_value();
    months = months && v.kind == SqlValue::Kind::kText && v.bytes.size() == 7 && ParseMonth(v.bytes).has_value();
    numbers = numbers && (v.kind == SqlValue::Kind::kInteger || v.kind == SqlValue::Kind::kReal) && NumberOf(v);
  }
  ChartSpec spec;
  spec.title = title;
  spec.width = width;
  spec.height = height;
  spec.x_label = result.columns[0];
  spec.x_kind = days ? XKind::kDay : months ? XKind::kMonth : numbers ? XKind::kNumber : XKind::kCategory;
  for (size_t i = 0; i < n; ++i) {
    switch (spec.x_kind) {
      case XKind::kDay: x[i] = static_cast<double>(*ParseDay(x_text[i])); break;
      case XKind::kMonth: x[i] = static_cast<double>(*ParseMonth(x_text[i])); break;
      case XKind::kNumber: x[i] = *NumberOf(result.rows[i][0]); break;
      case XKind::kCategory: x[i] = static_cast<double>(i); break;
    }
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (spec.x_kind != XKind::kCategory) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
    for (size_t i = 1; i < n; ++i) {
      if (x[order[i]] == x[order[i - 1]]) {
        return Status::InvalidArgument("x value " + x_text[order[i]] + " appears twice; group by " + result.columns[0] +
                                       " to chart one value per x");
      }
    }
  }
  for (size_t i : order) {
    spec.x.push_back(x[i]);
    spec.x_text.push_back(x_text[i]);
  }
  for (size_t c = 1; c < result.columns.size(); ++c) {
    Series s;
    s.name = result.columns[c];
    s.kind = spec.x_kind == XKind::kCategory ? SeriesKind::kBar : SeriesKind::kLine;
    bool any = false;
    for (size_t i : order) {
      s.values.push_back(c < result.rows[i].size() ? NumberOf(result.rows[i][c]) : std::nullopt);
      any = any || s.values.back().has_value();
    }
    if (any || n == 0) spec.series.push_back(std::move(s));
  }
  if (spec.series.empty()) {
    return Status::InvalidArgument("no column after the first (" + result.columns[0] + ") holds numbers to chart");
  }
  spec.left_label = spec.series.size() == 1 ? spec.series[0].name : "value";
  return spec;
}

}  // namespace freshet::chart
