#include "tools/protocol/dynamodb_common.h"

#include <algorithm>
#include <array>
#include <functional>

#include "query/expr/evaluate.h"
#include "query/expr/legacy.h"
#include "query/expr/parser.h"

namespace freshet::protocol::dynamodb {
namespace {

namespace expr = query::expr;
using query::KeyAttribute;
using query::KeyType;

std::string_view ValueTypeName(const AttributeValue& v) { return query::TypeName(v.type()); }

bool TypeMatches(const KeyAttribute& attr, const AttributeValue& v) {
  switch (attr.type) {
    case KeyType::kS: return v.type() == AttributeValue::Type::kS;
    case KeyType::kN: return v.type() == AttributeValue::Type::kN;
    case KeyType::kB: return v.type() == AttributeValue::Type::kB;
  }
  return false;
}

std::vector<const KeyAttribute*> KeyAttributes(const TableDescription& table) {
  std::vector<const KeyAttribute*> out = {&table.partition_key};
  if (table.sort_key) out.push_back(&*table.sort_key);
  return out;
}

AwsError EmptyKey(const std::string& name) {
  return Validation(
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty " +
      std::string("string value. Key: ") + name);
}

Checked<std::string> EncodeKey(const Call& call, const TableDescription& table, const Item& item) {
  auto encoded = call.backend.tables->EncodeItemKey(table, item);
  if (!encoded.ok()) return Validation("One or more parameter values were invalid: " + encoded.status().message());
  return std::move(encoded.value());
}

std::array<std::mutex, KeyLocks::kStripes>& Stripes() {
  static std::array<std::mutex, KeyLocks::kStripes> stripes;
  return stripes;
}

Checked<std::vector<AttributeValue>> ValueList(const Json& entry, const std::string& attribute) {
  std::vector<AttributeValue> values;
  auto it = entry.find("AttributeValueList");
  if (it == entry.end() || it->is_null()) return values;
  if (!it->is_array()) return WrongType(attribute + ".AttributeValueList", "a list");
  for (const Json& v : *it) {
    FRESHET_CHECKED_ASSIGN(AttributeValue value, DecodeValue(v));
    values.push_back(std::move(value));
  }
  return values;
}

bool Present(const Json& request, const char* member) {
  auto it = request.find(member);
  return it != request.end() && !it->is_null();
}

// AWS refuses a request mixing an expression with its legacy counterpart.
std::optional<AwsError> Mixed(const Json& request, const char* expression, const char* legacy) {
  if (Present(request, expression) && Present(request, legacy)) {
    return Validation(std::string("Can not use both expression and non-expression parameters in the same request: ") +
                      "Non-expression parameters: {" + legacy + "} Expression parameters: {" + expression + "}");
  }
  return std::nullopt;
}

Checked<std::string> ConditionalOperator(const Json& request) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> op, OptionalString(request, "ConditionalOperator"));
  if (op && *op != "AND" && *op != "OR") {
    return ValidationError("ConditionalOperator", "'" + *op + "'", "Member must satisfy enum value set: [OR, AND]");
  }
  return op.value_or("");
}

}  // namespace

AwsError Validation(std::string message) { return AwsError::Client("ValidationException", std::move(message)); }

AwsError TableNotFound(std::string_view table) {
  return AwsError::Client("ResourceNotFoundException",
                          "Requested resource not found: Table: " + std::string(table) + " not found");
}

AwsError ConditionFailed() {
  return AwsError::Client("ConditionalCheckFailedException", "The conditional request failed");
}

Checked<TableDescription> FindTable(const Call& call, const Json& request) {
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(request, "TableName"));
  if (auto e = CheckLength(name, "TableName", 1, 1024)) return std::move(*e);
  auto table = call.backend.tables->Get(name);
  if (!table.ok()) {
    if (table.status().code() == Status::Code::kNotFound) return TableNotFound(name);
    return ErrorForStatus(Service::kDynamoDb, table.status());
  }
  return std::move(table.value());
}

Checked<std::string> CheckKey(const Call& call, const TableDescription& table, const Item& key) {
  const auto attrs = KeyAttributes(table);
  bool matches = key.size() == attrs.size();
  for (const KeyAttribute* attr : attrs) {
    const AttributeValue* v = key.Find(attr->name);
    matches = matches && v && TypeMatches(*attr, *v);
  }
  if (!matches) return Validation("The provided key element does not match the schema");
  for (const KeyAttribute* attr : attrs) {
    if (key.Find(attr->name)->scalar().empty()) return EmptyKey(attr->name);
  }
  return EncodeKey(call, table, key);
}

Checked<std::string> CheckItem(const Call& call, const TableDescription& table, const Item& item) {
  for (const KeyAttribute* attr : KeyAttributes(table)) {
    const AttributeValue* v = item.Find(attr->name);
    if (!v)
      return Validation("One or more parameter values were invalid: Missing the key " + attr->name + " in the item");
    if (!TypeMatches(*attr, *v)) {
      return Validation("One or more parameter values were invalid: Type mismatch for key " + attr->name +
                        " expected: " + std::string(query::KeyTypeName(attr->type)) +
                        " actual: " + std::string(ValueTypeName(*v)));
    }
    if (v->scalar().empty()) return EmptyKey(attr->name);
  }
  if (ItemSize(item) > kMaxItemSize) return Validation("Item size has exceeded the maximum allowed size");
  Status valid = call.backend.tables->ValidateItem(table, item);
  if (!valid.ok()) {
    if (valid.message().find("400 KB") != std::string::npos) {
      return Validation("Item size has exceeded the maximum allowed size");
    }
    return Validation("One or more parameter values were invalid: " + valid.message());
  }
  return EncodeKey(call, table, item);
}

Item KeyOf(const TableDescription& table, const Item& item) {
  Item key;
  for (const KeyAttribute* attr : KeyAttributes(table)) {
    if (const AttributeValue* v = item.Find(attr->name)) key.Set(attr->name, *v);
  }
  return key;
}

Checked<Expressions> ReadExpressionAttributes(const Json& request) {
  Expressions out;
  expr::AttributeNames names;
  expr::AttributeValues values;
  if (auto it = request.find("ExpressionAttributeNames"); it != request.end() && !it->is_null()) {
    if (!it->is_object()) return WrongType("ExpressionAttributeNames", "a map of strings");
    out.names_given = true;
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return WrongType("ExpressionAttributeNames", "a map of strings");
      names[k] = v.get<std::string>();
    }
  }
  if (auto it = request.find("ExpressionAttributeValues"); it != request.end() && !it->is_null()) {
    if (!it->is_object()) return WrongType("ExpressionAttributeValues", "a map of AttributeValues");
    out.values_given = true;
    for (const auto& [k, v] : it->items()) {
      auto value = DecodeValue(v);
      if (!value.ok()) {
        AwsError e = value.error();
        if (e.type == "ValidationException") {
          e.message = "ExpressionAttributeValues contains invalid value: " + e.message + " for key " + k;
        }
        return e;
      }
      values[k] = std::move(value.value());
    }
  }
  out.attrs = expr::ExpressionAttributes(std::move(names), std::move(values));
  Status valid = out.attrs.Validate(out.names_given, out.values_given);
  if (!valid.ok()) return Validation(valid.message());
  return out;
}

std::optional<AwsError> CheckExpressionsUsed(const Expressions& e) {
  if (!e.used_expression) {
    if (e.names_given) return Validation("ExpressionAttributeNames can only be specified when using expressions");
    if (e.values_given) return Validation("ExpressionAttributeValues can only be specified when using expressions");
    return std::nullopt;
  }
  Status used = e.attrs.CheckAllUsed();
  if (!used.ok()) return Validation(used.message());
  return std::nullopt;
}

Checked<std::vector<expr::LegacyCondition>> ReadLegacyConditions(const Json& request, const char* member) {
  std::vector<expr::LegacyCondition> out;
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return out;
  if (!it->is_object()) return WrongType(member, "a map of Conditions");
  for (const auto& [attribute, entry] : it->items()) {
    if (!entry.is_object()) return WrongType(member, "a map of Conditions");
    expr::LegacyCondition c;
    c.attribute = attribute;
    FRESHET_CHECKED_ASSIGN(c.op, RequiredString(entry, "ComparisonOperator"));
    FRESHET_CHECKED_ASSIGN(c.values, ValueList(entry, attribute));
    out.push_back(std::move(c));
  }
  return out;
}

Checked<std::optional<expr::Condition>> ReadCondition(const Json& request, Expressions* e) {
  if (auto m = Mixed(request, "ConditionExpression", "Expected")) return std::move(*m);
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> text, OptionalString(request, "ConditionExpression"));
  if (text) {
    e->used_expression = true;
    FRESHET_DYNAMO_ASSIGN(expr::Condition c, expr::ParseCondition(*text, expr::ExpressionType::kCondition, &e->attrs));
    return std::optional<expr::Condition>(std::move(c));
  }
  auto it = request.find("Expected");
  if (it == request.end() || it->is_null()) return std::optional<expr::Condition>();
  if (!it->is_object()) return WrongType("Expected", "a map of ExpectedAttributeValues");
  std::vector<expr::LegacyExpected> expected;
  for (const auto& [attribute, entry] : it->items()) {
    if (!entry.is_object()) return WrongType("Expected", "a map of ExpectedAttributeValues");
    expr::LegacyExpected x;
    x.attribute = attribute;
    if (auto v = entry.find("Value"); v != entry.end() && !v->is_null()) {
      FRESHET_CHECKED_ASSIGN(x.value, DecodeValue(*v));
    }
    if (auto v = entry.find("Exists"); v != entry.end() && !v->is_null()) {
      if (!v->is_boolean()) return WrongType("Exists", "a boolean");
      x.exists = v->get<bool>();
    }
    FRESHET_CHECKED_ASSIGN(std::optional<std::string> op, OptionalString(entry, "ComparisonOperator"));
    x.op = op.value_or("");
    x.values_given = Present(entry, "AttributeValueList");
    FRESHET_CHECKED_ASSIGN(x.values, ValueList(entry, attribute));
    expected.push_back(std::move(x));
  }
  FRESHET_CHECKED_ASSIGN(std::string op, ConditionalOperator(request));
  FRESHET_DYNAMO_ASSIGN(expr::Condition c, expr::ConditionFromExpected(expected, op));
  return std::optional<expr::Condition>(std::move(c));
}

Checked<std::optional<expr::Condition>> ReadFilter(const Json& request, const char* legacy_member, Expressions* e) {
  if (auto m = Mixed(request, "FilterExpression", legacy_member)) return std::move(*m);
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> text, OptionalString(request, "FilterExpression"));
  if (text) {
    e->used_expression = true;
    FRESHET_DYNAMO_ASSIGN(expr::Condition c, expr::ParseCondition(*text, expr::ExpressionType::kFilter, &e->attrs));
    return std::optional<expr::Condition>(std::move(c));
  }
  if (!Present(request, legacy_member)) return std::optional<expr::Condition>();
  FRESHET_CHECKED_ASSIGN(auto conditions, ReadLegacyConditions(request, legacy_member));
  FRESHET_CHECKED_ASSIGN(std::string op, ConditionalOperator(request));
  FRESHET_DYNAMO_ASSIGN(expr::Condition c, expr::ConditionFromFilter(conditions, op));
  return std::optional<expr::Condition>(std::move(c));
}

Checked<std::optional<expr::Projection>> ReadProjection(const Json& request, Expressions* e) {
  if (auto m = Mixed(request, "ProjectionExpression", "AttributesToGet")) return std::move(*m);
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> text, OptionalString(request, "ProjectionExpression"));
  if (text) {
    e->used_expression = true;
    FRESHET_DYNAMO_ASSIGN(expr::Projection p, expr::ParseProjection(*text, &e->attrs));
    return std::optional<expr::Projection>(std::move(p));
  }
  auto it = request.find("AttributesToGet");
  if (it == request.end() || it->is_null()) return std::optional<expr::Projection>();
  if (!it->is_array() || it->empty()) {
    return ValidationError("AttributesToGet", "'[]'", "Member must have length greater than or equal to 1");
  }
  std::vector<std::string> names;
  for (const Json& n : *it) {
    if (!n.is_string()) return WrongType("AttributesToGet", "a list of strings");
    names.push_back(n.get<std::string>());
  }
  FRESHET_DYNAMO_ASSIGN(expr::Projection p, expr::ProjectionFromAttributesToGet(names));
  return std::optional<expr::Projection>(std::move(p));
}

Checked<std::string> ReadReturnValues(const Json& request, std::initializer_list<std::string_view> allowed) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> rv, OptionalString(request, "ReturnValues"));
  if (!rv) return std::string("NONE");
  static constexpr std::string_view kAll[] = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
  if (std::find(std::begin(kAll), std::end(kAll), *rv) == std::end(kAll)) {
    return ValidationError("ReturnValues", "'" + *rv + "'",
                           "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
  }
  if (std::find(allowed.begin(), allowed.end(), *rv) == allowed.end()) {
    return Validation("Return values set to invalid value");
  }
  return std::move(*rv);
}

Checked<bool> ConditionHolds(const std::optional<expr::Condition>& condition, const Item* item) {
  if (!condition) return true;
  FRESHET_DYNAMO_ASSIGN(bool holds, expr::Evaluate(*condition, item));
  return holds;
}

KeyLocks::KeyLocks(const std::vector<std::string>& keys) {
  std::vector<size_t> stripes;
  stripes.reserve(keys.size());
  for (const std::string& k : keys) stripes.push_back(std::hash<std::string_view>()(k) % kStripes);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  locks_.reserve(stripes.size());
  for (size_t s : stripes) locks_.emplace_back(Stripes()[s]);
}

void KeyLocks::Barrier() {
  for (std::mutex& m : Stripes()) std::lock_guard<std::mutex> pass(m);
}

Checked<std::optional<Item>> ReadItem(const Call& call, const TableDescription& table, const Item& key) {
  FRESHET_DYNAMO_ASSIGN(std::optional<Item> item, call.backend.tables->GetItem(table, key));
  return item;
}

}  // namespace freshet::protocol::dynamodb
