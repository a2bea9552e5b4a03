// The weather table as charts: one station's days (or months) between two dates, from the items
// of the `weather` table (partition key station, sort key date "YYYY-MM-DD", one attribute per
// GHCN-Daily element in metric units; query/weather.h).
//
// Daily: one x slot per calendar day from `from` to `to`; temperatures (TMAX, TMIN, TAVG, TOBS ...)
// as lines on the left axis (or TMIN..TMAX as a band), precipitation-like elements (PRCP, SNOW,
// SNWD ...) as bars on the right axis. A day without a value is a gap, never a zero.
// Monthly: one slot per month; temperatures are the mean of the observed days, precipitation and
// snow the total of the observed days (MonthlySummary also tells how many days were observed).
//
// Thread-safety: all functions are pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "query/item.h"
#include "query/weather.h"
#include "storage/status.h"
#include "tools/chart/chart.h"

namespace freshet::chart {

inline const std::vector<std::string> kDefaultWeatherElements = {"TMAX", "TMIN", "PRCP", "SNOW"};

struct WeatherChartOptions {
  std::string station;   // shown in the title
  std::string from, to;  // YYYY-MM-DD, inclusive
  std::vector<std::string> elements = kDefaultWeatherElements;
  query::Units units = query::Units::kMetric;
  bool by_month = false;
  bool band = false;  // TMIN..TMAX as a band instead of two lines (needs both)
  int width = 960, height = 480;
};

// One month of one station: how many days had any observation, and per element the mean
// (temperatures and other elements) or the total (mm elements) over its observed days, with the
// number of days that element was observed. Values in the requested units.
struct MonthRow {
  std::string month;  // YYYY-MM
  int days = 0;
  std::map<std::string, std::pair<double, int>> values;  // element -> (mean or total, days observed)
};

// Whether an element is summed per month (precipitation-like, mm) rather than averaged.
bool IsTotalled(std::string_view element);

// The chart of `items` (the station's items in date order, as Query returns them). Errors:
// InvalidArgument for bad dates, from > to, a range of more than 100 years, an unknown element
// kind (only temperature and mm elements are charted), band without TMIN and TMAX.
Result<ChartSpec> BuildWeatherChart(const std::vector<query::Item>& items, const WeatherChartOptions& options);

// The monthly summary of `items` for `elements` (every month from..to that has observations).
Result<std::vector<MonthRow>> MonthlySummary(const std::vector<query::Item>& items,
                                             const std::vector<std::string>& elements, query::Units units);

}  // namespace freshet::chart
