// Evaluating conditions on items, with DynamoDB's comparison rules.
//
// - A path that does not resolve (attribute missing, a member of a non-map, an index past the
//   end) is a missing operand. attribute_not_exists is then true, attribute_exists false;
//   every comparison with a missing operand is false, except <>, which is true when exactly
//   one side is missing (AWS: a missing attribute is not equal to any value).
// - = and <> compare type and value: numbers numerically with exact decimals (1.0 = 1), sets
//   as sets (order does not matter), lists and maps member by member with these same rules.
// - < <= > >= and BETWEEN compare N numerically and S and B bytewise (UTF-8 byte order for S);
//   operands of different types, or of other types, make them false.
// - contains(a, b): a substring for S and B; set membership; a list element equal to b.
// - begins_with(a, b): a prefix for S and B (both of the same type).
// - size(a): bytes of S (UTF-8) and B, members of sets, lists and maps; other types have no
//   size (the comparison is false).
//
// Thread-safety: pure functions.
#pragma once

#include "query/expr/ast.h"
#include "query/item.h"
#include "storage/status.h"

namespace freshet::query::expr {

// The value at `path` in `item`, or nullptr. `item` may be null (no item). The pointer is
// valid until the item changes.
const AttributeValue* ResolvePath(const Item* item, const Path& path);

// DynamoDB equality (see above).
bool ValuesEqual(const AttributeValue& a, const AttributeValue& b);

// Evaluates `condition` on `item` (null: the item does not exist). The error cases are
// reserved for conditions built by hand that the parser would have rejected (InvalidArgument).
Result<bool> Evaluate(const Condition& condition, const Item* item);

}  // namespace freshet::query::expr
