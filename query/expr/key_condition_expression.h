// Key condition expressions (Query's KeyConditionExpression, and the legacy KeyConditions),
// turned into the partition key value and the SortKeyCondition of query/key_condition.h.
//
// The grammar is the condition grammar restricted as AWS restricts it:
//   pk = :v [AND sort_condition]       (either order, parentheses allowed)
//   sort_condition := sk (= | < | <= | > | >=) :v | sk BETWEEN :a AND :b | begins_with(sk, :p)
// Errors are AWS's texts, InvalidArgument:
//   "Invalid KeyConditionExpression: Syntax error; ..." (and the other parser errors)
//   "Invalid operator used in KeyConditionExpression: OR"   (OR, NOT, <>, IN, functions but begins_with)
//   "Query condition missed key schema element: station"
//   "Query key condition not supported"
//   "KeyConditionExpressions must only contain one condition per key"
//   "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
//   "One or more parameter values were invalid: Condition parameter type does not match schema type"
//
// Thread-safety: reentrant; `attrs` records use.
#pragma once

#include <optional>
#include <string_view>

#include "query/expr/ast.h"
#include "query/expr/attributes.h"
#include "query/key_condition.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query::expr {

struct KeyConditionParts {
  AttributeValue partition;              // the partition key's value
  std::optional<SortKeyCondition> sort;  // the sort-key condition, if any
};

// Parses `text` for a table (or index) keyed by `partition_key` and `sort_key`.
Result<KeyConditionParts> ParseKeyCondition(std::string_view text, ExpressionAttributes* attrs,
                                            const KeyAttribute& partition_key,
                                            const std::optional<KeyAttribute>& sort_key);
// The same for a table's own key schema.
Result<KeyConditionParts> ParseKeyCondition(std::string_view text, ExpressionAttributes* attrs,
                                            const TableDescription& table);

// Maps an already parsed key condition tree (from the legacy KeyConditions, see legacy.h) the
// same way.
Result<KeyConditionParts> KeyConditionFromTree(const Condition& condition, const KeyAttribute& partition_key,
                                               const std::optional<KeyAttribute>& sort_key);

// Query's rule that a FilterExpression may not name the key attributes of the table or index
// being queried: "Filter Expression can only contain non-primary key attributes: Primary key
// attribute: date". (Scan allows them; do not call it there.)
Status CheckFilterOmitsKeys(const Condition& filter, const KeyAttribute& partition_key,
                            const std::optional<KeyAttribute>& sort_key);

}  // namespace freshet::query::expr
