#include "query/weather.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "query/item_output.h"

namespace freshet::query {
namespace {

enum class Kind { kOther, kMillimetres, kCelsius };

// GHCN-Daily elements stored in mm or degrees C (readme.txt of GHCN-Daily, converted from
// tenths by ingest).
Kind KindOf(std::string_view e) {
  for (std::string_view mm : {"PRCP", "SNOW", "SNWD", "WESD", "WESF", "EVAP", "MDPR", "MDSF", "MDEV"}) {
    if (e == mm) return Kind::kMillimetres;
  }
  for (std::string_view c : {"TMAX", "TMIN", "TOBS", "TAVG", "MNPN", "MXPN", "ADPT", "AWBT"}) {
    if (e == c) return Kind::kCelsius;
  }
  return Kind::kOther;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0.0" || s == "-0.00") s.erase(0, 1);
  return s;
}

bool Convert(std::string_view element, const AttributeValue& v, Units units, std::string* out) {
  if (units == Units::kMetric || v.type() != AttributeValue::Type::kN) return false;
  const Kind kind = KindOf(element);
  if (kind == Kind::kOther) return false;
  char* end = nullptr;
  const double x = std::strtod(v.scalar().c_str(), &end);
  if (end == v.scalar().c_str() || !std::isfinite(x)) return false;
  *out = kind == Kind::kMillimetres ? Fixed(x / 25.4, 2) : Fixed(x * 9.0 / 5.0 + 32.0, 1);
  return true;
}

}  // namespace

Result<Units> ParseUnits(std::string_view name) {
  if (name == "metric") return Units::kMetric;
  if (name == "standard") return Units::kStandard;
  return Status::InvalidArgument("--units must be metric or standard, not '" + std::string(name) + "'");
}

Result<std::string> NormalizeStation(std::string_view id) {
  constexpr std::string_view kPrefix = "GHCND:";
  if (id.substr(0, kPrefix.size()) == kPrefix) id.remove_prefix(kPrefix.size());
  if (id.empty()) return Status::InvalidArgument("--station must name a station, e.g. USW00093721");
  return std::string(id);
}

Status ValidateDate(std::string_view date, std::string_view flag) {
  auto bad = [&] {
    return Status::InvalidArgument(std::string(flag) + " must be a date written YYYY-MM-DD, not '" + std::string(date) +
                                   "'");
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  int y = 0, m = 0, d = 0;
  auto num = [&](size_t pos, size_t len, int* v) {
    auto [p, ec] = std::from_chars(date.data() + pos, date.data() + pos + len, *v);
    return ec == std::errc() && p == date.data() + pos + len;
  };
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return bad();
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) {
    return Status::InvalidArgument(std::string(flag) + ": " + std::string(date) + " is not a calendar date");
  }
  return Status::OK();
}

std::string_view UnitOf(std::string_view element, Units units) {
  switch (KindOf(element)) {
    case Kind::kMillimetres: return units == Units::kMetric ? "mm" : "in";
    case Kind::kCelsius: return units == Units::kMetric ? "C" : "F";
    case Kind::kOther: return "";
  }
  return "";
}

std::string DisplayValue(std::string_view element, const AttributeValue& value, Units units) {
  std::string converted;
  return Convert(element, value, units, &converted) ? converted : CellText(value);
}

AttributeValue ConvertValue(std::string_view element, const AttributeValue& value, Units units) {
  std::string converted;
  return Convert(element, value, units, &converted) ? AttributeValue::N(std::move(converted)) : value;
}

}  // namespace freshet::query
