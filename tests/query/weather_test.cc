#include "query/weather.h"

#include <gtest/gtest.h>

namespace freshet::query {
namespace {

TEST(WeatherTest, ValidatesDates) {
  EXPECT_TRUE(ValidateDate("2024-02-29", "--from").ok());
  EXPECT_FALSE(ValidateDate("2023-02-29", "--from").ok());
  EXPECT_FALSE(ValidateDate("2024-13-01", "--from").ok());
  EXPECT_FALSE(ValidateDate("2024-1-01", "--from").ok());
  EXPECT_FALSE(ValidateDate("2024/01/01", "--from").ok());
  EXPECT_NE(ValidateDate("x", "--to").message().find("--to"), std::string::npos);
}

TEST(WeatherTest, NormalizesStations) {
  EXPECT_EQ(*NormalizeStation("GHCND:USW00093721"), "USW00093721");
  EXPECT_EQ(*NormalizeStation("USW00093721"), "USW00093721");
  EXPECT_FALSE(NormalizeStation("GHCND:").ok());
}

TEST(WeatherTest, ConvertsUnits) {
  EXPECT_EQ(DisplayValue("PRCP", AttributeValue::N("25.4"), Units::kStandard), "1.00");
  EXPECT_EQ(DisplayValue("PRCP", AttributeValue::N("25.4"), Units::kMetric), "25.4");
  EXPECT_EQ(DisplayValue("TMAX", AttributeValue::N("-40"), Units::kStandard), "-40.0");
  EXPECT_EQ(DisplayValue("TMIN", AttributeValue::N("22.8"), Units::kStandard), "73.0");
  EXPECT_EQ(DisplayValue("SNOW", AttributeValue::N("0"), Units::kStandard), "0.00");
  EXPECT_EQ(DisplayValue("AWND", AttributeValue::N("3.1"), Units::kStandard), "3.1");
  EXPECT_EQ(DisplayValue("TMAX", AttributeValue::S("M"), Units::kStandard), "M");
  EXPECT_EQ(ConvertValue("TMAX", AttributeValue::N("0"), Units::kStandard).scalar(), "32.0");
  EXPECT_EQ(UnitOf("PRCP", Units::kStandard), "in");
  EXPECT_EQ(UnitOf("TOBS", Units::kMetric), "C");
}

}  // namespace
}  // namespace freshet::query
