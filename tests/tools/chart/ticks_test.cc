// Tests of tools/chart/ticks.h: civil dates, nice steps, calendar ticks whose labels never overlap.
#include "tools/chart/ticks.h"

#include <gtest/gtest.h>

#include <cmath>

namespace freshet::chart {
namespace {

TEST(TicksTest, CivilDatesRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2016, 2, 29), 16860);
  EXPECT_EQ(FormatDay(16860), "2016-02-29");
  EXPECT_EQ(ParseDay("2016-02-29"), 16860);
  EXPECT_FALSE(ParseDay("2015-02-29"));
  EXPECT_FALSE(ParseDay("2016-2-29"));
  EXPECT_EQ(ParseMonth("2016-03"), (2016 - 1970) * 12 + 2);
  EXPECT_EQ(FormatMonth(*ParseMonth("2012-12")), "2012-12");
  EXPECT_FALSE(ParseMonth("2016-13"));
  for (int64_t d = -1000; d < 30000; d += 17) EXPECT_EQ(ParseDay(FormatDay(d)), d);
}

// The step between ticks is 1, 2 or 5 times a power of ten, and the ticks cover the range.
void ExpectNice(double lo, double hi, int max_count) {
  const auto ticks = NiceTicks(lo, hi, max_count);
  ASSERT_GE(ticks.size(), 2u) << lo << ".." << hi;
  EXPECT_LE(static_cast<int>(ticks.size()), max_count);
  const double step = ticks[1].value - ticks[0].value;
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
  EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6)
      << "step " << step;
  EXPECT_GE(ticks.front().value, lo - 1e-9);
  EXPECT_LE(ticks.back().value, hi + 1e-9);
}

TEST(TicksTest, NiceSteps) {
  ExpectNice(-12.3, 37.8, 8);
  ExpectNice(0, 1, 6);
  ExpectNice(0, 0.037, 5);
  ExpectNice(0, 98765, 7);
  ExpectNice(-5, 5, 3);
  const auto t = NiceTicks(-10, 40, 6);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].label, "-10");
  EXPECT_EQ(t[5].label, "40");
  const auto small = NiceTicks(0, 0.5, 6);
  EXPECT_EQ(small[1].label, "0.1");
  double lo, hi;
  NiceRange(-7.2, 31.1, 6, &lo, &hi);
  EXPECT_EQ(lo, -10);
  EXPECT_EQ(hi, 40);
}

std::vector<double> Positions(const std::vector<Tick>& ticks, double first, double last, double pixels) {
  std::vector<double> p;
  for (const Tick& t : ticks) p.push_back((t.value - (first - 0.5)) / (last - first + 1) * pixels);
  return p;
}

std::vector<std::string> Labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> l;
  for (const Tick& t : ticks) l.push_back(t.label);
  return l;
}

TEST(TicksTest, DayTicksPickTheDensestStepThatFits) {
  const int64_t jan1 = *ParseDay("2016-01-01"), jan31 = *ParseDay("2016-01-31");
  // A month over 860 px: weekly ticks on Mondays (Jan 4, 11, 18, 25), labels without the year.
  auto month = DayTicks(jan1, jan31, 860);
  ASSERT_FALSE(month.empty());
  EXPECT_TRUE(LabelsFit(Positions(month, jan1, jan31, 860), Labels(month)));
  // Not every day: 31 labels of ~40 px do not fit in 860 px.
  EXPECT_LT(month.size(), 31u);
  // A week fits every day.
  auto week = DayTicks(jan1, jan1 + 6, 860);
  EXPECT_EQ(week.size(), 7u);
  EXPECT_EQ(week[0].label, "Jan 1");
  // Seven years: whole years.
  const int64_t end = *ParseDay("2018-12-31");
  auto years = DayTicks(jan1 - 4 * 365, end, 860);
  ASSERT_FALSE(years.empty());
  EXPECT_TRUE(LabelsFit(Positions(years, jan1 - 4 * 365, end, 860), Labels(years)));
  for (const Tick& t : years) {
    int y, m, d;
    CivilFromDays(static_cast<int64_t>(t.value), &y, &m, &d);
    EXPECT_EQ(d, 1);
  }
  // Narrow: still no overlap.
  auto narrow = DayTicks(jan1, end, 200);
  EXPECT_TRUE(LabelsFit(Positions(narrow, jan1, end, 200), Labels(narrow)));
}

TEST(TicksTest, MonthTicks) {
  auto ticks = MonthTicks(*ParseMonth("2016-01"), *ParseMonth("2016-12"), 860);
  ASSERT_EQ(ticks.size(), 12u);
  EXPECT_EQ(ticks[0].label, "Jan 2016");
  auto long_range = MonthTicks(*ParseMonth("2012-01"), *ParseMonth("2018-12"), 860);
  EXPECT_LT(long_range.size(), 84u);
}

TEST(TicksTest, LabelsFitDetectsOverlap) {
  EXPECT_FALSE(LabelsFit({0, 10}, {"Jan 2016", "Feb 2016"}));
  EXPECT_TRUE(LabelsFit({0, 100}, {"Jan 2016", "Feb 2016"}));
}

}  // namespace
}  // namespace freshet::chart
