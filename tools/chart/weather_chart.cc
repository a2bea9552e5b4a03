// BuildWeatherChart and MonthlySummary (see weather_chart.h).
#include "tools/chart/weather_chart.h"

#include <cmath>
#include <cstdlib>

#include "tools/chart/ticks.h"

namespace freshet::chart {
namespace {

constexpr std::pair<std::string_view, std::string_view> kColors[] = {
    {"TMAX", "#d62728"}, {"TMIN", "#1f77b4"}, {"TAVG", "#ff7f0e"}, {"TOBS", "#9467bd"},
    {"PRCP", "#2ca02c"}, {"SNOW", "#17becf"}, {"SNWD", "#8c564b"}};

std::string ColorOf(std::string_view element) {
  for (const auto& [e, c] : kColors) {
    if (e == element) return std::string(c);
  }
  return "";
}

bool IsTemperature(std::string_view element) {
  const std::string_view unit = query::UnitOf(element, query::Units::kMetric);
  return unit == "C";
}

// The numeric value of `element` in `item`, converted to `units`; nullopt if absent or not a number.
std::optional<double> NumberOf(const query::Item& item, const std::string& element, query::Units units) {
  const query::AttributeValue* v = item.Find(element);
  if (v == nullptr || v->type() != query::AttributeValue::Type::kN) return std::nullopt;
  const query::AttributeValue converted = query::ConvertValue(element, *v, units);
  char* end = nullptr;
  const double x = std::strtod(converted.scalar().c_str(), &end);
  if (end == converted.scalar().c_str() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::optional<std::string> DateOf(const query::Item& item) {
  const query::AttributeValue* d = item.Find("date");
  if (d == nullptr || d->type() != query::AttributeValue::Type::kS) return std::nullopt;
  return d->scalar();
}

Status CheckElements(const std::vector<std::string>& elements) {
  if (elements.empty()) return Status::InvalidArgument("--elements names no element");
  for (const std::string& e : elements) {
    if (query::UnitOf(e, query::Units::kMetric).empty()) {
      return Status::InvalidArgument("cannot chart element '" + e +
                                     "': charts draw temperatures (TMAX, TMIN, TAVG, TOBS, ...) and "
                                     "precipitation-like elements (PRCP, SNOW, SNWD, ...)");
    }
  }
  return Status::OK();
}

}  // namespace

bool IsTotalled(std::string_view element) { return query::UnitOf(element, query::Units::kMetric) == "mm"; }

Result<std::vector<MonthRow>> MonthlySummary(const std::vector<query::Item>& items,
                                             const std::vector<std::string>& elements, query::Units units) {
  FRESHET_RETURN_IF_ERROR(CheckElements(elements));
  std::vector<MonthRow> rows;
  for (const query::Item& item : items) {
    const auto date = DateOf(item);
    if (!date || !ParseDay(*date)) continue;
    const std::string month = date->substr(0, 7);
    if (rows.empty() || rows.back().month != month) rows.push_back(MonthRow{month, 0, {}});
    MonthRow& row = rows.back();
    ++row.days;
    for (const std::string& e : elements) {
      if (auto v = NumberOf(item, e, units)) {
        auto& [sum, count] = row.values[e];
        sum += *v;
        ++count;
      }
    }
  }
  for (MonthRow& row : rows) {
    for (auto& [e, value] : row.values) {
      if (!IsTotalled(e)) value.first /= value.second;
      value.first = std::round(value.first * 100) / 100;
    }
  }
  return rows;
}

Result<ChartSpec> BuildWeatherChart(const std::vector<query::Item>& items, const WeatherChartOptions& o) {
  FRESHET_RETURN_IF_ERROR(CheckElements(o.elements));
  const auto from = ParseDay(o.from), to = ParseDay(o.to);
  if (!from) return Status::InvalidArgument("--from must be a date written YYYY-MM-DD, not '" + o.from + "'");
  if (!to) return Status::InvalidArgument("--to must be a date written YYYY-MM-DD, not '" + o.to + "'");
  if (*from > *to) return Status::InvalidArgument("--from " + o.from + " is after --to " + o.to);
  if (*to - *from > 36600) return Status::InvalidArgument("a chart covers at most 100 years");

  ChartSpec spec;
  spec.width = o.width;
  spec.height = o.height;
  const std::string temp_unit(query::UnitOf("TMAX", o.units));
  const std::string depth_unit(query::UnitOf("PRCP", o.units));
  bool any_temperature = false;
  for (const std::string& e : o.elements) any_temperature = any_temperature || IsTemperature(e);
  bool only_prcp = true;
  for (const std::string& e : o.elements) only_prcp = only_prcp && (IsTemperature(e) || e == "PRCP");

  std::string station_name;
  for (const query::Item& item : items) {
    const query::AttributeValue* n = item.Find("station_name");
    if (n != nullptr && n->type() == query::AttributeValue::Type::kS) {
      station_name = n->scalar();
      break;
    }
  }
  spec.title = std::string(o.by_month ? "Monthly" : "Daily") + " weather, " + o.station +
               (station_name.empty() ? "" : " (" + station_name + ")") + ", " + o.from + " to " + o.to;
  spec.x_label = o.by_month ? "Month" : "Date";
  spec.left_label = std::string(o.by_month ? "Mean temperature" : "Temperature") + " (" + temp_unit + ")";
  spec.right_label = std::string(o.by_month  ? "Monthly total"
                                 : only_prcp ? "Precipitation"
                                             : "Precipitation, snow") +
                     " (" + depth_unit + ")";
  if (!any_temperature) spec.left_label = spec.right_label;

  for (const std::string& e : o.elements) {
    Series s;
    s.name = e + " (" + std::string(query::UnitOf(e, o.units)) + ")";
    s.kind = IsTemperature(e) ? SeriesKind::kLine : SeriesKind::kBar;
    s.axis = IsTemperature(e) || !any_temperature ? Axis::kLeft : Axis::kRight;
    s.color = ColorOf(e);
    spec.series.push_back(std::move(s));
  }

  if (!o.by_month) {
    spec.x_kind = XKind::kDay;
    for (int64_t d = *from; d <= *to; ++d) {
      spec.x.push_back(static_cast<double>(d));
      spec.x_text.push_back(FormatDay(d));
    }
    for (Series& s : spec.series) s.values.assign(spec.x.size(), std::nullopt);
    for (const query::Item& item : items) {
      const auto date = DateOf(item);
      const auto day = date ? ParseDay(*date) : std::nullopt;
      if (!day || *day < *from || *day > *to) continue;
      for (size_t i = 0; i < o.elements.size(); ++i) {
        spec.series[i].values[static_cast<size_t>(*day - *from)] = NumberOf(item, o.elements[i], o.units);
      }
    }
  } else {
    spec.x_kind = XKind::kMonth;
    const int64_t first = *ParseMonth(o.from), last = *ParseMonth(o.to);
    for (int64_t m = first; m <= last; ++m) {
      spec.x.push_back(static_cast<double>(m));
      spec.x_text.push_back(FormatMonth(m));
    }
    for (Series& s : spec.series) s.values.assign(spec.x.size(), std::nullopt);
    std::vector<query::Item> in_range;
    for (const query::Item& item : items) {
      const auto date = DateOf(item);
      if (date && *date >= o.from && *date <= o.to) in_range.push_back(item);
    }
    FRESHET_ASSIGN_OR_RETURN(auto rows, MonthlySummary(in_range, o.elements, o.units));
    for (const MonthRow& row : rows) {
      const size_t k = static_cast<size_t>(*ParseMonth(row.month) - first);
      for (size_t i = 0; i < o.elements.size(); ++i) {
        auto it = row.values.find(o.elements[i]);
        if (it != row.values.end()) spec.series[i].values[k] = it->second.first;
      }
    }
  }

  if (o.band) {
    size_t low = spec.series.size(), high = spec.series.size();
    for (size_t i = 0; i < o.elements.size(); ++i) {
      if (o.elements[i] == "TMIN") low = i;
      if (o.elements[i] == "TMAX") high = i;
    }
    if (low == spec.series.size() || high == spec.series.size()) {
      return Status::InvalidArgument("--style band needs TMIN and TMAX among --elements");
    }
    spec.band = std::make_pair(low, high);
  }
  return spec;
}

}  // namespace freshet::chart
