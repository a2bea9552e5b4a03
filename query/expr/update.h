// Applying update expressions and projections to items.
//
// ApplyUpdate follows AWS: every SET value is computed from the item as it was before the
// update, then the actions are applied; list indexes in REMOVE refer to the original list
// (REMOVE a[1], a[2] removes both original elements); SET of a list index past the end appends.
// Runtime errors (InvalidArgument, AWS's texts; the item is then unspecified, so apply to a copy):
//   "The provided expression refers to an attribute that does not exist in the item"
//   "Invalid UpdateExpression: An operand in the update expression has an incorrect data type"
//   "The document path provided in the update expression is invalid for update"
//   Decimal's number overflow / underflow / precision errors from + - and ADD.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/expr/ast.h"
#include "query/item.h"
#include "storage/status.h"

namespace freshet::query::expr {

// Applies `update` to *item (an empty item when the item does not exist yet).
Status ApplyUpdate(const Update& update, Item* item);

// The names of the top-level attributes `update` writes or removes, sorted and unique.
std::vector<std::string> UpdatedAttributeNames(const Update& update);

// AWS's "Cannot update attribute <name>. This attribute is part of the key" if `update` targets
// a key attribute (at any depth, since a key attribute is a scalar).
Status CheckKeyNotUpdated(const Update& update, std::string_view partition_key, std::string_view sort_key);

// For ReturnValues UPDATED_OLD / UPDATED_NEW: `item` (the old item or the new one) reduced to
// the paths `update` targets, nested paths keeping their shape.
Item ProjectUpdated(const Update& update, const Item& item);

// `item` reduced to the projection's paths: a nested path keeps its maps ("a.b" gives
// {a: {b: ...}}), and list indexes pick elements into a shorter list ("a[1]" gives {a: [a[1]]},
// "a[0], a[2]" gives {a: [a[0], a[2]]}). Paths that do not resolve add nothing.
Item Project(const Projection& projection, const Item& item);

}  // namespace freshet::query::expr
