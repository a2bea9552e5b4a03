// Unit conversions against hand-computed values (docs/ingest.md lists the rules).
#include "ingest/units.h"

#include <gtest/gtest.h>

namespace freshet::ingest {
namespace {

std::string Metric(std::string_view element, std::string_view value, UnitSystem units) {
  Result<std::string> r = ToMetric(element, value, units);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(UnitsTest, ParseAndFormatAreCanonical) {
  EXPECT_EQ(FormatDecimal(*ParseDecimal("0.00")), "0");
  EXPECT_EQ(FormatDecimal(*ParseDecimal("-0.0")), "0");
  EXPECT_EQ(FormatDecimal(*ParseDecimal("  -50")), "-50");
  EXPECT_EQ(FormatDecimal(*ParseDecimal("2.50")), "2.5");
  EXPECT_EQ(FormatDecimal(*ParseDecimal(".5")), "0.5");
  EXPECT_EQ(FormatDecimal(*ParseDecimal("+007.010")), "7.01");
  EXPECT_EQ(FormatDecimal(Decimal{-5, 3}), "-0.005");
  EXPECT_FALSE(ParseDecimal("").ok());
  EXPECT_FALSE(ParseDecimal("1.2.3").ok());
  EXPECT_FALSE(ParseDecimal("12a").ok());
  EXPECT_FALSE(ParseDecimal("-").ok());
  EXPECT_FALSE(ParseDecimal("1e5").ok());
  EXPECT_FALSE(ParseDecimal("1234567890123456").ok());  // 16 significant digits
}

TEST(UnitsTest, GhcnRawTenthsAreShiftedExactly) {
  EXPECT_EQ(Metric("PRCP", "38", UnitSystem::kGhcnRaw), "3.8");  // tenths of mm
  EXPECT_EQ(Metric("PRCP", "0", UnitSystem::kGhcnRaw), "0");
  EXPECT_EQ(Metric("PRCP", "1234", UnitSystem::kGhcnRaw), "123.4");
  EXPECT_EQ(Metric("WESD", "5", UnitSystem::kGhcnRaw), "0.5");
  EXPECT_EQ(Metric("TMAX", "-11", UnitSystem::kGhcnRaw), "-1.1");  // tenths of °C
  EXPECT_EQ(Metric("TMIN", "-5", UnitSystem::kGhcnRaw), "-0.5");
  EXPECT_EQ(Metric("TOBS", "250", UnitSystem::kGhcnRaw), "25");
  EXPECT_EQ(Metric("SNOW", "749", UnitSystem::kGhcnRaw), "749");  // already mm
  EXPECT_EQ(Metric("SNWD", "  660", UnitSystem::kGhcnRaw), "660");
}

TEST(UnitsTest, InchesTimes254) {
  EXPECT_EQ(Metric("PRCP", "0.15", UnitSystem::kStandard), "3.81");
  EXPECT_EQ(Metric("PRCP", "0.01", UnitSystem::kStandard), "0.254");
  EXPECT_EQ(Metric("PRCP", "1.00", UnitSystem::kStandard), "25.4");
  EXPECT_EQ(Metric("SNOW", "29.2", UnitSystem::kStandard), "741.68");
  EXPECT_EQ(Metric("SNWD", "0.0", UnitSystem::kStandard), "0");
  EXPECT_EQ(Metric("MDPR", "2.37", UnitSystem::kStandard), "60.198");
}

TEST(UnitsTest, FahrenheitRoundedToHundredthsHalfAwayFromZero) {
  EXPECT_EQ(Metric("TMAX", "32", UnitSystem::kStandard), "0");
  EXPECT_EQ(Metric("TMAX", "212", UnitSystem::kStandard), "100");
  EXPECT_EQ(Metric("TMAX", "62", UnitSystem::kStandard), "16.67");  // 30*5/9 = 16.666..
  EXPECT_EQ(Metric("TMIN", "28", UnitSystem::kStandard), "-2.22");  // -20/9 = -2.222..
  EXPECT_EQ(Metric("TOBS", "30", UnitSystem::kStandard), "-1.11");  // -10/9
  EXPECT_EQ(Metric("TMAX", "33", UnitSystem::kStandard), "0.56");   // 5/9 = 0.5555..
  EXPECT_EQ(Metric("TMIN", "31", UnitSystem::kStandard), "-0.56");  // half away from zero
  EXPECT_EQ(Metric("TMIN", "-40", UnitSystem::kStandard), "-40");
  EXPECT_EQ(Metric("TMAX", "50", UnitSystem::kStandard), "10");
  EXPECT_EQ(Metric("TMAX", "98.6", UnitSystem::kStandard), "37");
  EXPECT_EQ(Metric("TMAX", "32.9", UnitSystem::kStandard), "0.5");
}

TEST(UnitsTest, MetricIsNormalizedOnly) {
  EXPECT_EQ(Metric("PRCP", "2.50", UnitSystem::kMetric), "2.5");
  EXPECT_EQ(Metric("TMAX", "-3.3", UnitSystem::kMetric), "-3.3");
}

TEST(UnitsTest, ElementsWithoutKnownUnitKeepTheirValue) {
  EXPECT_EQ(Metric("WT01", "    1", UnitSystem::kStandard), "1");
  EXPECT_EQ(Metric("DAPR", "2", UnitSystem::kGhcnRaw), "2");
  EXPECT_EQ(Metric("AWND", "45", UnitSystem::kGhcnRaw), "45");
  EXPECT_EQ(Metric("WT01", " x ", UnitSystem::kGhcnRaw), "x");
}

TEST(UnitsTest, BadNumbersForKnownUnitsAreErrors) {
  Result<std::string> r = ToMetric("PRCP", "1,5", UnitSystem::kStandard);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "PRCP value '1,5' is not a decimal number");
}

TEST(UnitsTest, MissingMarkers) {
  EXPECT_TRUE(IsMissingValue(""));
  EXPECT_TRUE(IsMissingValue("   "));
  EXPECT_TRUE(IsMissingValue("-9999"));
  EXPECT_TRUE(IsMissingValue("-9999 "));
  EXPECT_FALSE(IsMissingValue("0"));
  EXPECT_FALSE(IsMissingValue("-999"));
}

}  // namespace
}  // namespace freshet::ingest
