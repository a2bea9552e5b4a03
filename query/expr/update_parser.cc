// Update and projection expressions (see parser.h, parser_impl.h).
//
//   update      := clause+                     -- each of SET, REMOVE, ADD, DELETE at most once
//   clause      := SET set_action (',' set_action)*
//                | REMOVE path (',' path)*
//                | ADD path :value (',' path :value)*
//                | DELETE path :value (',' path :value)*
//   set_action  := path '=' set_value
//   set_value   := operand [('+' | '-') operand]
//   operand     := path | :value | if_not_exists(path, operand) | list_append(operand, operand)
//   projection  := path (',' path)*
#include <array>

#include "query/expr/parser_impl.h"

namespace freshet::query::expr {
namespace {

// AWS's names for value types in ADD / DELETE operand errors.
std::string_view LongTypeName(AttributeValue::Type type) {
  switch (type) {
    case AttributeValue::Type::kS: return "STRING";
    case AttributeValue::Type::kN: return "NUMBER";
    case AttributeValue::Type::kB: return "BINARY";
    case AttributeValue::Type::kBool: return "BOOLEAN";
    case AttributeValue::Type::kNull: return "NULL";
    case AttributeValue::Type::kL: return "LIST";
    case AttributeValue::Type::kM: return "MAP";
    case AttributeValue::Type::kSS: return "STRING_SET";
    case AttributeValue::Type::kNS: return "NUMBER_SET";
    case AttributeValue::Type::kBS: return "BINARY_SET";
  }
  return "UNKNOWN";
}

bool IsSet(AttributeValue::Type t) {
  return t == AttributeValue::Type::kSS || t == AttributeValue::Type::kNS || t == AttributeValue::Type::kBS;
}

constexpr std::array<std::string_view, 4> kClauses = {"SET", "REMOVE", "ADD", "DELETE"};

}  // namespace

Status CheckPathsDisjoint(const std::vector<const Path*>& paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      const Path& a = *paths[i];
      const Path& b = *paths[j];
      const size_t common = std::min(a.size(), b.size());
      size_t k = 0;
      while (k < common && a[k] == b[k]) ++k;
      if (k == common) {
        return Status::InvalidArgument(
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " +
            PathToString(a) + ", path two: " + PathToString(b));
      }
      if (a[k].is_index != b[k].is_index) {
        return Status::InvalidArgument(
            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " +
            PathToString(a) + ", path two: " + PathToString(b));
      }
    }
  }
  return Status::OK();
}

Result<Operand> Parser::ParseSetValue() {
  FRESHET_ASSIGN_OR_RETURN(Operand left, ParseOperand(true));
  if (!At(Token::Kind::kPlus) && !At(Token::Kind::kMinus)) return left;
  Operand op;
  op.kind = Next().kind == Token::Kind::kPlus ? Operand::Kind::kPlus : Operand::Kind::kMinus;
  FRESHET_ASSIGN_OR_RETURN(Operand right, ParseOperand(true));
  op.args.push_back(std::move(left));
  op.args.push_back(std::move(right));
  return op;
}

Status Parser::ParseClause(std::string_view keyword, Update* update) {
  UpdateAction::Kind kind = keyword == "SET"      ? UpdateAction::Kind::kSet
                            : keyword == "REMOVE" ? UpdateAction::Kind::kRemove
                            : keyword == "ADD"    ? UpdateAction::Kind::kAdd
                                                  : UpdateAction::Kind::kDelete;
  while (true) {
    UpdateAction action;
    action.kind = kind;
    FRESHET_ASSIGN_OR_RETURN(action.path, ParsePath());
    if (kind == UpdateAction::Kind::kSet) {
      FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kEq));
      FRESHET_ASSIGN_OR_RETURN(action.value, ParseSetValue());
    } else if (kind != UpdateAction::Kind::kRemove) {
      if (!At(Token::Kind::kValueRef)) return SyntaxError();
      FRESHET_ASSIGN_OR_RETURN(action.value, ParseOperand(true));
      const AttributeValue::Type t = action.value.value.type();
      const bool ok = IsSet(t) || (kind == UpdateAction::Kind::kAdd && t == AttributeValue::Type::kN);
      if (!ok) {
        Defer(ErrorKind::kOperandType, "Incorrect operand type for operator or function; operator: " +
                                           std::string(keyword) + ", operand type: " + std::string(LongTypeName(t)));
      }
    }
    update->actions.push_back(std::move(action));
    if (!At(Token::Kind::kComma)) return Status::OK();
    Next();
  }
}

Result<Update> Parser::ParseWholeUpdate() {
  FRESHET_RETURN_IF_ERROR(CheckText());
  Update update;
  bool seen[kClauses.size()] = {};
  while (!At(Token::Kind::kEnd)) {
    size_t which = kClauses.size();
    for (size_t i = 0; i < kClauses.size(); ++i) {
      if (AtKeyword(kClauses[i])) which = i;
    }
    if (which == kClauses.size()) return SyntaxError();
    if (seen[which]) {
      Defer(ErrorKind::kStructure,
            "The \"" + std::string(kClauses[which]) + "\" section can only be used once in an update expression;");
    }
    seen[which] = true;
    Next();
    FRESHET_RETURN_IF_ERROR(ParseClause(kClauses[which], &update));
  }
  FRESHET_RETURN_IF_ERROR(DeferredError());
  std::vector<const Path*> targets;
  for (const UpdateAction& a : update.actions) targets.push_back(&a.path);
  Status disjoint = CheckPathsDisjoint(targets);
  if (!disjoint.ok()) return Invalid(disjoint.message());
  return update;
}

Result<Projection> Parser::ParseWholeProjection() {
  FRESHET_RETURN_IF_ERROR(CheckText());
  Projection projection;
  while (true) {
    FRESHET_ASSIGN_OR_RETURN(Path path, ParsePath());
    projection.paths.push_back(std::move(path));
    if (At(Token::Kind::kEnd)) break;
    FRESHET_RETURN_IF_ERROR(Expect(Token::Kind::kComma));
  }
  FRESHET_RETURN_IF_ERROR(DeferredError());
  std::vector<const Path*> paths;
  for (const Path& p : projection.paths) paths.push_back(&p);
  Status disjoint = CheckPathsDisjoint(paths);
  if (!disjoint.ok()) return Invalid(disjoint.message());
  return projection;
}

Result<Update> ParseUpdate(std::string_view text, ExpressionAttributes* attrs) {
  Parser parser(text, ExpressionType::kUpdate, attrs);
  return parser.ParseWholeUpdate();
}

Result<Projection> ParseProjection(std::string_view text, ExpressionAttributes* attrs) {
  Parser parser(text, ExpressionType::kProjection, attrs);
  return parser.ParseWholeProjection();
}

}  // namespace freshet::query::expr
