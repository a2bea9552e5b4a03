// Tests for query/expr/evaluate.h: conditions parsed from text, evaluated on a weather item,
// against results worked out by hand.
#include "query/expr/evaluate.h"

#include <gtest/gtest.h>

#include "query/expr/parser.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

constexpr std::string_view kValues = R"({
  ":station": {"S": "USW00093721"}, ":us": {"S": "USW"}, ":zero": {"N": "0"}, ":quarter": {"N": "0.250"},
  ":thirty": {"N": "30"}, ":forty": {"N": "40"}, ":m": {"S": "M"}, ":x": {"S": "X"}, ":six": {"N": "6"},
  ":three": {"N": "3"}, ":t_ss": {"S": "SS"}, ":t_n": {"S": "N"}, ":missing": {"S": "missing"},
  ":flags": {"SS": ["Q", "M"]}, ":jun": {"S": "2024-06-01"}, ":aug": {"S": "2024-08-01"}, ":true": {"BOOL": true},
  ":raw_prefix": {"B": "AA=="}, ":ghcnd": {"S": "GHC"}, ":r1": {"N": "28"}, ":twelve": {"N": "12"},
  ":null": {"NULL": true}
})";

// Evaluates `text` on `item` (null: no item); fails the test on a parse or evaluation error.
bool Eval(std::string_view text, const Item* item) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}, {"#s", "status"}, {"#src", "source"}}, kValues);
  auto c = ParseCondition(text, ExpressionType::kCondition, &attrs);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return false;
  auto r = Evaluate(*c, item);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && *r;
}

class EvaluateTest : public ::testing::Test {
 protected:
  bool E(std::string_view text) { return Eval(text, &item_); }
  Item item_ = WeatherItem();
};

TEST_F(EvaluateTest, Comparisons) {
  EXPECT_TRUE(E("station = :station"));
  EXPECT_TRUE(E("PRCP = :quarter"));  // 0.25 = 0.250, numerically
  EXPECT_FALSE(E("PRCP <> :quarter"));
  EXPECT_TRUE(E("TMAX > :thirty AND TMAX < :forty"));
  EXPECT_TRUE(E("TMAX >= TMIN"));
  EXPECT_FALSE(E("TMAX <= TMIN"));
  EXPECT_TRUE(E("SNOW = :zero"));
  EXPECT_TRUE(E("#d > :jun AND #d < :aug"));  // strings bytewise
  EXPECT_TRUE(E("flags = :flags"));           // sets compare as sets
  EXPECT_TRUE(E("meta.qc.passed = :true"));
  EXPECT_TRUE(E("note = :null"));
}

TEST_F(EvaluateTest, MismatchedTypesAreFalse) {
  EXPECT_FALSE(E("station = :zero"));
  EXPECT_FALSE(E("station < :zero"));
  EXPECT_FALSE(E("station > :zero"));
  EXPECT_TRUE(E("station <> :zero"));
  EXPECT_FALSE(E("readings[2] > :zero"));  // "missing" is an S
  EXPECT_FALSE(E("flags > :m"));           // sets have no order
}

TEST_F(EvaluateTest, MissingAttributes) {
  EXPECT_FALSE(E("TAVG = :zero"));
  EXPECT_FALSE(E("TAVG < :zero"));
  EXPECT_TRUE(E("TAVG <> :zero"));  // a missing attribute differs from any value
  EXPECT_FALSE(E("TAVG BETWEEN :zero AND :forty"));
  EXPECT_FALSE(E("TAVG IN (:zero, :forty)"));
  EXPECT_TRUE(E("attribute_not_exists(TAVG)"));
  EXPECT_FALSE(E("attribute_exists(TAVG)"));
  EXPECT_FALSE(E("attribute_exists(meta.nothing.deeper)"));
  EXPECT_FALSE(E("attribute_exists(readings[3])"));
  EXPECT_TRUE(E("attribute_exists(readings[2])"));
  EXPECT_FALSE(E("attribute_exists(station.part)"));  // a member of a string
  EXPECT_FALSE(E("size(TAVG) > :zero"));
  EXPECT_FALSE(E("contains(TAVG, :m)"));
  EXPECT_TRUE(E("NOT contains(TAVG, :m)"));
}

TEST_F(EvaluateTest, NoItem) {
  EXPECT_TRUE(Eval("attribute_not_exists(station)", nullptr));
  EXPECT_FALSE(Eval("attribute_exists(station)", nullptr));
  EXPECT_FALSE(Eval("station = :station", nullptr));
  EXPECT_TRUE(Eval("attribute_not_exists(station) OR station = :station", nullptr));
}

TEST_F(EvaluateTest, BetweenAndIn) {
  EXPECT_TRUE(E("TMAX BETWEEN :thirty AND :forty"));
  EXPECT_TRUE(E("PRCP BETWEEN :quarter AND :quarter"));  // inclusive
  EXPECT_FALSE(E("TMIN BETWEEN :thirty AND :forty"));
  EXPECT_TRUE(E("#d BETWEEN :jun AND :aug"));
  EXPECT_TRUE(E("TMAX IN (:zero, :thirty, TMAX)"));
  EXPECT_TRUE(E("PRCP IN (:quarter)"));
  EXPECT_FALSE(E("station IN (:us, :m)"));
}

TEST_F(EvaluateTest, Functions) {
  EXPECT_TRUE(E("begins_with(station, :us)"));
  EXPECT_FALSE(E("begins_with(station, :m)"));
  EXPECT_TRUE(E("begins_with(wire, :raw_prefix)"));  // B prefix 0x00
  EXPECT_TRUE(E("begins_with(meta.#src, :ghcnd)"));
  EXPECT_TRUE(E("contains(flags, :m)"));
  EXPECT_FALSE(E("contains(flags, :x)"));
  EXPECT_TRUE(E("contains(station, :us)"));  // substring
  EXPECT_TRUE(E("contains(hours, :six)"));
  EXPECT_FALSE(E("contains(hours, :m)"));     // S in an NS
  EXPECT_TRUE(E("contains(readings, :r1)"));  // 28 = 28.0 in a list
  EXPECT_TRUE(E("contains(readings, :missing)"));
  EXPECT_TRUE(E("attribute_type(flags, :t_ss)"));
  EXPECT_TRUE(E("attribute_type(TMAX, :t_n)"));
  EXPECT_FALSE(E("attribute_type(station, :t_n)"));
  EXPECT_TRUE(E("attribute_type(meta.qc.checks, :t_n)"));
}

TEST_F(EvaluateTest, SizeOfWeatherAttributes) {
  EXPECT_FALSE(E("size(station) = :twelve"));  // "USW00093721" is 11 bytes
  EXPECT_TRUE(E("size(station) < :twelve"));
  EXPECT_TRUE(E("size(readings) = :three"));
  EXPECT_TRUE(E("size(hours) = :three"));
  EXPECT_TRUE(E("size(meta.qc) < :three"));
}

TEST_F(EvaluateTest, SizeCountsBytesMembersAndElements) {
  Item item = ItemFrom(R"({"s": {"S": "h\u00e9llo"}, "b": {"B": "AAEC"}, "ss": {"SS": ["a", "b"]},
                           "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}, "m": {"M": {"x": {"N": "1"}}},
                           "n": {"N": "5"}})");
  ExpressionAttributes attrs = Attrs({}, R"({":6": {"N": "6"}, ":3": {"N": "3"}, ":2": {"N": "2"}, ":1": {"N": "1"}})");
  auto check = [&](std::string_view text) {
    auto c = ParseCondition(text, ExpressionType::kFilter, &attrs);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    auto r = Evaluate(*c, &item);
    return r.ok() && *r;
  };
  EXPECT_TRUE(check("size(s) = :6"));  // "héllo": é is two UTF-8 bytes
  EXPECT_TRUE(check("size(b) = :3"));
  EXPECT_TRUE(check("size(ss) = :2"));
  EXPECT_TRUE(check("size(l) = :3"));
  EXPECT_TRUE(check("size(m) = :1"));
  EXPECT_FALSE(check("size(n) = :1"));  // a number has no size
  EXPECT_TRUE(check("size(n) <> :1"));  // no size is a missing operand: <> is true
}

TEST_F(EvaluateTest, NotAndOr) {
  EXPECT_TRUE(E("NOT TMAX < :thirty"));
  EXPECT_TRUE(E("TMAX < :thirty OR TMIN < :thirty"));
  EXPECT_FALSE(E("NOT (TMAX > :thirty OR TMIN > :thirty)"));
  EXPECT_TRUE(E("NOT NOT attribute_exists(station)"));
  EXPECT_TRUE(E("#s = :missing OR (attribute_exists(#s) AND NOT contains(flags, :x))"));
}

TEST(EvaluateHandBuiltTest, MalformedTreesAreErrorsNotCrashes) {
  Item item = WeatherItem();
  Condition compare;
  compare.kind = Condition::Kind::kCompare;  // no operands
  EXPECT_TRUE(Evaluate(compare, &item).status().IsInvalidArgument());
  Condition not_;
  not_.kind = Condition::Kind::kNot;  // no child
  EXPECT_TRUE(Evaluate(not_, &item).status().IsInvalidArgument());
  Condition in;
  in.kind = Condition::Kind::kIn;
  in.operands.resize(1);
  EXPECT_TRUE(Evaluate(in, &item).status().IsInvalidArgument());
  Condition empty;  // an empty AND: no condition at all
  EXPECT_TRUE(*Evaluate(empty, &item));
  EXPECT_TRUE(*Evaluate(empty, nullptr));
}

TEST(ValuesEqualTest, DeepEquality) {
  EXPECT_TRUE(ValuesEqual(V(R"({"L": [{"N": "1.0"}, {"M": {"a": {"NS": ["1", "2"]}}}]})"),
                          V(R"({"L": [{"N": "1"}, {"M": {"a": {"NS": ["2.0", "1"]}}}]})")));
  EXPECT_FALSE(ValuesEqual(V(R"({"L": [{"N": "1"}, {"N": "2"}]})"), V(R"({"L": [{"N": "2"}, {"N": "1"}]})")));
  EXPECT_FALSE(ValuesEqual(V(R"({"M": {"a": {"N": "1"}}})"), V(R"({"M": {"b": {"N": "1"}}})")));
  EXPECT_FALSE(ValuesEqual(V(R"({"S": "1"})"), V(R"({"N": "1"})")));
  EXPECT_TRUE(ValuesEqual(V(R"({"BOOL": false})"), V(R"({"BOOL": false})")));
}

}  // namespace
}  // namespace freshet::query::expr
