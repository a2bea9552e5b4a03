// Fuzzes the expression language (query/expr/): arbitrary text parsed as each kind of
// expression against fixed ExpressionAttributeNames / Values, and what parses evaluated or
// applied on a fixed weather item. A property that breaks aborts (libFuzzer reports a crash).
//
// The first byte of the input picks the mode ((byte - '0') mod kModes, so seeds stay readable);
// the rest is the payload:
//   0  ConditionExpression: Evaluate on the item and on no item; NOT c evaluates to !c
//   1  FilterExpression: as 0
//   2  KeyConditionExpression for (station S, date S) and (station S, day N): what parses has
//      a partition value of the key's type, and sort operands of the sort key's type
//   3  UpdateExpression: ApplyUpdate on a copy of the item and on an empty item; every number
//      the update leaves is a valid DynamoDB number; ProjectUpdated only returns updated names
//   4  ProjectionExpression: Project returns only attributes the item has
//   5  two numbers "A B": if A + B fits, (A + B) - B == A exactly
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query/expr/attributes.h"
#include "query/expr/decimal.h"
#include "query/expr/evaluate.h"
#include "query/expr/key_condition_expression.h"
#include "query/expr/parser.h"
#include "query/expr/update.h"
#include "query/item_json.h"

namespace freshet::query::expr {
namespace {

constexpr int kModes = 6;

void Check(bool ok) {
  if (!ok) std::abort();
}

const Item& FixedItem() {
  static const Item item = *ParseItemJson(R"({
    "station": {"S": "USW00093721"}, "date": {"S": "2024-07-01"}, "day": {"N": "20240701"},
    "PRCP": {"N": "0.25"}, "TMAX": {"N": "31.7"}, "TMIN": {"N": "-18.9"},
    "flags": {"SS": ["M", "Q"]}, "hours": {"NS": ["6", "12"]}, "bytes": {"BS": ["AA==", "AQ=="]},
    "readings": {"L": [{"N": "21.5"}, {"L": [{"S": "x"}]}, {"M": {"k": {"N": "1"}}}]},
    "meta": {"M": {"src": {"S": "GHCND"}, "qc": {"M": {"ok": {"BOOL": true}, "n": {"N": "12"}}}}},
    "status": {"S": "final"}, "wire": {"B": "AAEC"}, "note": {"NULL": true},
    "big": {"N": "99999999999999999999999999999999999999"}
  })");
  return item;
}

ExpressionAttributes FixedAttributes() {
  AttributeNames names = {{"#a", "station"}, {"#d", "date"},     {"#s", "status"},
                          {"#m", "meta"},    {"#r", "readings"}, {"#x", "absent"}};
  AttributeValues values;
  Result<Item> v = ParseItemJson(R"({
    ":s": {"S": "USW"}, ":d": {"S": "2024-07-01"}, ":n": {"N": "1"}, ":f": {"N": "-0.1"},
    ":big": {"N": "1E+125"}, ":tiny": {"N": "1E-130"}, ":l": {"L": [{"N": "1"}]}, ":e": {"L": []},
    ":ss": {"SS": ["M", "Z"]}, ":ns": {"NS": ["6", "7"]}, ":bs": {"BS": ["AA=="]}, ":b": {"B": "AA=="},
    ":m": {"M": {"a": {"N": "1"}}}, ":t": {"S": "N"}, ":bool": {"BOOL": false}, ":null": {"NULL": true}
  })");
  Check(v.ok());
  for (const auto& [name, value] : *v) values.emplace(name, value);
  return ExpressionAttributes(std::move(names), std::move(values));
}

bool NumbersValid(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeValue::Type::kN: return Decimal::Parse(v.scalar()).ok();
    case AttributeValue::Type::kNS:
    case AttributeValue::Type::kL:
      for (const AttributeValue& e : v.elements()) {
        if (!NumbersValid(e)) return false;
      }
      return true;
    case AttributeValue::Type::kM:
      for (const auto& [name, member] : v.map()) {
        if (!NumbersValid(member)) return false;
      }
      return true;
    default: return true;
  }
}

void FuzzCondition(std::string_view text, ExpressionType type) {
  ExpressionAttributes attrs = FixedAttributes();
  Result<Condition> c = ParseCondition(text, type, &attrs);
  if (!c.ok()) {
    Check(c.status().IsInvalidArgument());
    return;
  }
  (void)attrs.CheckAllUsed();
  for (const Item* item : {&FixedItem(), static_cast<const Item*>(nullptr)}) {
    Result<bool> r = Evaluate(*c, item);
    Check(r.ok());
    Condition negated;
    negated.kind = Condition::Kind::kNot;
    negated.children.push_back(*c);
    Result<bool> n = Evaluate(negated, item);
    Check(n.ok() && *n == !*r);
  }
}

bool OfKeyType(const AttributeValue& v, KeyType t) {
  return (t == KeyType::kS && v.type() == AttributeValue::Type::kS) ||
         (t == KeyType::kN && v.type() == AttributeValue::Type::kN) ||
         (t == KeyType::kB && v.type() == AttributeValue::Type::kB);
}

void FuzzKeyCondition(std::string_view text) {
  const KeyAttribute pk{"station", KeyType::kS};
  for (const KeyAttribute& sk : {KeyAttribute{"date", KeyType::kS}, KeyAttribute{"day", KeyType::kN}}) {
    ExpressionAttributes attrs = FixedAttributes();
    Result<KeyConditionParts> parts = ParseKeyCondition(text, &attrs, pk, sk);
    if (!parts.ok()) continue;
    Check(OfKeyType(parts->partition, pk.type));
    if (parts->sort) {
      Check(OfKeyType(parts->sort->value, sk.type));
      if (parts->sort->op == SortKeyCondition::Op::kBetween) Check(OfKeyType(parts->sort->value2, sk.type));
    }
  }
}

void FuzzUpdate(std::string_view text) {
  ExpressionAttributes attrs = FixedAttributes();
  Result<Update> u = ParseUpdate(text, &attrs);
  if (!u.ok()) return;
  const std::vector<std::string> names = UpdatedAttributeNames(*u);
  for (const Item& start : {FixedItem(), Item()}) {
    Item item = start;
    if (!ApplyUpdate(*u, &item).ok()) continue;
    for (const auto& [name, value] : item) Check(NumbersValid(value));
    Item updated = ProjectUpdated(*u, item);
    for (const auto& [name, value] : updated) {
      Check(std::find(names.begin(), names.end(), name) != names.end());
    }
    // Attributes the update does not name are untouched.
    for (const auto& [name, value] : start) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        const AttributeValue* now = item.Find(name);
        Check(now != nullptr && *now == value);
      }
    }
  }
}

void FuzzProjection(std::string_view text) {
  ExpressionAttributes attrs = FixedAttributes();
  Result<Projection> p = ParseProjection(text, &attrs);
  if (!p.ok()) return;
  Item out = Project(*p, FixedItem());
  for (const auto& [name, value] : out) Check(FixedItem().Find(name) != nullptr);
}

void FuzzDecimal(std::string_view payload) {
  size_t space = payload.find(' ');
  if (space == std::string_view::npos) return;
  Result<Decimal> a = Decimal::Parse(payload.substr(0, space));
  Result<Decimal> b = Decimal::Parse(payload.substr(space + 1));
  if (!a.ok() || !b.ok()) return;
  Check(Decimal::Compare(*a, *b) == -Decimal::Compare(*b, *a));
  Result<Decimal> sum = Decimal::Add(*a, *b);
  if (!sum.ok()) return;
  Check(Decimal::Parse(sum->ToString()).ok());
  Result<Decimal> back = Decimal::Subtract(*sum, *b);
  if (back.ok()) Check(Decimal::Compare(*back, *a) == 0 && back->ToString() == a->ToString());
}

}  // namespace
}  // namespace freshet::query::expr

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::query::expr;
  if (size == 0) return 0;
  int mode = static_cast<uint8_t>(data[0] - '0') % kModes;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0: FuzzCondition(payload, ExpressionType::kCondition); break;
    case 1: FuzzCondition(payload, ExpressionType::kFilter); break;
    case 2: FuzzKeyCondition(payload); break;
    case 3: FuzzUpdate(payload); break;
    case 4: FuzzProjection(payload); break;
    default: FuzzDecimal(payload); break;
  }
  return 0;
}
