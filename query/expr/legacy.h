// The legacy (pre-expression) request parameters, mapped onto the same trees as expressions:
// KeyConditions, QueryFilter / ScanFilter with ConditionalOperator, Expected, AttributesToGet
// and AttributeUpdates. The protocol layer decodes the JSON into these structures; this module
// stays JSON-free. Errors are AWS's ValidationException texts (InvalidArgument), e.g.
//   "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"
//   "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/expr/ast.h"
#include "query/expr/key_condition_expression.h"
#include "storage/status.h"

namespace freshet::query::expr {

// One entry of KeyConditions, QueryFilter or ScanFilter:
//   "<attribute>": {"ComparisonOperator": "<op>", "AttributeValueList": [<values>]}
struct LegacyCondition {
  std::string attribute;
  std::string op;  // EQ NE LE LT GE GT NOT_NULL NULL CONTAINS NOT_CONTAINS BEGINS_WITH IN BETWEEN
  std::vector<AttributeValue> values;
};

// One entry of Expected: "<attribute>": {"Value", "Exists", "ComparisonOperator", "AttributeValueList"}.
struct LegacyExpected {
  std::string attribute;
  std::optional<AttributeValue> value;
  std::optional<bool> exists;
  std::string op;  // empty when absent
  std::vector<AttributeValue> values;
  bool values_given = false;  // AttributeValueList was present
};

// One entry of AttributeUpdates: "<attribute>": {"Action": "PUT|ADD|DELETE", "Value": ...}.
struct LegacyAttributeUpdate {
  std::string attribute;
  std::string action;  // empty means PUT, AWS's default
  std::optional<AttributeValue> value;
};

// QueryFilter / ScanFilter: the conditions joined by `conditional_operator` ("AND" when empty).
Result<Condition> ConditionFromFilter(const std::vector<LegacyCondition>& conditions,
                                      std::string_view conditional_operator);

// Expected: the conditions joined by `conditional_operator` ("AND" when empty).
Result<Condition> ConditionFromExpected(const std::vector<LegacyExpected>& expected,
                                        std::string_view conditional_operator);

// KeyConditions (EQ on the partition key; EQ LE LT GE GT BEGINS_WITH BETWEEN on the sort key).
Result<KeyConditionParts> KeyConditionFromLegacy(const std::vector<LegacyCondition>& conditions,
                                                 const KeyAttribute& partition_key,
                                                 const std::optional<KeyAttribute>& sort_key);

// AttributesToGet: top-level names. Error on a duplicate name.
Result<Projection> ProjectionFromAttributesToGet(const std::vector<std::string>& names);

// AttributeUpdates: PUT -> SET, DELETE without a value -> REMOVE, DELETE with a set -> DELETE,
// ADD with a number or set -> ADD (and with a list: append, which only AttributeUpdates allows).
Result<Update> UpdateFromAttributeUpdates(const std::vector<LegacyAttributeUpdate>& updates);

}  // namespace freshet::query::expr
