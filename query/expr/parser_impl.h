// The recursive-descent parser shared by the expression kinds (internal to query/expr).
//
// One Parser parses one expression: paths and operands in parser.cc, conditions in
// condition_parser.cc, update clauses and projections in update_parser.cc. Errors carry the
// "Invalid <Parameter>: " prefix.
//
// Like DynamoDB, the parser reports a syntax error before any other error: other errors are
// deferred (the first of each kind kept) while parsing goes on, and once the whole expression
// has parsed the first deferred error in AWS's order of kinds is returned (ErrorKind, first
// kind first).
//
// Thread-safety: one Parser per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/expr/ast.h"
#include "query/expr/attributes.h"
#include "query/expr/lexer.h"
#include "query/expr/parser.h"

namespace freshet::query::expr {

// Kinds of non-syntax errors, in the order DynamoDB reports them when several occur.
enum class ErrorKind : uint8_t {
  kStructure,        // redundant parentheses; a repeated update clause
  kUnknownFunction,  // no such function, or not allowed in this kind of expression
  kMisusedFunction,  // a function where an operand or condition belongs
  kReserved,         // a reserved word as an attribute name
  kUndefined,        // an undefined #name or :value
  kOperandCount,     // wrong number of function arguments
  kDistinct,         // the same path on both sides
  kOperandType,      // a constant of the wrong type, a value where a path belongs, BETWEEN bounds
  kLimit,            // IN operands, path depth, list index range
  kCount,
};

class Parser {
 public:
  Parser(std::string_view text, ExpressionType type, ExpressionAttributes* attrs);

  // The checks before the grammar: not empty, not too long.
  Status CheckText() const;

  Result<Condition> ParseWholeCondition();
  Result<Update> ParseWholeUpdate();
  Result<Projection> ParseWholeProjection();

 private:
  // Token access.
  const Token& Peek(size_t ahead = 0) const;
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool At(Token::Kind kind) const { return Peek().kind == kind; }
  bool AtKeyword(std::string_view keyword, size_t ahead = 0) const;
  Status Expect(Token::Kind kind);

  // Errors.
  Status Invalid(std::string_view message) const;  // "Invalid <Parameter>: <message>"
  Status SyntaxError() const;                      // at the current token
  // Records a non-syntax error (the first of its kind is kept) and lets parsing go on.
  void Defer(ErrorKind kind, std::string message);
  // The first deferred error by kind, or OK.
  Status DeferredError() const;

  // Grammar (parser.cc).
  Result<Path> ParsePath();
  Result<PathElement> ParsePathName();
  // An operand: a path, a :value, or a function call. `in_update` selects which functions are
  // allowed (if_not_exists, list_append) and which are not (size).
  Result<Operand> ParseOperand(bool in_update);
  Result<Condition> ParseOr();
  Result<Condition> ParseAnd();
  Result<Condition> ParseNot();
  Result<Condition> ParsePrimary();
  Result<Condition> ParseComparisonTail(Operand left, bool left_is_call);
  Result<Condition> ParseConditionFunction(std::string_view name);
  // name '(' operand, ... ')' with the argument count checked.
  Result<std::vector<Operand>> ParseArguments(std::string_view name, size_t count, bool in_update);
  void CheckComparable(const Operand& operand, std::string_view op);
  void CheckDistinct(const std::vector<Operand>& operands, std::string_view op);
  Status Descend();
  void Ascend() { --depth_; }

  // Update clauses (update_parser.cc).
  Result<Operand> ParseSetValue();
  Status ParseClause(std::string_view keyword, Update* update);

  std::string_view text_;
  ExpressionType type_;
  ExpressionAttributes* attrs_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string deferred_[static_cast<int>(ErrorKind::kCount)];
  // Token positions of the '(' and ')' of the parenthesised condition parsed last, to detect
  // redundant parentheses "((...))".
  size_t last_paren_open_ = 0, last_paren_close_ = 0;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool IsConditionFunction(std::string_view name);

// True for S, N and B: the types < <= > >= and BETWEEN order.
bool IsScalarComparable(const AttributeValue& value);

}  // namespace freshet::query::expr
