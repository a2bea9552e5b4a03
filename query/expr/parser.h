// The expression parsers: DynamoDB's condition, filter, update and projection expressions,
// parsed once per request into the trees of ast.h (key condition expressions are in
// key_condition_expression.h).
//
// Each parser is a hand-written tokenizer and recursive-descent parser. Placeholders are
// resolved against `attrs` as they are met (recording use for ExpressionAttributes::
// CheckAllUsed). Every error is InvalidArgument with AWS's ValidationException text, prefixed
// with the expression's parameter name, e.g.
//   Invalid UpdateExpression: Syntax error; token: "x", near: "= x y"
//   Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status
//   Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v
// "near" is the source text from the token before the offending one through the token after it.
// docs/expressions.md has the grammar, the precedence and the full list of messages.
//
// Thread-safety: the functions are reentrant; `attrs` is modified (use tracking).
#pragma once

#include <string_view>

#include "query/expr/ast.h"
#include "query/expr/attributes.h"
#include "storage/status.h"

namespace freshet::query::expr {

// Which request parameter an expression came from: it names the expression in error messages
// ("Invalid FilterExpression: ...") and selects what the grammar allows.
enum class ExpressionType : uint8_t { kCondition, kFilter, kKeyCondition, kUpdate, kProjection };
std::string_view ExpressionTypeName(ExpressionType type);  // "ConditionExpression", ...

// Longest expression accepted, in bytes (AWS: 4 KB).
inline constexpr size_t kMaxExpressionBytes = 4096;
// Most levels of parentheses / NOT / function nesting accepted.
inline constexpr int kMaxNestingDepth = 100;
// Most elements in a document path (AWS: 32 levels).
inline constexpr size_t kMaxPathDepth = 32;
// Most operands on the right of IN.
inline constexpr size_t kMaxInOperands = 100;

// Parses a ConditionExpression (type kCondition) or FilterExpression (kFilter); kKeyCondition
// parses the same grammar (ParseKeyCondition then restricts it).
Result<Condition> ParseCondition(std::string_view text, ExpressionType type, ExpressionAttributes* attrs);

// Parses an UpdateExpression: SET, REMOVE, ADD and DELETE clauses in any order, each at most
// once; checks that no two target paths overlap or conflict.
Result<Update> ParseUpdate(std::string_view text, ExpressionAttributes* attrs);

// Parses a ProjectionExpression: comma-separated document paths, none overlapping another.
Result<Projection> ParseProjection(std::string_view text, ExpressionAttributes* attrs);

// The check ParseUpdate and ParseProjection apply to their paths, for legacy parameters too:
// AWS's "Two document paths overlap with each other; ..." or "... conflict with each other; ...",
// without the "Invalid X: " prefix.
Status CheckPathsDisjoint(const std::vector<const Path*>& paths);

}  // namespace freshet::query::expr
