// Axis ticks for freshet's charts: "nice" value steps (1, 2 or 5 x 10^n), calendar steps for
// dates (days, weeks, months, years) and for months, and the civil-date arithmetic they need.
//
// Every tick generator takes the width the labels may use and returns the densest ticks whose
// labels, estimated at kCharWidth pixels per character, do not overlap (LabelsFit).
//
// Thread-safety: all functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace freshet::chart {

// The width of one character of an 11 px sans-serif label, generously estimated, and the
// smallest gap kept between two labels.
inline constexpr double kCharWidth = 7.0;
inline constexpr double kLabelGap = 8.0;

struct Tick {
  double value = 0;  // in the axis's own unit (a number, days since 1970-01-01, months since 1970-01)
  std::string label;
};

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);
// "YYYY-MM-DD" -> days since 1970-01-01; nullopt if it is not such a date.
std::optional<int64_t> ParseDay(std::string_view text);
// "YYYY-MM" (or "YYYY-MM-DD", the day ignored) -> months since 1970-01; nullopt otherwise.
std::optional<int64_t> ParseMonth(std::string_view text);
std::string FormatDay(int64_t days);      // "YYYY-MM-DD"
std::string FormatMonth(int64_t months);  // "YYYY-MM"

// Estimated rendered width of a label.
double LabelWidth(std::string_view label);
// Whether labels centred on `positions` (pixels, ascending) leave kLabelGap between each other.
bool LabelsFit(const std::vector<double>& positions, const std::vector<std::string>& labels);

// Ticks at multiples of a nice step (1, 2, 5 x 10^n) covering [lo, hi], at most `max_count` of them;
// labels with as many decimals as the step needs. REQUIRES: lo <= hi, max_count >= 2.
std::vector<Tick> NiceTicks(double lo, double hi, int max_count);
// The nice range [lo', hi'] (multiples of the step NiceTicks picks) that contains [lo, hi].
void NiceRange(double lo, double hi, int max_count, double* nice_lo, double* nice_hi);

// Ticks for days in [first, last] (days since 1970-01-01) over `pixels` of axis: every 1, 2 days,
// weeks (Mondays), 1, 2, 3, 6 months (the 1st), or 1, 2, 5, 10... years (January 1st), the
// densest whose labels fit.
std::vector<Tick> DayTicks(int64_t first, int64_t last, double pixels);
// Ticks for months in [first, last] (months since 1970-01): every 1, 2, 3, 6 months, 1, 2, 5... years.
std::vector<Tick> MonthTicks(int64_t first, int64_t last, double pixels);

}  // namespace freshet::chart
