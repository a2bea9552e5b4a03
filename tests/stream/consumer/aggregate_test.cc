#include "stream/consumer/aggregate.h"

#include <gtest/gtest.h>

#include <map>

namespace freshet::stream {
namespace {

using query::AttributeValue;
using Op = AggregateSpec::Op;

// A group held in a map, updated as the consumer does: changes applied after each record.
class Group {
 public:
  Status Add(Op op, const std::string& name, const AttributeValue* input) {
    std::vector<AggregateChange> changes;
    FRESHET_RETURN_IF_ERROR(ApplyAggregate(
        op, name, input,
        [&](std::string_view n) -> const AttributeValue* {
          auto it = values_.find(std::string(n));
          return it == values_.end() ? nullptr : &it->second;
        },
        &changes));
    for (auto& [n, v] : changes) values_[n] = v;
    return Status::OK();
  }
  Status AddNumber(Op op, const std::string& name, const std::string& number) {
    AttributeValue v = AttributeValue::N(number);
    return Add(op, name, &v);
  }
  std::string Text(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? "<none>" : it->second.scalar();
  }
  size_t size() const { return values_.size(); }

 private:
  std::map<std::string, AttributeValue> values_;
};

TEST(AggregateTest, SumIsExactWhereDoublesAreNot) {
  Group g;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(g.AddNumber(Op::kSum, "s", "0.1").ok());
  EXPECT_EQ(g.Text("s"), "1");  // 0.1 ten times in doubles is 0.9999999999999999
  ASSERT_TRUE(g.AddNumber(Op::kSum, "s", "12345678901234567890123456789012345").ok());
  EXPECT_EQ(g.Text("s"), "12345678901234567890123456789012346");
  ASSERT_TRUE(g.AddNumber(Op::kSum, "s", "-12345678901234567890123456789012346").ok());
  EXPECT_EQ(g.Text("s"), "0");
}

TEST(AggregateTest, SumPast38DigitsFailsAndLeavesTheGroup) {
  Group g;
  ASSERT_TRUE(g.AddNumber(Op::kSum, "s", "1E+30").ok());
  Status s = g.AddNumber(Op::kSum, "s", "0.000000001");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("38 significant digits"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("aggregate s"), std::string::npos) << s.message();
  EXPECT_EQ(g.Text("s"), "1000000000000000000000000000000");
}

TEST(AggregateTest, CountMinMaxFirstLast) {
  Group g;
  for (const char* v : {"5", "-2.5", "10", "3"}) {
    ASSERT_TRUE(g.Add(Op::kCount, "n", nullptr).ok());
    ASSERT_TRUE(g.AddNumber(Op::kMin, "lo", v).ok());
    ASSERT_TRUE(g.AddNumber(Op::kMax, "hi", v).ok());
    ASSERT_TRUE(g.AddNumber(Op::kFirst, "first", v).ok());
    ASSERT_TRUE(g.AddNumber(Op::kLast, "last", v).ok());
  }
  EXPECT_EQ(g.Text("n"), "4");
  EXPECT_EQ(g.Text("lo"), "-2.5");
  EXPECT_EQ(g.Text("hi"), "10");  // numerically, not "5" > "10" as text
  EXPECT_EQ(g.Text("first"), "5");
  EXPECT_EQ(g.Text("last"), "3");
}

TEST(AggregateTest, MinMaxOfStringsAndTypeMismatch) {
  Group g;
  AttributeValue a = AttributeValue::S("2016-03-01"), b = AttributeValue::S("2016-01-31");
  ASSERT_TRUE(g.Add(Op::kMin, "d", &a).ok());
  ASSERT_TRUE(g.Add(Op::kMin, "d", &b).ok());
  EXPECT_EQ(g.Text("d"), "2016-01-31");
  EXPECT_FALSE(g.AddNumber(Op::kMin, "d", "1").ok());
  EXPECT_EQ(g.Text("d"), "2016-01-31");
}

TEST(AggregateTest, MeanKeepsSumAndCount) {
  Group g;
  for (const char* v : {"1", "2", "2"}) ASSERT_TRUE(g.AddNumber(Op::kMean, "m", v).ok());
  EXPECT_EQ(g.Text("m_sum"), "5");
  EXPECT_EQ(g.Text("m_count"), "3");
  EXPECT_EQ(g.Text("m"), "1.6666666666666666666666666666666666667");
  EXPECT_EQ(g.size(), 3u);
  ASSERT_TRUE(g.AddNumber(Op::kMean, "m", "-1").ok());
  EXPECT_EQ(g.Text("m"), "1");
}

TEST(AggregateTest, SumAndMeanRefuseWhatIsNotANumber) {
  Group g;
  AttributeValue s = AttributeValue::S("x");
  EXPECT_FALSE(g.Add(Op::kSum, "s", &s).ok());
  EXPECT_FALSE(g.Add(Op::kMean, "m", &s).ok());
  EXPECT_FALSE(g.Add(Op::kSum, "s", nullptr).ok());
  EXPECT_EQ(g.size(), 0u);
}

TEST(AggregateTest, DivideNumber) {
  EXPECT_EQ(*DivideNumber("10", 4), "2.5");
  EXPECT_EQ(*DivideNumber("-7", 7), "-1");
  EXPECT_EQ(*DivideNumber("0", 3), "0");
  EXPECT_EQ(*DivideNumber("2", 3), "0.66666666666666666666666666666666666667");
  EXPECT_EQ(*DivideNumber("1E+40", 3), "3333333333333333333333333333333333333300");
  EXPECT_EQ(*DivideNumber("0.003", 2), "0.0015");
  EXPECT_EQ(*DivideNumber("99999999999999999999999999999999999999", 1), "99999999999999999999999999999999999999");
  // A divisor near 2^64 (checked with Python's decimal module, 38 digits, half up).
  EXPECT_EQ(*DivideNumber("123.45", 18446744073709551615ull), "6.6922379096667761192737893573922436959E-18");
  EXPECT_EQ(*DivideNumber("0.99999999999999999999999999999999999999", 1), "0.99999999999999999999999999999999999999");
  EXPECT_FALSE(DivideNumber("abc", 2).ok());
}

TEST(AggregateTest, TruncateDate) {
  using T = ValueMapping::Truncate;
  EXPECT_EQ(*TruncateDate("2016-01-15", T::kMonth), "2016-01");
  EXPECT_EQ(*TruncateDate("2016-01-15T06:00:00Z", T::kDay), "2016-01-15");
  EXPECT_EQ(*TruncateDate("2016-01-15", T::kYear), "2016");
  EXPECT_EQ(*TruncateDate("2016-01", T::kMonth), "2016-01");
  EXPECT_FALSE(TruncateDate("2016-1-15", T::kMonth).ok());
  EXPECT_FALSE(TruncateDate("2016-13-01", T::kMonth).ok());
  EXPECT_FALSE(TruncateDate("2016-01-32", T::kDay).ok());
  EXPECT_FALSE(TruncateDate("20160115", T::kMonth).ok());
  EXPECT_FALSE(TruncateDate("2016-01-151", T::kDay).ok());
  EXPECT_FALSE(TruncateDate("", T::kYear).ok());
}

}  // namespace
}  // namespace freshet::stream
