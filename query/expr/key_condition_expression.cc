// Key condition expressions (see key_condition_expression.h).
#include "query/expr/key_condition_expression.h"

#include <vector>

#include "query/expr/parser.h"

namespace freshet::query::expr {
namespace {

Status InvalidOperator(std::string_view op) {
  return Status::InvalidArgument("Invalid operator used in KeyConditionExpression: " + std::string(op));
}

Status CollectLeaves(const Condition& c, std::vector<const Condition*>* leaves) {
  using K = Condition::Kind;
  switch (c.kind) {
    case K::kAnd:
      for (const Condition& child : c.children) FRESHET_RETURN_IF_ERROR(CollectLeaves(child, leaves));
      return Status::OK();
    case K::kOr: return InvalidOperator("OR");
    case K::kNot: return InvalidOperator("NOT");
    case K::kIn: return InvalidOperator("IN");
    case K::kExists: return InvalidOperator("attribute_exists");
    case K::kNotExists: return InvalidOperator("attribute_not_exists");
    case K::kAttributeType: return InvalidOperator("attribute_type");
    case K::kContains: return InvalidOperator("contains");
    case K::kCompare:
      if (c.op == Condition::CompareOp::kNe) return InvalidOperator("<>");
      leaves->push_back(&c);
      return Status::OK();
    case K::kBetween:
    case K::kBeginsWith: leaves->push_back(&c); return Status::OK();
  }
  return Status::OK();
}

bool TypeMatches(const AttributeValue& v, KeyType type) {
  switch (type) {
    case KeyType::kS: return v.type() == AttributeValue::Type::kS;
    case KeyType::kN: return v.type() == AttributeValue::Type::kN;
    case KeyType::kB: return v.type() == AttributeValue::Type::kB;
  }
  return false;
}

Status TypeMismatch() {
  return Status::InvalidArgument(
      "One or more parameter values were invalid: Condition parameter type does not match schema type");
}

// One leaf: the key attribute it names and its condition with the attribute on the left.
struct KeyLeaf {
  std::string attribute;
  SortKeyCondition condition;
};

Result<KeyLeaf> Normalise(const Condition& c) {
  for (const Operand& o : c.operands) {
    if (o.kind == Operand::Kind::kSize) return InvalidOperator("size");
  }
  size_t paths = 0;
  for (const Operand& o : c.operands) paths += o.kind == Operand::Kind::kPath;
  if (paths > 1) {
    return Status::InvalidArgument(
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  }
  if (paths == 0) {
    return Status::InvalidArgument("Invalid condition in KeyConditionExpression: No key attribute specified");
  }
  KeyLeaf leaf;
  using Op = SortKeyCondition::Op;
  size_t path_at = 0;
  while (c.operands[path_at].kind != Operand::Kind::kPath) ++path_at;
  const Path& path = c.operands[path_at].path;
  if (path.size() != 1) {
    return Status::InvalidArgument("KeyConditionExpressions cannot contain nested attribute references");
  }
  leaf.attribute = path[0].name;
  if (c.kind == Condition::Kind::kCompare) {
    const bool flipped = path_at == 1;  // ":v < sk" is "sk > :v"
    switch (c.op) {
      case Condition::CompareOp::kEq: leaf.condition.op = Op::kEq; break;
      case Condition::CompareOp::kLt: leaf.condition.op = flipped ? Op::kGt : Op::kLt; break;
      case Condition::CompareOp::kLe: leaf.condition.op = flipped ? Op::kGe : Op::kLe; break;
      case Condition::CompareOp::kGt: leaf.condition.op = flipped ? Op::kLt : Op::kGt; break;
      case Condition::CompareOp::kGe: leaf.condition.op = flipped ? Op::kLe : Op::kGe; break;
      case Condition::CompareOp::kNe: return InvalidOperator("<>");
    }
    leaf.condition.value = c.operands[1 - path_at].value;
    return leaf;
  }
  if (path_at != 0) return Status::InvalidArgument("Query key condition not supported");
  if (c.kind == Condition::Kind::kBetween) {
    leaf.condition.op = Op::kBetween;
    leaf.condition.value = c.operands[1].value;
    leaf.condition.value2 = c.operands[2].value;
  } else {
    leaf.condition.op = Op::kBeginsWith;
    leaf.condition.value = c.operands[1].value;
  }
  return leaf;
}

}  // namespace

Result<KeyConditionParts> KeyConditionFromTree(const Condition& condition, const KeyAttribute& partition_key,
                                               const std::optional<KeyAttribute>& sort_key) {
  std::vector<const Condition*> leaves;
  FRESHET_RETURN_IF_ERROR(CollectLeaves(condition, &leaves));
  if (leaves.size() > 2) {
    return Status::InvalidArgument("KeyConditionExpressions must only contain one condition per key");
  }
  std::vector<KeyLeaf> keyed;
  for (const Condition* c : leaves) {
    FRESHET_ASSIGN_OR_RETURN(KeyLeaf leaf, Normalise(*c));
    keyed.push_back(std::move(leaf));
  }
  if (keyed.size() == 2 && keyed[0].attribute == keyed[1].attribute) {
    return Status::InvalidArgument("KeyConditionExpressions must only contain one condition per key");
  }
  KeyConditionParts parts;
  bool have_partition = false;
  for (KeyLeaf& leaf : keyed) {
    if (leaf.attribute == partition_key.name) {
      if (leaf.condition.op != SortKeyCondition::Op::kEq) {
        return Status::InvalidArgument("Query key condition not supported");
      }
      if (!TypeMatches(leaf.condition.value, partition_key.type)) return TypeMismatch();
      parts.partition = std::move(leaf.condition.value);
      have_partition = true;
    } else if (sort_key && leaf.attribute == sort_key->name) {
      const SortKeyCondition& sc = leaf.condition;
      if (sc.op == SortKeyCondition::Op::kBeginsWith && sort_key->type == KeyType::kN) {
        return Status::InvalidArgument(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N");
      }
      if (!TypeMatches(sc.value, sort_key->type) ||
          (sc.op == SortKeyCondition::Op::kBetween && !TypeMatches(sc.value2, sort_key->type))) {
        return TypeMismatch();
      }
      parts.sort = std::move(leaf.condition);
    } else if (keyed.size() == 1) {
      return Status::InvalidArgument("Query condition missed key schema element: " + partition_key.name);
    } else {
      return Status::InvalidArgument("Query key condition not supported");
    }
  }
  if (!have_partition) {
    return Status::InvalidArgument("Query condition missed key schema element: " + partition_key.name);
  }
  return parts;
}

namespace {

// The first key attribute an operand names at its top level, or nullptr.
const std::string* KeyIn(const Operand& o, const KeyAttribute& pk, const std::optional<KeyAttribute>& sk) {
  if (o.kind == Operand::Kind::kPath && !o.path.empty() && !o.path[0].is_index) {
    const std::string& name = o.path[0].name;
    if (name == pk.name || (sk && name == sk->name)) return &name;
  }
  for (const Operand& arg : o.args) {
    if (const std::string* k = KeyIn(arg, pk, sk)) return k;
  }
  return nullptr;
}

const std::string* KeyIn(const Condition& c, const KeyAttribute& pk, const std::optional<KeyAttribute>& sk) {
  for (const Operand& o : c.operands) {
    if (const std::string* k = KeyIn(o, pk, sk)) return k;
  }
  for (const Condition& child : c.children) {
    if (const std::string* k = KeyIn(child, pk, sk)) return k;
  }
  return nullptr;
}

}  // namespace

Status CheckFilterOmitsKeys(const Condition& filter, const KeyAttribute& partition_key,
                            const std::optional<KeyAttribute>& sort_key) {
  if (const std::string* key = KeyIn(filter, partition_key, sort_key)) {
    return Status::InvalidArgument(
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: " + *key);
  }
  return Status::OK();
}

Result<KeyConditionParts> ParseKeyCondition(std::string_view text, ExpressionAttributes* attrs,
                                            const KeyAttribute& partition_key,
                                            const std::optional<KeyAttribute>& sort_key) {
  FRESHET_ASSIGN_OR_RETURN(Condition c, ParseCondition(text, ExpressionType::kKeyCondition, attrs));
  return KeyConditionFromTree(c, partition_key, sort_key);
}

Result<KeyConditionParts> ParseKeyCondition(std::string_view text, ExpressionAttributes* attrs,
                                            const TableDescription& table) {
  return ParseKeyCondition(text, attrs, table.partition_key, table.sort_key);
}

}  // namespace freshet::query::expr
