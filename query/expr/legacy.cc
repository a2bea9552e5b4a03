// The legacy parameters (see legacy.h).
#include "query/expr/legacy.h"

#include <algorithm>

namespace freshet::query::expr {
namespace {

using Type = AttributeValue::Type;

Status Invalid(const std::string& message) {
  return Status::InvalidArgument("One or more parameter values were invalid: " + message);
}

Status WrongCount(std::string_view op) {
  return Invalid("Invalid number of argument(s) for the " + std::string(op) + " ComparisonOperator");
}

Status WrongType(std::string_view op, const AttributeValue& v) {
  return Invalid("ComparisonOperator " + std::string(op) + " is not valid for " + std::string(TypeName(v.type())) +
                 " AttributeValue type");
}

bool IsScalar(const AttributeValue& v) { return v.type() == Type::kS || v.type() == Type::kN || v.type() == Type::kB; }

Operand PathOperand(const std::string& attribute) {
  Operand o;
  o.kind = Operand::Kind::kPath;
  o.path = TopLevelPath(attribute);
  return o;
}

Operand ValueOperand(const AttributeValue& v) {
  Operand o;
  o.kind = Operand::Kind::kValue;
  o.value = v;
  return o;
}

Condition Compare(const std::string& attribute, Condition::CompareOp op, const AttributeValue& v) {
  Condition c;
  c.kind = Condition::Kind::kCompare;
  c.op = op;
  c.operands = {PathOperand(attribute), ValueOperand(v)};
  return c;
}

Condition Function(Condition::Kind kind, const std::string& attribute, const std::vector<AttributeValue>& values) {
  Condition c;
  c.kind = kind;
  c.operands.push_back(PathOperand(attribute));
  for (const AttributeValue& v : values) c.operands.push_back(ValueOperand(v));
  return c;
}

Condition Not(Condition inner) {
  Condition c;
  c.kind = Condition::Kind::kNot;
  c.children.push_back(std::move(inner));
  return c;
}

Result<Condition> FromOperator(const std::string& attribute, std::string_view op,
                               const std::vector<AttributeValue>& values) {
  using Op = Condition::CompareOp;
  auto need = [&](size_t n) { return values.size() == n ? Status::OK() : WrongCount(op); };
  auto scalars = [&]() -> Status {
    for (const AttributeValue& v : values) {
      if (!IsScalar(v)) return WrongType(op, v);
    }
    return Status::OK();
  };
  if (op == "EQ" || op == "NE") {
    FRESHET_RETURN_IF_ERROR(need(1));
    return Compare(attribute, op == "EQ" ? Op::kEq : Op::kNe, values[0]);
  }
  if (op == "LT" || op == "LE" || op == "GT" || op == "GE") {
    FRESHET_RETURN_IF_ERROR(need(1));
    FRESHET_RETURN_IF_ERROR(scalars());
    Op o = op == "LT" ? Op::kLt : op == "LE" ? Op::kLe : op == "GT" ? Op::kGt : Op::kGe;
    return Compare(attribute, o, values[0]);
  }
  if (op == "NULL" || op == "NOT_NULL") {
    FRESHET_RETURN_IF_ERROR(need(0));
    return Function(op == "NULL" ? Condition::Kind::kNotExists : Condition::Kind::kExists, attribute, {});
  }
  if (op == "CONTAINS" || op == "NOT_CONTAINS") {
    FRESHET_RETURN_IF_ERROR(need(1));
    FRESHET_RETURN_IF_ERROR(scalars());
    Condition c = Function(Condition::Kind::kContains, attribute, values);
    return op == "CONTAINS" ? c : Not(std::move(c));
  }
  if (op == "BEGINS_WITH") {
    FRESHET_RETURN_IF_ERROR(need(1));
    if (values[0].type() != Type::kS && values[0].type() != Type::kB) return WrongType(op, values[0]);
    return Function(Condition::Kind::kBeginsWith, attribute, values);
  }
  if (op == "IN") {
    if (values.empty()) return WrongCount(op);
    FRESHET_RETURN_IF_ERROR(scalars());
    return Function(Condition::Kind::kIn, attribute, values);
  }
  if (op == "BETWEEN") {
    FRESHET_RETURN_IF_ERROR(need(2));
    FRESHET_RETURN_IF_ERROR(scalars());
    if (values[0].type() != values[1].type()) {
      return Invalid("AttributeValues inside AttributeValueList must be of same type");
    }
    return Function(Condition::Kind::kBetween, attribute, values);
  }
  return Invalid("Unsupported ComparisonOperator: " + std::string(op));
}

Result<Condition> Join(std::vector<Condition> parts, std::string_view conditional_operator) {
  Condition c;
  if (conditional_operator.empty() || conditional_operator == "AND") {
    c.kind = Condition::Kind::kAnd;
  } else if (conditional_operator == "OR") {
    c.kind = Condition::Kind::kOr;
  } else {
    return Invalid("ConditionalOperator must be AND or OR, not " + std::string(conditional_operator));
  }
  if (parts.empty()) {  // nothing to check: true (an empty AND)
    c.kind = Condition::Kind::kAnd;
    return c;
  }
  if (parts.size() == 1) return std::move(parts[0]);
  c.children = std::move(parts);
  return c;
}

}  // namespace

Result<Condition> ConditionFromFilter(const std::vector<LegacyCondition>& conditions,
                                      std::string_view conditional_operator) {
  std::vector<Condition> parts;
  for (const LegacyCondition& lc : conditions) {
    FRESHET_ASSIGN_OR_RETURN(Condition c, FromOperator(lc.attribute, lc.op, lc.values));
    parts.push_back(std::move(c));
  }
  return Join(std::move(parts), conditional_operator);
}

Result<Condition> ConditionFromExpected(const std::vector<LegacyExpected>& expected,
                                        std::string_view conditional_operator) {
  std::vector<Condition> parts;
  for (const LegacyExpected& e : expected) {
    const std::string& a = e.attribute;
    if (!e.op.empty()) {
      if (e.exists) return Invalid("Exists and ComparisonOperator cannot be used together for Attribute: " + a);
      if (e.value && e.values_given) {
        return Invalid("Value and AttributeValueList cannot be used together for Attribute: " + a);
      }
      std::vector<AttributeValue> values = e.value ? std::vector<AttributeValue>{*e.value} : e.values;
      FRESHET_ASSIGN_OR_RETURN(Condition c, FromOperator(a, e.op, values));
      parts.push_back(std::move(c));
      continue;
    }
    if (e.values_given)
      return Invalid("AttributeValueList can only be used with a ComparisonOperator for Attribute: " + a);
    if (e.exists && !*e.exists) {
      if (e.value) return Invalid("Value cannot be used when Exists is false for Attribute: " + a);
      parts.push_back(Function(Condition::Kind::kNotExists, a, {}));
    } else if (e.value) {
      parts.push_back(Compare(a, Condition::CompareOp::kEq, *e.value));
    } else if (e.exists) {
      return Invalid("Exists is set to TRUE for attribute (" + a + "), Value must also be set");
    } else {
      return Invalid("Value must be provided when Exists is null for Attribute: " + a);
    }
  }
  return Join(std::move(parts), conditional_operator);
}

Result<KeyConditionParts> KeyConditionFromLegacy(const std::vector<LegacyCondition>& conditions,
                                                 const KeyAttribute& partition_key,
                                                 const std::optional<KeyAttribute>& sort_key) {
  std::vector<Condition> parts;
  for (const LegacyCondition& lc : conditions) {
    static constexpr std::string_view kIndexable[] = {"EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"};
    if (std::find(std::begin(kIndexable), std::end(kIndexable), lc.op) == std::end(kIndexable)) {
      return Status::InvalidArgument("Attempted conditional constraint is not an indexable operation");
    }
    FRESHET_ASSIGN_OR_RETURN(Condition c, FromOperator(lc.attribute, lc.op, lc.values));
    parts.push_back(std::move(c));
  }
  Condition all;
  all.kind = Condition::Kind::kAnd;
  all.children = std::move(parts);
  return KeyConditionFromTree(all, partition_key, sort_key);
}

Result<Projection> ProjectionFromAttributesToGet(const std::vector<std::string>& names) {
  Projection p;
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup != sorted.end()) return Invalid("Duplicate value in attribute name: " + *dup);
  for (const std::string& n : names) p.paths.push_back(TopLevelPath(n));
  return p;
}

Result<Update> UpdateFromAttributeUpdates(const std::vector<LegacyAttributeUpdate>& updates) {
  Update u;
  for (const LegacyAttributeUpdate& lu : updates) {
    UpdateAction a;
    a.path = TopLevelPath(lu.attribute);
    const std::string action = lu.action.empty() ? "PUT" : lu.action;
    if (!lu.value && action != "DELETE") {
      return Invalid("Only DELETE action is allowed when no attribute value is specified");
    }
    if (action == "PUT") {
      a.kind = UpdateAction::Kind::kSet;
      a.value = ValueOperand(*lu.value);
    } else if (action == "DELETE") {
      if (!lu.value) {
        a.kind = UpdateAction::Kind::kRemove;
      } else {
        Type t = lu.value->type();
        if (t != Type::kSS && t != Type::kNS && t != Type::kBS) {
          return Invalid("DELETE action with value is not supported for the type " + std::string(TypeName(t)));
        }
        a.kind = UpdateAction::Kind::kDelete;
        a.value = ValueOperand(*lu.value);
      }
    } else if (action == "ADD") {
      Type t = lu.value->type();
      if (t != Type::kN && t != Type::kSS && t != Type::kNS && t != Type::kBS && t != Type::kL) {
        return Invalid("ADD action is not supported for the type " + std::string(TypeName(t)));
      }
      a.kind = UpdateAction::Kind::kAdd;
      a.value = ValueOperand(*lu.value);
    } else {
      return Invalid("Unsupported Action: " + action);
    }
    u.actions.push_back(std::move(a));
  }
  return u;
}

}  // namespace freshet::query::expr
