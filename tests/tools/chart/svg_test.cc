// Tests of tools/chart/chart.h and weather_chart.h on small made-up series: marks, gaps, axes,
// the band, and the SVG's validity as a document librsvg parses (png.h).
#include <gtest/gtest.h>

#include <regex>

#include "tools/chart/chart.h"
#include "tools/chart/png.h"
#include "tools/chart/weather_chart.h"

namespace freshet::chart {
namespace {

size_t Count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

query::Item Day(const std::string& date, std::vector<std::pair<std::string, std::string>> values) {
  query::Item item;
  item.Set("date", query::AttributeValue::S(date));
  item.Set("station", query::AttributeValue::S("USC00182336"));
  for (auto& [k, v] : values) item.Set(k, query::AttributeValue::N(v));
  return item;
}

TEST(SvgTest, LinesBreakAtMissingDaysAndBarsOnTheRightAxis) {
  // Jan 1-6; Jan 3 and Jan 4 missing entirely; Jan 6 has rain only.
  std::vector<query::Item> items = {
      Day("2016-01-01", {{"TMAX", "5.6"}, {"TMIN", "-2.1"}, {"PRCP", "0"}}),
      Day("2016-01-02", {{"TMAX", "7.2"}, {"TMIN", "-1.0"}, {"PRCP", "12.4"}}),
      Day("2016-01-05", {{"TMAX", "1.1"}, {"TMIN", "-8.3"}, {"PRCP", "3.0"}}),
      Day("2016-01-06", {{"PRCP", "0.5"}}),
  };
  WeatherChartOptions o;
  o.station = "USC00182336";
  o.from = "2016-01-01";
  o.to = "2016-01-06";
  o.elements = {"TMAX", "TMIN", "PRCP"};
  auto spec = BuildWeatherChart(items, o);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->x.size(), 6u);
  auto svg = RenderSvg(*spec);
  ASSERT_TRUE(svg.ok());
  // TMAX: two runs (Jan 1-2, Jan 5) -> two paths; TMIN the same; 3 marks each.
  EXPECT_EQ(Count(*svg, "<path class=\"line\""), 4u);
  EXPECT_EQ(Count(*svg, "<circle class=\"mark\""), 6u);
  // PRCP: four bars including the zero on Jan 1 (observed zero is not missing).
  EXPECT_EQ(Count(*svg, "<rect class=\"mark\""), 4u);
  EXPECT_EQ(Count(*svg, "data-x=\"2016-01-03\""), 0u);
  EXPECT_NE(svg->find("data-name=\"PRCP (mm)\" data-kind=\"bar\" data-axis=\"right\""), std::string::npos);
  EXPECT_NE(svg->find(">Temperature (C)</text>"), std::string::npos);
  EXPECT_NE(svg->find(">Precipitation (mm)</text>"), std::string::npos);
  EXPECT_NE(svg->find("data-y=\"12.4\""), std::string::npos);

  // Standard units convert the values and the labels.
  o.units = query::Units::kStandard;
  auto standard = RenderSvg(*BuildWeatherChart(items, o));
  ASSERT_TRUE(standard.ok());
  EXPECT_NE(standard->find(">Temperature (F)</text>"), std::string::npos);
  EXPECT_NE(standard->find(">Precipitation (in)</text>"), std::string::npos);
  EXPECT_NE(standard->find("data-y=\"42.1\""), std::string::npos);  // 5.6 C
  EXPECT_NE(standard->find("data-y=\"0.49\""), std::string::npos);  // 12.4 mm

  // The SVG is a document librsvg reads; the PNG has the requested size.
  auto png = SvgToPng(*svg, spec->width, spec->height);
  ASSERT_TRUE(png.ok()) << png.status().message();
  ASSERT_GT(png->size(), 24u);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<uint8_t>((*png)[at])) << 24) |
           (static_cast<uint32_t>(static_cast<uint8_t>((*png)[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<uint8_t>((*png)[at + 2])) << 8) | static_cast<uint8_t>((*png)[at + 3]);
  };
  EXPECT_EQ(be32(16), 960u);
  EXPECT_EQ(be32(20), 480u);
}

TEST(SvgTest, BandAndMonthly) {
  std::vector<query::Item> items;
  for (int d = 1; d <= 28; ++d) {
    const std::string date = "2016-02-" + std::string(d < 10 ? "0" : "") + std::to_string(d);
    items.push_back(Day(date, {{"TMAX", std::to_string(d)}, {"TMIN", "0"}, {"PRCP", "1"}}));
  }
  items.push_back(Day("2016-03-01", {{"TMAX", "10"}, {"TMIN", "2"}, {"PRCP", "4"}}));
  WeatherChartOptions o;
  o.station = "X";
  o.from = "2016-02-01";
  o.to = "2016-03-31";
  o.band = true;
  auto band = RenderSvg(*BuildWeatherChart(items, o));
  ASSERT_TRUE(band.ok());
  EXPECT_EQ(Count(*band, "<polygon class=\"run\""), 1u);  // Feb 1..Mar 1 is one run
  EXPECT_EQ(Count(*band, "<path class=\"line\""), 0u);

  o.band = false;
  o.by_month = true;
  auto rows = MonthlySummary(items, o.elements, query::Units::kMetric);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].month, "2016-02");
  EXPECT_EQ((*rows)[0].days, 28);
  EXPECT_DOUBLE_EQ((*rows)[0].values.at("TMAX").first, 14.5);  // mean of 1..28
  EXPECT_DOUBLE_EQ((*rows)[0].values.at("PRCP").first, 28);    // total
  EXPECT_EQ((*rows)[0].values.count("SNOW"), 0u);              // never observed: absent, not zero
  auto monthly = RenderSvg(*BuildWeatherChart(items, o));
  ASSERT_TRUE(monthly.ok());
  EXPECT_NE(monthly->find("data-x=\"2016-02\" data-y=\"28\""), std::string::npos);
  EXPECT_NE(monthly->find(">Monthly total (mm)</text>"), std::string::npos);
}

TEST(SvgTest, RejectsInconsistentSpecsAndEscapesText) {
  ChartSpec spec;
  spec.x = {1, 2};
  spec.x_text = {"1", "2"};
  spec.series.push_back({"a", SeriesKind::kLine, Axis::kLeft, {1.0}, ""});
  EXPECT_FALSE(RenderSvg(spec).ok());
  spec.series[0].values = {1.0, 2.0};
  spec.title = "<a & b>";
  auto svg = RenderSvg(spec);
  ASSERT_TRUE(svg.ok());
  EXPECT_NE(svg->find("&lt;a &amp; b&gt;"), std::string::npos);
  spec.x = {2, 1};
  EXPECT_FALSE(RenderSvg(spec).ok());
  WeatherChartOptions o;
  o.from = "2016-01-02";
  o.to = "2016-01-01";
  EXPECT_FALSE(BuildWeatherChart({}, o).ok());
  o.to = "2016-01-03";
  o.elements = {"WT01"};
  EXPECT_FALSE(BuildWeatherChart({}, o).ok());
  o.elements = {"TMAX"};
  auto empty = RenderSvg(*BuildWeatherChart({}, o));
  ASSERT_TRUE(empty.ok());
  EXPECT_NE(empty->find("no data"), std::string::npos);
}

}  // namespace
}  // namespace freshet::chart
