// Tests for query/expr/decimal.h: parsing, exact sums at 38 digits, limits and comparison.
#include "query/expr/decimal.h"

#include <gtest/gtest.h>

namespace freshet::query::expr {
namespace {

std::string Sum(std::string_view a, std::string_view b) {
  auto x = Decimal::Parse(a);
  auto y = Decimal::Parse(b);
  EXPECT_TRUE(x.ok() && y.ok());
  auto r = Decimal::Add(*x, *y);
  return r.ok() ? r->ToString() : r.status().message();
}

std::string Difference(std::string_view a, std::string_view b) {
  auto r = Decimal::Subtract(*Decimal::Parse(a), *Decimal::Parse(b));
  return r.ok() ? r->ToString() : r.status().message();
}

TEST(DecimalTest, ParsesAndPrintsCanonically) {
  EXPECT_EQ(Decimal::Parse("22.80")->ToString(), "22.8");
  EXPECT_EQ(Decimal::Parse("-0.0010")->ToString(), "-0.001");
  EXPECT_EQ(Decimal::Parse("+.5")->ToString(), "0.5");
  EXPECT_EQ(Decimal::Parse("1e3")->ToString(), "1000");
  EXPECT_EQ(Decimal::Parse("-0")->ToString(), "0");
  EXPECT_EQ(Decimal::Parse("1E+50")->ToString(), "1E+50");
}

TEST(DecimalTest, RejectsWhatDynamoDbRejects) {
  EXPECT_EQ(Decimal::Parse("abc").status().message(), "The parameter cannot be converted to a numeric value: abc");
  EXPECT_EQ(Decimal::Parse("").status().message(), "The parameter cannot be converted to a numeric value");
  EXPECT_EQ(Decimal::Parse("1e").status().message(), "The parameter cannot be converted to a numeric value: 1e");
  EXPECT_EQ(Decimal::Parse("123456789012345678901234567890123456789").status().message(),
            "Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(Decimal::Parse("1e126").status().message(),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(Decimal::Parse("1e-131").status().message(),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  EXPECT_TRUE(Decimal::Parse("9.9999999999999999999999999999999999999E+125").ok());
  EXPECT_TRUE(Decimal::Parse("1E-130").ok());
  // Trailing zeros are not significant.
  EXPECT_TRUE(Decimal::Parse("12345678901234567890123456789012345678000000").ok());
}

TEST(DecimalTest, AddsExactly) {
  EXPECT_EQ(Sum("0.1", "0.2"), "0.3");  // 0.30000000000000004 through double
  EXPECT_EQ(Sum("22.8", "-22.80"), "0");
  EXPECT_EQ(Sum("-5", "3"), "-2");
  EXPECT_EQ(Sum("3", "-5"), "-2");
  EXPECT_EQ(Sum("999", "1"), "1000");
  EXPECT_EQ(Sum("0.001", "1000"), "1000.001");
  // 38 significant digits survive: 12345678901234567890123456789012345678 + 1.
  EXPECT_EQ(Sum("12345678901234567890123456789012345678", "1"), "12345678901234567890123456789012345679");
  EXPECT_EQ(Sum("99999999999999999999999999999999999999", "-1"), "99999999999999999999999999999999999998");
  EXPECT_EQ(Difference("1", "0.00000000000000000000000000000000000001"), "0.99999999999999999999999999999999999999");
  EXPECT_EQ(Difference("10", "10.5"), "-0.5");
}

TEST(DecimalTest, ArithmeticFailsInsteadOfRounding) {
  // 39 digits needed.
  EXPECT_EQ(Sum("99999999999999999999999999999999999999", "1"), "100000000000000000000000000000000000000");  // 1 digit
  EXPECT_EQ(Sum("99999999999999999999999999999999999999", "0.1"),
            "Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(Sum("1e100", "1"), "Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(Sum("9.9999999999999999999999999999999999999E+125", "1E+88"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(Difference("2E-130", "1.5E-130"),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range");
}

TEST(DecimalTest, ComparesNumerically) {
  auto cmp = [](std::string_view a, std::string_view b) { return CompareNumberText(a, b); };
  EXPECT_EQ(cmp("1", "1.0"), 0);
  EXPECT_EQ(cmp("2", "10"), -1);  // bytewise "2" > "10"
  EXPECT_EQ(cmp("-2", "-10"), 1);
  EXPECT_EQ(cmp("0", "-0.0001"), 1);
  EXPECT_EQ(cmp("1e2", "99.99"), 1);
  EXPECT_EQ(cmp("0.25", "0.3"), -1);
}

}  // namespace
}  // namespace freshet::query::expr
