// The weather table's conventions, for `freshet query`: station ids, dates, element units.
//
// The weather table has partition key station (S, a GHCN-Daily id such as "USW00093721") and
// sort key date (S, "YYYY-MM-DD"); each item holds one station-day with one attribute per
// element (PRCP, TMAX, ...) in metric units: precipitation and snow in mm, temperatures in
// degrees C. Standard units are inches (mm / 25.4, 2 decimals) and degrees F (C * 9/5 + 32,
// 1 decimal).
//
// Thread-safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>

#include "query/item.h"
#include "storage/status.h"

namespace freshet::query {

inline constexpr std::string_view kDefaultWeatherTable = "weather";

enum class Units { kMetric, kStandard };
// "metric" or "standard"; InvalidArgument otherwise.
Result<Units> ParseUnits(std::string_view name);

// The station id without a "GHCND:" prefix. InvalidArgument if empty.
Result<std::string> NormalizeStation(std::string_view id);

// Checks that `date` is a real calendar date written YYYY-MM-DD; the message names `flag`.
Status ValidateDate(std::string_view date, std::string_view flag);

// The unit an element is shown in ("mm", "in", "C", "F"), or empty for other elements.
std::string_view UnitOf(std::string_view element, Units units);

// The cell text of `value` of `element` in `units`: numbers of mm and C elements are converted
// for kStandard; everything else is shown as stored.
std::string DisplayValue(std::string_view element, const AttributeValue& value, Units units);
// The same as a value (N for converted numbers), for JSON output.
AttributeValue ConvertValue(std::string_view element, const AttributeValue& value, Units units);

}  // namespace freshet::query
