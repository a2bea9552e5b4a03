#include "query/item_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace freshet::query {
namespace {

TableDescription NumberTable() {
  TableDescription t;
  t.name = "nums";
  t.id = 9;
  t.partition_key = {"p", KeyType::kS};
  t.sort_key = KeyAttribute{"n", KeyType::kN};
  return t;
}

// A random decimal m x 10^e, spelled one of several ways, and an exact reference key for it:
// sign, then |value| as 60 integer digits and 40 fraction digits.
struct RandomDecimal {
  std::string text;
  bool negative;
  std::string magnitude;
};

RandomDecimal MakeDecimal(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> len_dist(1, 15), exp_dist(-25, 25), coin(0, 3);
  std::string digits;
  const int len = len_dist(rng);
  for (int i = 0; i < len; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
  const int exp = exp_dist(rng);
  const bool negative = coin(rng) == 0;
  // value = digits x 10^exp
  std::string int_part, frac_part;
  if (exp >= 0) {
    int_part = digits + std::string(exp, '0');
  } else if (-exp < len) {
    int_part = digits.substr(0, len + exp);
    frac_part = digits.substr(len + exp);
  } else {
    frac_part = std::string(-exp - len, '0') + digits;
  }
  std::string mag =
      std::string(60 - int_part.size(), '0') + int_part + frac_part + std::string(40 - frac_part.size(), '0');
  const bool zero = mag.find_first_not_of('0') == std::string::npos;
  std::string text = (negative && !zero) ? "-" : "";
  switch (coin(rng)) {
    case 0: text += digits + "e" + std::to_string(exp); break;
    case 1: text += digits + "E" + (exp >= 0 ? "+" : "") + std::to_string(exp); break;
    default:
      text += (int_part.empty() ? "0" : int_part) + (frac_part.empty() ? "" : "." + frac_part);
      if (coin(rng) == 0) text += (frac_part.empty() ? ".000" : "00");
  }
  return {text, negative && !zero, mag};
}

bool ReferenceLess(const RandomDecimal& a, const RandomDecimal& b) {
  if (a.negative != b.negative) return a.negative;
  return a.negative ? a.magnitude > b.magnitude : a.magnitude < b.magnitude;
}

TEST(ItemKeyTest, NumberKeysSortNumerically) {
  std::mt19937_64 rng(42);
  const TableDescription t = NumberTable();
  std::vector<std::pair<RandomDecimal, std::string>> keyed;
  for (int i = 0; i < 5000; ++i) {
    RandomDecimal d = MakeDecimal(rng);
    Item item;
    item.Set("p", AttributeValue::S("x"));
    item.Set("n", AttributeValue::N(d.text));
    std::string key;
    ASSERT_TRUE(AppendItemKey(t, item, &key).ok()) << d.text;
    keyed.emplace_back(d, key);
  }
  for (size_t i = 1; i < keyed.size(); ++i) {
    const auto& [a, ka] = keyed[i - 1];
    const auto& [b, kb] = keyed[i];
    EXPECT_EQ(ReferenceLess(a, b), ka < kb) << a.text << " vs " << b.text;
    EXPECT_EQ(ReferenceLess(b, a), kb < ka) << a.text << " vs " << b.text;
    EXPECT_EQ(!ReferenceLess(a, b) && !ReferenceLess(b, a), ka == kb) << a.text << " vs " << b.text;
  }
}

TEST(ItemKeyTest, DecodesKeysCanonically) {
  const TableDescription t = NumberTable();
  Item item;
  item.Set("p", AttributeValue::S(std::string("a\0b", 3)));
  item.Set("n", AttributeValue::N("1.50"));
  std::string key;
  ASSERT_TRUE(AppendItemKey(t, item, &key).ok());
  Item decoded;
  ASSERT_TRUE(DecodeItemKey(t, key, &decoded));
  EXPECT_EQ(decoded.Find("p")->scalar(), std::string("a\0b", 3));
  EXPECT_EQ(decoded.Find("n")->scalar(), "1.5");
  EXPECT_FALSE(DecodeItemKey(t, key + "x", &decoded));
  EXPECT_FALSE(DecodeItemKey(t, key.substr(0, key.size() - 1), &decoded));
}

TEST(ItemKeyTest, RejectsBadKeysWithoutAppending) {
  const TableDescription t = NumberTable();
  auto check = [&](Item item, std::string_view expect) {
    std::string key = "keep";
    Status s = AppendItemKey(t, item, &key);
    EXPECT_TRUE(s.IsInvalidArgument());
    EXPECT_NE(s.message().find(expect), std::string::npos) << s.message();
    EXPECT_EQ(key, "keep");
  };
  Item missing;
  missing.Set("p", AttributeValue::S("x"));
  check(missing, "missing key attribute 'n'");
  Item wrong_type = missing;
  wrong_type.Set("n", AttributeValue::S("1"));
  check(wrong_type, "must be of type N");
  Item bad_number = missing;
  bad_number.Set("n", AttributeValue::N("1.2.3"));
  check(bad_number, "'n'");
  Item empty_pk;
  empty_pk.Set("p", AttributeValue::S(""));
  empty_pk.Set("n", AttributeValue::N("1"));
  check(empty_pk, "1..2048 bytes");
  Item long_pk = empty_pk;
  long_pk.Set("p", AttributeValue::S(std::string(2049, 'x')));
  check(long_pk, "1..2048 bytes");
  long_pk.Set("p", AttributeValue::S(std::string(2048, 'x')));
  std::string key;
  EXPECT_TRUE(AppendItemKey(t, long_pk, &key).ok());
}

TEST(ItemKeyTest, ParsesKeyTextByDeclaredType) {
  EXPECT_EQ(ParseKeyText(KeyType::kS, "12", "--pk")->type(), AttributeValue::Type::kS);
  EXPECT_EQ(ParseKeyText(KeyType::kN, "12", "--pk")->type(), AttributeValue::Type::kN);
  EXPECT_FALSE(ParseKeyText(KeyType::kN, "twelve", "--pk").ok());
  EXPECT_EQ(ParseKeyText(KeyType::kB, "AAE=", "--pk")->scalar(), std::string("\0\x01", 2));
  EXPECT_FALSE(ParseKeyText(KeyType::kB, "***", "--pk").ok());
}

}  // namespace
}  // namespace freshet::query
