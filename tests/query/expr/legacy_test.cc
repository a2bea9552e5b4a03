// Tests for query/expr/legacy.h: the legacy parameters give the same trees, and the same results,
// as the expressions they stand for.
#include "query/expr/legacy.h"

#include <gtest/gtest.h>

#include "query/expr/evaluate.h"
#include "query/expr/update.h"
#include "query/item_json.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

bool Holds(const Result<Condition>& c, const Item* item) {
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return false;
  auto r = Evaluate(*c, item);
  return r.ok() && *r;
}

TEST(LegacyTest, FilterOperators) {
  const Item item = WeatherItem();
  auto f = [&](std::string attribute, std::string op, std::vector<AttributeValue> values) {
    return Holds(ConditionFromFilter({{std::move(attribute), std::move(op), std::move(values)}}, ""), &item);
  };
  EXPECT_TRUE(f("TMAX", "EQ", {V(R"({"N": "31.70"})")}));
  EXPECT_TRUE(f("TMAX", "NE", {V(R"({"N": "30"})")}));
  EXPECT_TRUE(f("TAVG", "NE", {V(R"({"N": "30"})")}));
  EXPECT_TRUE(f("TMAX", "GT", {V(R"({"N": "30"})")}));
  EXPECT_TRUE(f("TMAX", "GE", {V(R"({"N": "31.7"})")}));
  EXPECT_FALSE(f("TMAX", "LT", {V(R"({"N": "30"})")}));
  EXPECT_TRUE(f("TMIN", "LE", {V(R"({"N": "18.9"})")}));
  EXPECT_TRUE(f("TMAX", "NOT_NULL", {}));
  EXPECT_TRUE(f("TAVG", "NULL", {}));
  EXPECT_TRUE(f("flags", "CONTAINS", {V(R"({"S": "M"})")}));
  EXPECT_TRUE(f("flags", "NOT_CONTAINS", {V(R"({"S": "X"})")}));
  EXPECT_TRUE(f("station", "BEGINS_WITH", {V(R"({"S": "USW"})")}));
  EXPECT_TRUE(f("TMAX", "IN", {V(R"({"N": "1"})"), V(R"({"N": "31.7"})")}));
  EXPECT_TRUE(f("TMAX", "BETWEEN", {V(R"({"N": "30"})"), V(R"({"N": "40"})")}));
  EXPECT_FALSE(f("TMIN", "BETWEEN", {V(R"({"N": "30"})"), V(R"({"N": "40"})")}));
}

TEST(LegacyTest, ConditionalOperator) {
  const Item item = WeatherItem();
  std::vector<LegacyCondition> conditions = {{"TMAX", "GT", {V(R"({"N": "40"})")}},
                                             {"station", "EQ", {V(R"({"S": "USW00093721"})")}}};
  EXPECT_FALSE(Holds(ConditionFromFilter(conditions, "AND"), &item));
  EXPECT_FALSE(Holds(ConditionFromFilter(conditions, ""), &item));
  EXPECT_TRUE(Holds(ConditionFromFilter(conditions, "OR"), &item));
  EXPECT_TRUE(Holds(ConditionFromFilter({}, ""), &item));
  EXPECT_EQ(ConditionFromFilter(conditions, "XOR").status().message(),
            "One or more parameter values were invalid: ConditionalOperator must be AND or OR, not XOR");
}

TEST(LegacyTest, FilterErrors) {
  EXPECT_EQ(ConditionFromFilter({{"a", "EQ", {}}}, "").status().message(),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(ConditionFromFilter({{"a", "NULL", {V(R"({"N": "1"})")}}}, "").status().message(),
            "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator");
  EXPECT_EQ(ConditionFromFilter({{"a", "LT", {V(R"({"SS": ["x"]})")}}}, "").status().message(),
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type");
  EXPECT_EQ(ConditionFromFilter({{"a", "BEGINS_WITH", {V(R"({"N": "1"})")}}}, "").status().message(),
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N "
            "AttributeValue type");
  EXPECT_FALSE(ConditionFromFilter({{"a", "LIKE", {V(R"({"N": "1"})")}}}, "").ok());
}

TEST(LegacyTest, Expected) {
  const Item item = WeatherItem();
  LegacyExpected exists_false{"TAVG", std::nullopt, false, "", {}, false};
  LegacyExpected value{"station", V(R"({"S": "USW00093721"})"), std::nullopt, "", {}, false};
  LegacyExpected op{"TMAX", std::nullopt, std::nullopt, "GT", {V(R"({"N": "30"})")}, true};
  EXPECT_TRUE(Holds(ConditionFromExpected({exists_false, value, op}, ""), &item));
  EXPECT_TRUE(Holds(ConditionFromExpected({exists_false}, ""), nullptr));
  EXPECT_FALSE(Holds(ConditionFromExpected({value}, ""), nullptr));
  LegacyExpected bad = exists_false;
  bad.value = V(R"({"N": "1"})");
  EXPECT_EQ(ConditionFromExpected({bad}, "").status().message(),
            "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: TAVG");
  LegacyExpected no_value{"TAVG", std::nullopt, true, "", {}, false};
  EXPECT_EQ(ConditionFromExpected({no_value}, "").status().message(),
            "One or more parameter values were invalid: Exists is set to TRUE for attribute (TAVG), Value must also "
            "be set");
}

TEST(LegacyTest, KeyConditions) {
  KeyAttribute pk{"station", KeyType::kS};
  std::optional<KeyAttribute> sk = KeyAttribute{"date", KeyType::kS};
  auto r = KeyConditionFromLegacy({{"station", "EQ", {V(R"({"S": "USW00093721"})")}},
                                   {"date", "BETWEEN", {V(R"({"S": "2024-07-01"})"), V(R"({"S": "2024-07-31"})")}}},
                                  pk, sk);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partition.scalar(), "USW00093721");
  EXPECT_EQ(r->sort->op, SortKeyCondition::Op::kBetween);
  EXPECT_EQ(KeyConditionFromLegacy({{"date", "EQ", {V(R"({"S": "x"})")}}}, pk, sk).status().message(),
            "Query condition missed key schema element: station");
  EXPECT_EQ(KeyConditionFromLegacy({{"station", "NE", {V(R"({"S": "x"})")}}}, pk, sk).status().message(),
            "Attempted conditional constraint is not an indexable operation");
}

TEST(LegacyTest, AttributesToGet) {
  auto p = ProjectionFromAttributesToGet({"station", "TMAX", "absent"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(ItemToTypedJson(Project(*p, WeatherItem())), R"({"TMAX":{"N":"31.7"},"station":{"S":"USW00093721"}})");
  EXPECT_EQ(ProjectionFromAttributesToGet({"a", "b", "a"}).status().message(),
            "One or more parameter values were invalid: Duplicate value in attribute name: a");
}

TEST(LegacyTest, AttributeUpdates) {
  Item item = WeatherItem();
  auto u = UpdateFromAttributeUpdates({{"TMAX", "PUT", V(R"({"N": "33"})")},
                                       {"PRCP", "DELETE", std::nullopt},
                                       {"flags", "DELETE", V(R"({"SS": ["M"]})")},
                                       {"SNOW", "ADD", V(R"({"N": "2.5"})")},
                                       {"readings", "ADD", V(R"({"L": [{"N": "1"}]})")},
                                       {"note2", "", V(R"({"S": "x"})")}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_TRUE(ApplyUpdate(*u, &item).ok());
  EXPECT_EQ(item.Find("TMAX")->scalar(), "33");
  EXPECT_EQ(item.Find("PRCP"), nullptr);
  EXPECT_EQ(item.Find("flags")->elements().size(), 1u);
  EXPECT_EQ(item.Find("SNOW")->scalar(), "2.5");
  EXPECT_EQ(item.Find("readings")->elements().size(), 4u);
  EXPECT_EQ(item.Find("note2")->scalar(), "x");
  EXPECT_EQ(UpdateFromAttributeUpdates({{"a", "PUT", std::nullopt}}).status().message(),
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is "
            "specified");
  EXPECT_EQ(UpdateFromAttributeUpdates({{"a", "ADD", V(R"({"S": "x"})")}}).status().message(),
            "One or more parameter values were invalid: ADD action is not supported for the type S");
}

}  // namespace
}  // namespace freshet::query::expr
