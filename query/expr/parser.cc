// Paths, operands and conditions (see parser.h, parser_impl.h).
//
// Precedence, loosest first: OR, AND, NOT, then a parenthesised condition, a function
// (attribute_exists, attribute_not_exists, attribute_type, begins_with, contains), BETWEEN, IN
// and the comparators, which are all at one level because none of them takes a condition.
#include <algorithm>

#include "query/expr/decimal.h"
#include "query/expr/parser_impl.h"
#include "query/expr/reserved_words.h"

namespace freshet::query::expr {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

bool IsConditionFunction(std::string_view name) {
  return name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type" ||
         name == "begins_with" || name == "contains";
}

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

bool IsScalarComparable(const AttributeValue& value) {
  auto t = value.type();
  return t == AttributeValue::Type::kS || t == AttributeValue::Type::kN || t == AttributeValue::Type::kB;
}

std::string_view ExpressionTypeName(ExpressionType type) {
  switch (type) {
    case ExpressionType::kCondition: return "ConditionExpression";
    case ExpressionType::kFilter: return "FilterExpression";
    case ExpressionType::kKeyCondition: return "KeyConditionExpression";
    case ExpressionType::kUpdate: return "UpdateExpression";
    case ExpressionType::kProjection: return "ProjectionExpression";
  }
  return "Expression";
}

Parser::Parser(std::string_view text, ExpressionType type, ExpressionAttributes* attrs)
    : text_(text), type_(type), attrs_(attrs) {
  if (text.size() <= kMaxExpressionBytes) tokens_ = Tokenize(text);
}

Status Parser::CheckText() const {
  if (text_.size() > kMaxExpressionBytes) {
    return Invalid("Expression size has exceeded the maximum allowed size; expression size: " +
                   std::to_string(text_.size()));
  }
  if (tokens_.size() <= 1) return Invalid("The expression can not be empty;");
  return Status::OK();
}

const Token& Parser::Peek(size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

bool Parser::AtKeyword(std::string_view keyword, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kName && EqualsIgnoreCase(t.text, keyword);
}

Status Parser::Expect(Token::Kind kind) {
  if (!At(kind)) return SyntaxError();
  Next();
  return Status::OK();
}

Status Parser::Invalid(std::string_view message) const {
  return Status::InvalidArgument("Invalid " + std::string(ExpressionTypeName(type_)) + ": " + std::string(message));
}

Status Parser::SyntaxError() const {
  const Token& bad = Peek();
  size_t from = pos_ > 0 ? tokens_[pos_ - 1].offset : bad.offset;
  if (bad.kind == Token::Kind::kEnd) {
    return Invalid("Syntax error; token: <EOF>, near: \"" + std::string(text_.substr(from)) + "\"");
  }
  const Token& after = Peek(1);
  size_t to = after.kind == Token::Kind::kEnd ? bad.offset + bad.text.size() : after.offset + after.text.size();
  return Invalid("Syntax error; token: \"" + std::string(bad.text) + "\", near: \"" +
                 std::string(text_.substr(from, to - from)) + "\"");
}

Status Parser::Descend() {
  if (++depth_ > kMaxNestingDepth) {
    return Invalid("The expression has too many nesting levels; nesting levels: " + std::to_string(depth_));
  }
  return Status::OK();
}

// --- Paths ---

Result<PathElement> Parser::ParsePathName() {
  PathElement e;
  const Token& t = Peek();
  if (t.kind == Token::Kind::kNameRef) {
    const std::string* name = attrs_->UseName(t.text);
    if (!name) {
      return Invalid("An expression attribute name used in the document path is not defined; attribute name: " +
                     std::string(t.text));
    }
    e.name = *name;
  } else if (t.kind == Token::Kind::kName) {
    for (std::string_view keyword : {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"}) {
      if (EqualsIgnoreCase(t.text, keyword)) return SyntaxError();  // a keyword where a name belongs
    }
    if (IsReservedWord(t.text)) {
      return Invalid("Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
    }
    e.name = std::string(t.text);
  } else {
    return SyntaxError();
  }
  Next();
  return e;
}

Result<Path> Parser::ParsePath() {
  Path path;
  FRESHET_ASSIGN_OR_RETURN(PathElement first, ParsePathName());
  path.push_back(std::move(first));
  while (At(Token::Kind::kDot) || At(Token::Kind::kLBracket)) {
    if (Next().kind == Token::Kind::kDot) {
      FRESHET_ASSIGN_OR_RETURN(PathElement e, ParsePathName());
      path.push_back(std::move(e));
    } else {
      if (!At(Token::Kind::kNumber)) return SyntaxError();
      std::string_view digits = Peek().text;
      uint64_t index = 0;
      for (char c : digits) {
        index = index * 10 + static_cast<uint64_t>(c - '0');
        if (index > 0x7fffffff) break;
      }
      if (index > 0x7fffffff) {
        return Invalid("List index is not within the allowable range; index: " + std::string(digits));
      }
      Next();
      FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kRBracket));
      PathElement e;
      e.is_index = true;
      e.index = static_cast<uint32_t>(index);
      path.push_back(std::move(e));
    }
    if (path.size() > kMaxPathDepth) {
      return Invalid("The document path has too many nesting levels; nesting levels: " + std::to_string(path.size()));
    }
  }
  return path;
}

// --- Operands ---

Result<std::vector<Operand>> Parser::ParseArguments(std::string_view name, size_t count, bool in_update) {
  FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kLParen));
  FRESHET_RETURN_IF_ERROR(Descend());
  std::vector<Operand> args;
  if (!At(Token::Kind::kRParen)) {
    while (true) {
      FRESHET_ASSIGN_OR_RETURN(Operand arg, ParseOperand(in_update));
      args.push_back(std::move(arg));
      if (!At(Token::Kind::kComma)) break;
      Next();
    }
  }
  FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kRParen));
  Ascend();
  if (args.size() != count) {
    return Invalid("Incorrect number of operands for operator or function; operator or function: " +
                   std::string(name) + ", number of operands: " + std::to_string(args.size()));
  }
  return args;
}

Result<Operand> Parser::ParseOperand(bool in_update) {
  Operand op;
  const Token& t = Peek();
  if (t.kind == Token::Kind::kValueRef) {
    const AttributeValue* v = attrs_->UseValue(t.text);
    if (!v) {
      return Invalid("An expression attribute value used in expression is not defined; attribute value: " +
                     std::string(t.text));
    }
    op.kind = Operand::Kind::kValue;
    op.value = *v;
    Next();
    return op;
  }
  if (t.kind == Token::Kind::kName && Peek(1).kind == Token::Kind::kLParen) {
    const std::string name(t.text);
    const bool update_function = name == "if_not_exists" || name == "list_append";
    if (name != "size" && !update_function && !IsConditionFunction(name)) {
      return Invalid("Invalid function name; function: " + name);
    }
    if (in_update && !update_function) {
      return Invalid("The function is not allowed in an update expression; function: " + name);
    }
    if (!in_update && update_function) {
      return Invalid("The function is not allowed in a condition expression; function: " + name);
    }
    if (IsConditionFunction(name)) {
      return Invalid("The function is not allowed to be used this way in an expression; function: " + name);
    }
    Next();
    FRESHET_ASSIGN_OR_RETURN(op.args, ParseArguments(name, name == "size" ? 1 : 2, in_update));
    if (name != "list_append" && op.args[0].kind != Operand::Kind::kPath) {
      return Invalid("Operator or function requires a document path; operator or function: " + name);
    }
    op.kind = name == "size" ? Operand::Kind::kSize
              : name == "if_not_exists" ? Operand::Kind::kIfNotExists
                                        : Operand::Kind::kListAppend;
    return op;
  }
  op.kind = Operand::Kind::kPath;
  FRESHET_ASSIGN_OR_RETURN(op.path, ParsePath());
  return op;
}

// --- Conditions ---

Result<Condition> Parser::ParseWholeCondition() {
  FRESHET_RETURN_IF_ERROR(CheckText());
  FRESHET_ASSIGN_OR_RETURN(Condition c, ParseOr());
  if (!At(Token::Kind::kEnd)) return SyntaxError();
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
    Next();
    FRESHET_RETURN_IF_ERROR(Descend());
    FRESHET_ASSIGN_OR_RETURN(Condition inner, ParseOr());
    FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kRParen));
    Ascend();
    return inner;
  }
  if (At(Token::Kind::kName) && Peek(1).kind == Token::Kind::kLParen && IsConditionFunction(Peek().text)) {
    std::string_view name = Next().text;
    return ParseConditionFunction(name);
  }
  FRESHET_ASSIGN_OR_RETURN(Operand left, ParseOperand(false));
  return ParseComparisonTail(std::move(left));
}

Status Parser::CheckComparable(const Operand& operand, std::string_view op) const {
  if (operand.kind != Operand::Kind::kValue || IsScalarComparable(operand.value)) return Status::OK();
  return Invalid("Incorrect operand type for operator or function; operator or function: " + std::string(op) +
                 ", operand type: " + std::string(TypeName(operand.value.type())));
}

Result<Condition> Parser::ParseComparisonTail(Operand left) {
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
    if (c.op != Condition::CompareOp::kEq && c.op != Condition::CompareOp::kNe) {
      for (const Operand& o : c.operands) FRESHET_RETURN_IF_ERROR(CheckComparable(o, op));
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
    for (const Operand& o : c.operands) FRESHET_RETURN_IF_ERROR(CheckComparable(o, "BETWEEN"));
    const Operand& lo = c.operands[1];
    const Operand& hi = c.operands[2];
    if (lo.kind == Operand::Kind::kValue && hi.kind == Operand::Kind::kValue) {
      if (lo.value.type() != hi.value.type()) {
        return Invalid("The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: " +
                       Rendered(lo.value) + ", upper bound operand: " + Rendered(hi.value));
      }
      if (CompareScalars(lo.value, hi.value) > 0) {
        return Invalid(
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
      return Invalid("The IN operator is provided with too many operands; number of operands: " +
                     std::to_string(c.operands.size() - 1));
    }
    return c;
  }
  if (c.operands[0].kind == Operand::Kind::kSize) {
    return Invalid("The function is not allowed to be used this way in an expression; function: size");
  }
  return SyntaxError();
}

Result<Condition> Parser::ParseConditionFunction(std::string_view name) {
  Condition c;
  size_t count = 2;
  if (name == "attribute_exists" || name == "attribute_not_exists") count = 1;
  FRESHET_ASSIGN_OR_RETURN(c.operands, ParseArguments(name, count, false));
  if (name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type") {
    if (c.operands[0].kind != Operand::Kind::kPath) {
      return Invalid("Operator or function requires a document path; operator or function: " + std::string(name));
    }
  }
  if (name == "attribute_exists") {
    c.kind = Condition::Kind::kExists;
  } else if (name == "attribute_not_exists") {
    c.kind = Condition::Kind::kNotExists;
  } else if (name == "attribute_type") {
    c.kind = Condition::Kind::kAttributeType;
    const Operand& t = c.operands[1];
    if (t.kind == Operand::Kind::kValue) {
      if (t.value.type() != AttributeValue::Type::kS) {
        return Invalid("Incorrect operand type for operator or function; operator or function: attribute_type, "
                       "operand type: " + std::string(TypeName(t.value.type())));
      }
      AttributeValue::Type ignored;
      if (!TypeFromName(t.value.scalar(), &ignored)) {
        return Invalid("Invalid attribute type name found; type: " + t.value.scalar() +
                       ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
      }
    }
  } else if (name == "begins_with") {
    c.kind = Condition::Kind::kBeginsWith;
    for (const Operand& o : c.operands) {
      if (o.kind == Operand::Kind::kValue && o.value.type() != AttributeValue::Type::kS &&
          o.value.type() != AttributeValue::Type::kB) {
        return Invalid("Incorrect operand type for operator or function; operator or function: begins_with, "
                       "operand type: " + std::string(TypeName(o.value.type())));
      }
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
