// Tests for query/expr/key_condition_expression.h: what each form maps to, and AWS's errors.
#include "query/expr/key_condition_expression.h"

#include <gtest/gtest.h>

#include "query/expr/parser.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

constexpr std::string_view kValues = R"({":st": {"S": "USW00093721"}, ":d1": {"S": "2024-07-01"},
  ":d2": {"S": "2024-07-31"}, ":m": {"S": "2024-07"}, ":n": {"N": "3"}})";

TableDescription Weather() {
  TableDescription t;
  t.name = "weather";
  t.partition_key = {"station", KeyType::kS};
  t.sort_key = KeyAttribute{"date", KeyType::kS};
  return t;
}

Result<KeyConditionParts> Parse(std::string_view text, const TableDescription& table = Weather()) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}}, kValues);
  return ParseKeyCondition(text, &attrs, table);
}

std::string Error(std::string_view text, const TableDescription& table = Weather()) {
  auto r = Parse(text, table);
  return r.ok() ? "OK" : r.status().message();
}

TEST(KeyConditionExpressionTest, PartitionOnly) {
  auto r = Parse("station = :st");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partition.scalar(), "USW00093721");
  EXPECT_FALSE(r->sort.has_value());
}

TEST(KeyConditionExpressionTest, SortKeyForms) {
  using Op = SortKeyCondition::Op;
  struct Case {
    const char* text;
    Op op;
  } cases[] = {
      {"station = :st AND #d = :d1", Op::kEq},
      {"station = :st AND #d < :d1", Op::kLt},
      {"station = :st AND #d <= :d1", Op::kLe},
      {"station = :st AND #d > :d1", Op::kGt},
      {"#d >= :d1 AND station = :st", Op::kGe},
      {"station = :st AND :d1 < #d", Op::kGt},
      {"(station = :st) AND (begins_with(#d, :m))", Op::kBeginsWith},
  };
  for (const Case& c : cases) {
    auto r = Parse(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    ASSERT_TRUE(r->sort.has_value()) << c.text;
    EXPECT_EQ(r->sort->op, c.op) << c.text;
  }
  auto between = Parse("station = :st AND #d BETWEEN :d1 AND :d2");
  ASSERT_TRUE(between.ok());
  EXPECT_EQ(between->sort->op, Op::kBetween);
  EXPECT_EQ(between->sort->value.scalar(), "2024-07-01");
  EXPECT_EQ(between->sort->value2.scalar(), "2024-07-31");
}

TEST(KeyConditionExpressionTest, AwsErrors) {
  EXPECT_EQ(Error("#d = :d1"), "Query condition missed key schema element: station");
  EXPECT_EQ(Error("station = :st OR #d = :d1"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(Error("NOT station = :st"), "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(Error("station <> :st"), "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(Error("station IN (:st)"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(Error("station = :st AND attribute_exists(#d)"),
            "Invalid operator used in KeyConditionExpression: attribute_exists");
  EXPECT_EQ(Error("station < :st"), "Query key condition not supported");
  EXPECT_EQ(Error("station = :st AND TMAX = :n"), "Query key condition not supported");
  EXPECT_EQ(Error("TMAX = :n"), "Query condition missed key schema element: station");
  EXPECT_EQ(Error("station = :st AND #d = :d1 AND #d = :d2"),
            "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(Error("station = :st AND station = :st"),
            "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(Error("station = #d"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  EXPECT_EQ(Error("station = :n"),
            "One or more parameter values were invalid: Condition parameter type does not match schema type");
  EXPECT_EQ(Error("station = :st AND #d BETWEEN :d2 AND :d1"),
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
            "lower bound; lower bound operand: AttributeValue: {S:2024-07-31}, upper bound operand: AttributeValue: "
            "{S:2024-07-01}");
  EXPECT_EQ(Error("station = :st AND"), "Invalid KeyConditionExpression: Syntax error; token: <EOF>, near: \"AND\"");
  TableDescription numeric = Weather();
  numeric.sort_key = KeyAttribute{"date", KeyType::kN};
  EXPECT_EQ(Error("station = :st AND begins_with(#d, :m)", numeric),
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N");
  EXPECT_EQ(Error("station = :st AND #d > :n", numeric), "OK");
  TableDescription hash_only = Weather();
  hash_only.sort_key.reset();
  EXPECT_EQ(Error("station = :st AND #d = :d1", hash_only), "Query key condition not supported");
}

TEST(KeyConditionExpressionTest, FilterMayNotNameKeys) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}}, kValues);
  const TableDescription t = Weather();
  auto ok = ParseCondition("TMAX > :n AND begins_with(meta.src, :m)", ExpressionType::kFilter, &attrs);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(CheckFilterOmitsKeys(*ok, t.partition_key, t.sort_key).ok());
  auto bad = ParseCondition("TMAX > :n OR (NOT size(#d) > :n)", ExpressionType::kFilter, &attrs);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(CheckFilterOmitsKeys(*bad, t.partition_key, t.sort_key).message(),
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: date");
}

}  // namespace
}  // namespace freshet::query::expr
