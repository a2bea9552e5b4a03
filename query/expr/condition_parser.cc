// Conditions (see parser.h, parser_impl.h).
//
// Precedence, loosest first: OR, AND, NOT, then a parenthesised condition, a function
// (attribute_exists, attribute_not_exists, attribute_type, begins_with, contains), BETWEEN, IN
// and the comparators, which are all at one level because none of them takes a condition.
#include "query/expr/decimal.h"
#include "query/expr/parser_impl.h"

namespace freshet::query::expr {
namespace {

std::string Rendered(const AttributeValue& v) {
  std::string s = "AttributeValue: {" + std::string(TypeName(v.type())) + ":";
  switch (v.type()) {
    case AttributeValue::Type::kS:
    case AttributeValue::Type::kN:
    case AttributeValue::Type::kB: s += v.scalar(); break;
    case AttributeValue::Type::kBool: s += v.boolean() ? "true" : "false"; break;
    case AttributeValue::Type::kNull: s += "true"; break;
    default: s += "..."; break;
  }
  return s + "}";
}

int CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttributeValue::Type::kN) return CompareNumberText(a.scalar(), b.scalar());
  return a.scalar() < b.scalar() ? -1 : (a.scalar() > b.scalar() ? 1 : 0);
}

}  // namespace

Result<Condition> Parser::ParseWholeCondition() {
  FRESHET_RETURN_IF_ERROR(CheckText());
  FRESHET_ASSIGN_OR_RETURN(Condition c, ParseOr());
  if (!At(Token::Kind::kEnd)) return SyntaxError();
  FRESHET_RETURN_IF_ERROR(DeferredError());
  return c;
}

Result<Condition> Parser::ParseOr() {
  FRESHET_ASSIGN_OR_RETURN(Condition first, ParseAnd());
  if (!AtKeyword("OR")) return first;
  Condition c;
  c.kind = Condition::Kind::kOr;
  c.children.push_back(std::move(first));
  while (AtKeyword("OR")) {
    Next();
    FRESHET_ASSIGN_OR_RETURN(Condition next, ParseAnd());
    c.children.push_back(std::move(next));
  }
  return c;
}

Result<Condition> Parser::ParseAnd() {
  FRESHET_ASSIGN_OR_RETURN(Condition first, ParseNot());
  if (!AtKeyword("AND")) return first;
  Condition c;
  c.kind = Condition::Kind::kAnd;
  c.children.push_back(std::move(first));
  while (AtKeyword("AND")) {
    Next();
    FRESHET_ASSIGN_OR_RETURN(Condition next, ParseNot());
    c.children.push_back(std::move(next));
  }
  return c;
}

Result<Condition> Parser::ParseNot() {
  if (!AtKeyword("NOT")) return ParsePrimary();
  Next();
  FRESHET_RETURN_IF_ERROR(Descend());
  FRESHET_ASSIGN_OR_RETURN(Condition inner, ParseNot());
  Ascend();
  Condition c;
  c.kind = Condition::Kind::kNot;
  c.children.push_back(std::move(inner));
  return c;
}

Result<Condition> Parser::ParsePrimary() {
  if (At(Token::Kind::kLParen)) {
    const size_t open = pos_;
    Next();
    FRESHET_RETURN_IF_ERROR(Descend());
    FRESHET_ASSIGN_OR_RETURN(Condition inner, ParseOr());
    // "((c))": the inner condition is exactly one parenthesised condition.
    const bool redundant = At(Token::Kind::kRParen) && last_paren_open_ == open + 1 && last_paren_close_ + 1 == pos_;
    FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kRParen));
    if (redundant) Defer(ErrorKind::kStructure, "The expression has redundant parentheses;");
    Ascend();
    last_paren_open_ = open;
    last_paren_close_ = pos_ - 1;
    return inner;
  }
  if (At(Token::Kind::kName) && Peek(1).kind == Token::Kind::kLParen && IsConditionFunction(Peek().text)) {
    std::string_view name = Next().text;
    return ParseConditionFunction(name);
  }
  const bool call = At(Token::Kind::kName) && Peek(1).kind == Token::Kind::kLParen;
  FRESHET_ASSIGN_OR_RETURN(Operand left, ParseOperand(false));
  return ParseComparisonTail(std::move(left), call);
}

void Parser::CheckComparable(const Operand& operand, std::string_view op) {
  if (operand.kind != Operand::Kind::kValue || IsScalarComparable(operand.value)) return;
  Defer(ErrorKind::kOperandType,
        "Incorrect operand type for operator or function; operator or function: " + std::string(op) +
            ", operand type: " + std::string(TypeName(operand.value.type())));
}

void Parser::CheckDistinct(const std::vector<Operand>& operands, std::string_view op) {
  if (operands.size() == 2 && operands[0].kind == Operand::Kind::kPath && operands[1].kind == Operand::Kind::kPath &&
      operands[0].path == operands[1].path) {
    Defer(ErrorKind::kDistinct,
          "The first operand must be distinct from the remaining operands for this operator or function; operator: " +
              std::string(op) + ", first operand: " + PathToString(operands[0].path));
  }
}

Result<Condition> Parser::ParseComparisonTail(Operand left, bool left_is_call) {
  Condition c;
  c.operands.push_back(std::move(left));
  const Token& t = Peek();
  using K = Token::Kind;
  if (t.kind == K::kEq || t.kind == K::kNe || t.kind == K::kLt || t.kind == K::kLe || t.kind == K::kGt ||
      t.kind == K::kGe) {
    const std::string op(Next().text);
    c.kind = Condition::Kind::kCompare;
    c.op = t.kind == K::kEq   ? Condition::CompareOp::kEq
           : t.kind == K::kNe ? Condition::CompareOp::kNe
           : t.kind == K::kLt ? Condition::CompareOp::kLt
           : t.kind == K::kLe ? Condition::CompareOp::kLe
           : t.kind == K::kGt ? Condition::CompareOp::kGt
                              : Condition::CompareOp::kGe;
    FRESHET_ASSIGN_OR_RETURN(Operand right, ParseOperand(false));
    c.operands.push_back(std::move(right));
    CheckDistinct(c.operands, op);
    if (c.op != Condition::CompareOp::kEq && c.op != Condition::CompareOp::kNe) {
      for (const Operand& o : c.operands) CheckComparable(o, op);
    }
    return c;
  }
  if (AtKeyword("BETWEEN")) {
    Next();
    c.kind = Condition::Kind::kBetween;
    FRESHET_ASSIGN_OR_RETURN(Operand low, ParseOperand(false));
    if (!AtKeyword("AND")) return SyntaxError();
    Next();
    FRESHET_ASSIGN_OR_RETURN(Operand high, ParseOperand(false));
    c.operands.push_back(std::move(low));
    c.operands.push_back(std::move(high));
    for (const Operand& o : c.operands) CheckComparable(o, "BETWEEN");
    const Operand& lo = c.operands[1];
    const Operand& hi = c.operands[2];
    if (lo.kind == Operand::Kind::kValue && hi.kind == Operand::Kind::kValue && IsScalarComparable(lo.value) &&
        IsScalarComparable(hi.value)) {
      if (lo.value.type() != hi.value.type()) {
        Defer(ErrorKind::kOperandType,
              "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: " +
                  Rendered(lo.value) + ", upper bound operand: " + Rendered(hi.value));
      } else if (CompareScalars(lo.value, hi.value) > 0) {
        Defer(ErrorKind::kOperandType,
              "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound "
              "operand: " +
                  Rendered(lo.value) + ", upper bound operand: " + Rendered(hi.value));
      }
    }
    return c;
  }
  if (AtKeyword("IN")) {
    Next();
    c.kind = Condition::Kind::kIn;
    FRESHET_RETURN_IF_ERROR(Expect(K::kLParen));
    while (true) {
      FRESHET_ASSIGN_OR_RETURN(Operand o, ParseOperand(false));
      c.operands.push_back(std::move(o));
      if (!At(K::kComma)) break;
      Next();
    }
    FRESHET_RETURN_IF_ERROR(Expect(K::kRParen));
    if (c.operands.size() - 1 > kMaxInOperands) {
      Defer(ErrorKind::kLimit, "The IN operator is provided with too many operands; number of operands: " +
                                   std::to_string(c.operands.size() - 1));
    }
    return c;
  }
  if (left_is_call) {
    // A function call alone is well-formed; any function but the condition functions (whose
    // errors, if any, are already recorded) is misused as a condition.
    if (c.operands[0].kind == Operand::Kind::kSize) {
      Defer(ErrorKind::kMisusedFunction,
            "The function is not allowed to be used this way in an expression; function: size");
    }
    return Condition();
  }
  return SyntaxError();
}

Result<Condition> Parser::ParseConditionFunction(std::string_view name) {
  Condition c;
  const size_t count = name == "attribute_exists" || name == "attribute_not_exists" ? 1 : 2;
  FRESHET_ASSIGN_OR_RETURN(c.operands, ParseArguments(name, count, false));
  CheckDistinct(c.operands, name);
  auto incorrect_type = [&](std::string_view type) {
    Defer(ErrorKind::kOperandType, "Incorrect operand type for operator or function; operator or function: " +
                                       std::string(name) + ", operand type: " + std::string(type));
  };
  if (name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type") {
    if (c.operands[0].kind != Operand::Kind::kPath) {
      Defer(ErrorKind::kOperandType,
            "Operator or function requires a document path; operator or function: " + std::string(name));
    }
  }
  if (name == "attribute_exists") {
    c.kind = Condition::Kind::kExists;
  } else if (name == "attribute_not_exists") {
    c.kind = Condition::Kind::kNotExists;
  } else if (name == "attribute_type") {
    c.kind = Condition::Kind::kAttributeType;
    const Operand& t = c.operands[1];
    AttributeValue::Type ignored;
    if (t.kind != Operand::Kind::kValue) {
      incorrect_type("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
    } else if (t.value.type() != AttributeValue::Type::kS) {
      incorrect_type(TypeName(t.value.type()));
    } else if (!TypeFromName(t.value.scalar(), &ignored)) {
      Defer(ErrorKind::kOperandType, "Invalid attribute type name found; type: " + t.value.scalar() +
                                         ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    }
  } else if (name == "begins_with") {
    c.kind = Condition::Kind::kBeginsWith;
    for (const Operand& o : c.operands) {
      if (o.kind == Operand::Kind::kValue && o.value.type() != AttributeValue::Type::kS &&
          o.value.type() != AttributeValue::Type::kB) {
        incorrect_type(TypeName(o.value.type()));
      }
      if (o.kind == Operand::Kind::kSize) incorrect_type("N");
    }
  } else {
    c.kind = Condition::Kind::kContains;
  }
  return c;
}

Result<Condition> ParseCondition(std::string_view text, ExpressionType type, ExpressionAttributes* attrs) {
  Parser parser(text, type, attrs);
  return parser.ParseWholeCondition();
}

}  // namespace freshet::query::expr
