// The parser's core, paths and operands (see parser.h, parser_impl.h); conditions are in
// condition_parser.cc, update clauses and projections in update_parser.cc.
#include <algorithm>

#include "query/expr/parser_impl.h"
#include "query/expr/reserved_words.h"

namespace freshet::query::expr {

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

const Token& Parser::Peek(size_t ahead) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }

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

void Parser::Defer(ErrorKind kind, std::string message) {
  std::string& slot = deferred_[static_cast<int>(kind)];
  if (slot.empty()) slot = std::move(message);
}

Status Parser::DeferredError() const {
  for (const std::string& message : deferred_) {
    if (!message.empty()) return Invalid(message);
  }
  return Status::OK();
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
    if (name) {
      e.name = *name;
    } else {
      Defer(ErrorKind::kUndefined,
            "An expression attribute name used in the document path is not defined; attribute name: " +
                std::string(t.text));
      e.name = std::string(t.text);
    }
  } else if (t.kind == Token::Kind::kName) {
    for (std::string_view keyword : {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"}) {
      if (EqualsIgnoreCase(t.text, keyword)) return SyntaxError();  // a keyword where a name belongs
    }
    if (IsReservedWord(t.text)) {
      Defer(ErrorKind::kReserved, "Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
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
        Defer(ErrorKind::kLimit, "List index is not within the allowable range; index: " + std::string(digits));
        index = 0;
      }
      Next();
      FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kRBracket));
      PathElement e;
      e.is_index = true;
      e.index = static_cast<uint32_t>(index);
      path.push_back(std::move(e));
    }
    if (path.size() == kMaxPathDepth + 1) {
      Defer(ErrorKind::kLimit,
            "The document path has too many nesting levels; nesting levels: " + std::to_string(path.size()));
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
    Defer(ErrorKind::kOperandCount, "Incorrect number of operands for operator or function; operator or function: " +
                                        std::string(name) + ", number of operands: " + std::to_string(args.size()));
    args.resize(count);  // placeholders: the deferred error is reported once the parse ends
  }
  return args;
}

Result<Operand> Parser::ParseOperand(bool in_update) {
  Operand op;
  const Token& t = Peek();
  if (t.kind == Token::Kind::kValueRef) {
    const AttributeValue* v = attrs_->UseValue(t.text);
    if (v) {
      op.value = *v;
    } else {
      Defer(ErrorKind::kUndefined,
            "An expression attribute value used in expression is not defined; attribute value: " + std::string(t.text));
    }
    op.kind = Operand::Kind::kValue;
    Next();
    return op;
  }
  if (t.kind == Token::Kind::kName && Peek(1).kind == Token::Kind::kLParen) {
    const std::string name(t.text);
    const bool update_function = name == "if_not_exists" || name == "list_append";
    const bool known = name == "size" || update_function || IsConditionFunction(name);
    if (!known) {
      Defer(ErrorKind::kUnknownFunction, "Invalid function name; function: " + name);
    } else if (in_update && !update_function) {
      Defer(ErrorKind::kUnknownFunction, "The function is not allowed in an update expression; function: " + name);
    } else if (!in_update && update_function) {
      Defer(ErrorKind::kUnknownFunction, "The function is not allowed in a condition expression; function: " + name);
    } else if (IsConditionFunction(name)) {
      Defer(ErrorKind::kMisusedFunction,
            "The function is not allowed to be used this way in an expression; function: " + name);
    }
    Next();
    FRESHET_ASSIGN_OR_RETURN(op.args, ParseArguments(name, name == "size" || !known ? 1 : 2, in_update));
    op.kind = name == "size"            ? Operand::Kind::kSize
              : name == "if_not_exists" ? Operand::Kind::kIfNotExists
                                        : Operand::Kind::kListAppend;
    const Operand& first = op.args[0];
    if (name == "if_not_exists" && first.kind != Operand::Kind::kPath) {
      Defer(ErrorKind::kOperandType, "Operator or function requires a document path; operator or function: " + name);
    }
    if (name == "size") {
      // size() of a number, boolean or null (a constant, or size() itself) has no meaning.
      std::string_view type;
      if (first.kind == Operand::Kind::kSize) type = "N";
      if (first.kind == Operand::Kind::kValue) {
        auto vt = first.value.type();
        if (vt == AttributeValue::Type::kN || vt == AttributeValue::Type::kBool || vt == AttributeValue::Type::kNull) {
          type = TypeName(vt);
        }
      }
      if (!type.empty()) {
        Defer(ErrorKind::kOperandType,
              "Incorrect operand type for operator or function; operator or function: size, operand type: " +
                  std::string(type));
      }
    }
    if (!known || IsConditionFunction(name)) op = Operand();  // reported when the parse ends
    return op;
  }
  op.kind = Operand::Kind::kPath;
  FRESHET_ASSIGN_OR_RETURN(op.path, ParsePath());
  return op;
}

}  // namespace freshet::query::expr
