// Axis ticks: nice value steps and calendar steps (see ticks.h).
#include "tools/chart/ticks.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace freshet::chart {
namespace {

constexpr const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool ParseInt(std::string_view text, int* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

double NiceStep(double lo, double hi, int max_count) {
  const double span = hi > lo ? hi - lo : std::max(1.0, std::abs(hi));
  const double raw = span / std::max(1, max_count - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    const double step = m * magnitude;
    if (std::floor(hi / step) - std::ceil(lo / step) + 1 <= max_count) return step;
  }
  return 20 * magnitude;
}

std::string FormatNumber(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // "-0"
  return s;
}

// Ticks of `values` placed linearly over `pixels` from `first` to `last`; whether their labels fit.
bool Fits(const std::vector<Tick>& ticks, double first, double last, double pixels) {
  if (ticks.size() < 2) return true;
  const double span = std::max(1e-9, last - first);
  std::vector<double> positions;
  std::vector<std::string> labels;
  for (const Tick& t : ticks) {
    positions.push_back((t.value - first) / span * pixels);
    labels.push_back(t.label);
  }
  return LabelsFit(positions, labels);
}

}  // namespace

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int>(yoe + era * 400 + (*month <= 2));
}

std::optional<int64_t> ParseDay(std::string_view t) {
  int y = 0, m = 0, d = 0;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!ParseInt(t.substr(0, 4), &y) || !ParseInt(t.substr(5, 2), &m) || !ParseInt(t.substr(8, 2), &d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const int64_t days = DaysFromCivil(y, m, d);
  int y2, m2, d2;
  CivilFromDays(days, &y2, &m2, &d2);
  if (y2 != y || m2 != m || d2 != d) return std::nullopt;  // 2016-02-30
  return days;
}

std::optional<int64_t> ParseMonth(std::string_view t) {
  int y = 0, m = 0;
  if ((t.size() != 7 && t.size() != 10) || t[4] != '-') return std::nullopt;
  if (t.size() == 10 && !ParseDay(t)) return std::nullopt;
  if (!ParseInt(t.substr(0, 4), &y) || !ParseInt(t.substr(5, 2), &m) || m < 1 || m > 12) return std::nullopt;
  return static_cast<int64_t>(y - 1970) * 12 + (m - 1);
}

std::string FormatDay(int64_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string FormatMonth(int64_t months) {
  const int64_t y = 1970 + (months >= 0 ? months / 12 : (months - 11) / 12);
  const int64_t m = months - (y - 1970) * 12 + 1;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld", static_cast<long long>(y), static_cast<long long>(m));
  return buf;
}

double LabelWidth(std::string_view label) { return static_cast<double>(label.size()) * kCharWidth; }

bool LabelsFit(const std::vector<double>& positions, const std::vector<std::string>& labels) {
  for (size_t i = 1; i < positions.size() && i < labels.size(); ++i) {
    const double right_of_previous = positions[i - 1] + LabelWidth(labels[i - 1]) / 2;
    const double left_of_this = positions[i] - LabelWidth(labels[i]) / 2;
    if (left_of_this - right_of_previous < kLabelGap) return false;
  }
  return true;
}

void NiceRange(double lo, double hi, int max_count, double* nice_lo, double* nice_hi) {
  const double step = NiceStep(lo, hi, max_count);
  *nice_lo = std::floor(lo / step) * step;
  *nice_hi = std::ceil(hi / step) * step;
  if (*nice_hi <= *nice_lo) *nice_hi = *nice_lo + step;
}

std::vector<Tick> NiceTicks(double lo, double hi, int max_count) {
  const double step = NiceStep(lo, hi, max_count);
  std::vector<Tick> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1) {
    const double v = k * step;
    ticks.push_back({v, FormatNumber(v, step)});
  }
  return ticks;
}

std::vector<Tick> DayTicks(int64_t first, int64_t last, double pixels) {
  int fy, fm, fd, ly, lm, ld;
  CivilFromDays(first, &fy, &fm, &fd);
  CivilFromDays(last, &ly, &lm, &ld);
  const bool one_year = fy == ly;
  auto day_label = [&](int64_t days) {
    int y, m, d;
    CivilFromDays(days, &y, &m, &d);
    std::string label = std::string(kMonthNames[m - 1]) + " " + std::to_string(d);
    return one_year ? label : label + " " + std::to_string(y);
  };
  std::vector<Tick> ticks;
  // Days and weeks.
  for (int step : {1, 2, 7, 14}) {
    ticks.clear();
    int64_t start = first;
    if (step >= 7) {
      while ((start + 3) % 7 != 0) ++start;  // 1970-01-01 was a Thursday; (days + 3) % 7 == 0 on Mondays
    }
    for (int64_t d = start; d <= last; d += step) ticks.push_back({static_cast<double>(d), day_label(d)});
    if (Fits(ticks, first - 0.5, last + 0.5, pixels)) return ticks;
  }
  // Months and years, on the first of the month.
  const int64_t first_month = static_cast<int64_t>(fy - 1970) * 12 + fm - 1;
  const int64_t last_month = static_cast<int64_t>(ly - 1970) * 12 + lm - 1;
  for (int step : {1, 2, 3, 6, 12, 24, 60, 120, 240, 600}) {
    ticks.clear();
    for (int64_t mo = first_month; mo <= last_month; ++mo) {
      if (mo % step != 0) continue;
      const int64_t y = 1970 + mo / 12;
      const int m = static_cast<int>(mo % 12) + 1;
      const int64_t day = DaysFromCivil(static_cast<int>(y), m, 1);
      if (day < first || day > last) continue;
      std::string label = step >= 12 ? std::to_string(y) : std::string(kMonthNames[m - 1]) + " " + std::to_string(y);
      ticks.push_back({static_cast<double>(day), std::move(label)});
    }
    if (Fits(ticks, first - 0.5, last + 0.5, pixels)) return ticks;
  }
  return {};
}

std::vector<Tick> MonthTicks(int64_t first, int64_t last, double pixels) {
  std::vector<Tick> ticks;
  for (int step : {1, 2, 3, 6, 12, 24, 60, 120, 240, 600}) {
    ticks.clear();
    for (int64_t mo = first; mo <= last; ++mo) {
      if (((mo % step) + step) % step != 0) continue;
      const int64_t y = 1970 + (mo >= 0 ? mo / 12 : (mo - 11) / 12);
      const int m = static_cast<int>(mo - (y - 1970) * 12) + 1;
      std::string label = step >= 12 ? std::to_string(y) : std::string(kMonthNames[m - 1]) + " " + std::to_string(y);
      ticks.push_back({static_cast<double>(mo), std::move(label)});
    }
    if (Fits(ticks, first - 0.5, last + 0.5, pixels)) return ticks;
  }
  return {};
}

}  // namespace freshet::chart
