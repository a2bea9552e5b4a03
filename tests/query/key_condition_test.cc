// Every sort-key operator against a brute-force filter of the same items.
#include "query/key_condition.h"

#include <algorithm>
#include <functional>
#include <random>

#include "tests/query/query_test_util.h"

namespace freshet::query {
namespace {

using Op = SortKeyCondition::Op;
constexpr Op kOps[] = {Op::kEq, Op::kLt, Op::kLe, Op::kGt, Op::kGe, Op::kBetween, Op::kBeginsWith};

class KeyConditionTest : public StoreTest {};

std::string RandomNumberText(std::mt19937& rng) {
  const int v = static_cast<int>(rng() % 2001) - 1000;
  const int scale = static_cast<int>(rng() % 3);
  std::string digits = std::to_string(std::abs(v));
  return std::string(v < 0 ? "-" : "") + digits + "e-" + std::to_string(scale);
}

TEST_F(KeyConditionTest, NumberSortKeyOperatorsMatchBruteForce) {
  const TableDescription t = MakeTable("nums", "p:S", "n:N");
  std::mt19937 rng(7);
  std::vector<double> values[2];
  storage::Batch batch;
  for (int i = 0; i < 600; ++i) {
    const int p = static_cast<int>(rng() % 2);
    const std::string text = RandomNumberText(rng);
    Item item;
    item.Set("p", AttributeValue::S(p ? "b" : "a"));
    item.Set("n", AttributeValue::N(text));
    ASSERT_TRUE(store_->AddPut(t, item, &batch).ok());
    const double v = std::stod(text);
    if (std::find(values[p].begin(), values[p].end(), v) == values[p].end()) values[p].push_back(v);
  }
  ASSERT_TRUE(db_->Write(&batch).ok());
  for (int trial = 0; trial < 300; ++trial) {
    const int p = trial % 2;
    const Op op = kOps[rng() % 6];  // begins_with does not apply to N
    std::string a = RandomNumberText(rng), b = RandomNumberText(rng);
    double da = std::stod(a), db = std::stod(b);
    if (op == Op::kBetween && da > db) std::swap(a, b), std::swap(da, db);
    std::function<bool(double)> keep = [&](double v) {
      switch (op) {
        case Op::kEq: return v == da;
        case Op::kLt: return v < da;
        case Op::kLe: return v <= da;
        case Op::kGt: return v > da;
        case Op::kGe: return v >= da;
        default: return v >= da && v <= db;
      }
    };
    std::vector<double> expected;
    for (double v : values[p]) {
      if (keep(v)) expected.push_back(v);
    }
    std::sort(expected.begin(), expected.end());
    const bool reverse = trial % 3 == 0;
    if (reverse) std::reverse(expected.begin(), expected.end());
    QueryRequest r;
    r.partition = AttributeValue::S(p ? "b" : "a");
    r.condition = SortKeyCondition{op, AttributeValue::N(a), AttributeValue::N(b)};
    r.reverse = reverse;
    r.limit = 1 + rng() % 50;
    std::vector<double> got;
    for (const Item& item : QueryAll(t, r)) got.push_back(std::stod(item.Find("n")->scalar()));
    ASSERT_EQ(got, expected) << "op " << static_cast<int>(op) << " a=" << a << " b=" << b;
  }
}

TEST_F(KeyConditionTest, StringSortKeyOperatorsMatchBruteForce) {
  const TableDescription t = MakeTable("strs", "p:S", "s:S");
  std::mt19937 rng(11);
  const std::string alphabet("ab\x01\x7f\xc3\xa9", 6);
  auto random_string = [&](size_t max_len) {
    std::string s;
    const size_t len = 1 + rng() % max_len;
    for (size_t i = 0; i < len; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  std::vector<std::string> values;
  storage::Batch batch;
  for (int i = 0; i < 500; ++i) {
    std::string s = random_string(4);
    Item item;
    item.Set("p", AttributeValue::S("only"));
    item.Set("s", AttributeValue::S(s));
    ASSERT_TRUE(store_->AddPut(t, item, &batch).ok());
    if (std::find(values.begin(), values.end(), s) == values.end()) values.push_back(s);
  }
  ASSERT_TRUE(db_->Write(&batch).ok());
  for (int trial = 0; trial < 400; ++trial) {
    const Op op = kOps[trial % 7];
    std::string a = random_string(op == Op::kBeginsWith ? 2 : 4), b = random_string(4);
    if (op == Op::kBetween && a > b) std::swap(a, b);
    std::vector<std::string> expected;
    for (const auto& v : values) {
      bool keep = false;
      switch (op) {
        case Op::kEq: keep = v == a; break;
        case Op::kLt: keep = v < a; break;
        case Op::kLe: keep = v <= a; break;
        case Op::kGt: keep = v > a; break;
        case Op::kGe: keep = v >= a; break;
        case Op::kBetween: keep = v >= a && v <= b; break;
        case Op::kBeginsWith: keep = v.compare(0, a.size(), a) == 0; break;
      }
      if (keep) expected.push_back(v);
    }
    std::sort(expected.begin(), expected.end());
    QueryRequest r;
    r.partition = AttributeValue::S("only");
    r.condition = SortKeyCondition{op, AttributeValue::S(a), AttributeValue::S(b)};
    r.limit = rng() % 40;
    std::vector<std::string> got;
    for (const Item& item : QueryAll(t, r)) got.push_back(item.Find("s")->scalar());
    ASSERT_EQ(got, expected) << "op " << static_cast<int>(op);
  }
}

TEST_F(KeyConditionTest, RejectsBadConditions) {
  const TableDescription t = MakeTable("nums", "p:S", "n:N");
  const TableDescription no_sort = MakeTable("flat", "p:S", "");
  auto range = [&](const TableDescription& table, Op op, AttributeValue a, AttributeValue b = {}) {
    return QueryRange(table, AttributeValue::S("x"), SortKeyCondition{op, std::move(a), std::move(b)}).status();
  };
  EXPECT_TRUE(range(t, Op::kBeginsWith, AttributeValue::N("1")).IsInvalidArgument());
  EXPECT_TRUE(range(t, Op::kEq, AttributeValue::S("1")).IsInvalidArgument());
  EXPECT_TRUE(range(t, Op::kBetween, AttributeValue::N("2"), AttributeValue::N("1")).IsInvalidArgument());
  EXPECT_TRUE(range(no_sort, Op::kEq, AttributeValue::N("1")).IsInvalidArgument());
  EXPECT_TRUE(QueryRange(t, AttributeValue::N("1"), std::nullopt).status().IsInvalidArgument());
}

}  // namespace
}  // namespace freshet::query
