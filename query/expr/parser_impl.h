// The recursive-descent parser shared by the expression kinds (internal to query/expr).
//
// One Parser parses one expression: paths, operands and conditions in parser.cc, update clauses
// and projections in update_parser.cc. Errors carry the "Invalid <Parameter>: " prefix.
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
  Result<Condition> ParseComparisonTail(Operand left);
  Result<Condition> ParseConditionFunction(std::string_view name);
  // name '(' operand, ... ')' with the argument count checked.
  Result<std::vector<Operand>> ParseArguments(std::string_view name, size_t count, bool in_update);
  Status CheckComparable(const Operand& operand, std::string_view op) const;
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
};

// "S", "N", ... of a constant operand, for "operand type" in messages.
bool IsScalarComparable(const AttributeValue& value);

}  // namespace freshet::query::expr
