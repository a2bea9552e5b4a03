// Condition evaluation (see evaluate.h).
#include "query/expr/evaluate.h"

#include <algorithm>
#include <optional>
#include <string>

#include "query/expr/decimal.h"

namespace freshet::query::expr {
namespace {

using Type = AttributeValue::Type;

bool IsSetType(Type t) { return t == Type::kSS || t == Type::kNS || t == Type::kBS; }

// An operand's value: a pointer into the item or the condition, or a computed value (size()).
struct Value {
  const AttributeValue* ptr = nullptr;
  std::optional<AttributeValue> owned;
  const AttributeValue* get() const { return owned ? &*owned : ptr; }
};

std::optional<size_t> SizeOf(const AttributeValue& v) {
  switch (v.type()) {
    case Type::kS:
    case Type::kB: return v.scalar().size();
    case Type::kL:
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: return v.elements().size();
    case Type::kM: return v.map().size();
    default: return std::nullopt;
  }
}

Result<Value> OperandValue(const Operand& op, const Item* item) {
  Value v;
  switch (op.kind) {
    case Operand::Kind::kPath: v.ptr = ResolvePath(item, op.path); return v;
    case Operand::Kind::kValue: v.ptr = &op.value; return v;
    case Operand::Kind::kSize: {
      if (op.args.size() != 1 ||
          (op.args[0].kind != Operand::Kind::kPath && op.args[0].kind != Operand::Kind::kValue)) {
        return Status::InvalidArgument("size() takes one document path or value");
      }
      const AttributeValue* target =
          op.args[0].kind == Operand::Kind::kPath ? ResolvePath(item, op.args[0].path) : &op.args[0].value;
      if (target) {
        if (auto n = SizeOf(*target)) v.owned = AttributeValue::N(std::to_string(*n));
      }
      return v;
    }
    default: return Status::InvalidArgument("a condition operand must be a path, a value or size()");
  }
}

// -1, 0, 1; nullopt when a and b are not of one comparable type (N, S, B).
std::optional<int> Order(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    case Type::kN: return CompareNumberText(a.scalar(), b.scalar());
    case Type::kS:
    case Type::kB: {
      int c = a.scalar().compare(b.scalar());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default: return std::nullopt;
  }
}

bool SetContains(const AttributeValue& set, const AttributeValue& member) {
  for (const AttributeValue& e : set.elements()) {
    if (ValuesEqual(e, member)) return true;
  }
  return false;
}

bool Contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case Type::kS:
    case Type::kB:
      return needle.type() == haystack.type() && haystack.scalar().find(needle.scalar()) != std::string::npos;
    case Type::kSS: return needle.type() == Type::kS && SetContains(haystack, needle);
    case Type::kNS: return needle.type() == Type::kN && SetContains(haystack, needle);
    case Type::kBS: return needle.type() == Type::kB && SetContains(haystack, needle);
    case Type::kL: return SetContains(haystack, needle);
    default: return false;
  }
}

bool BeginsWith(const AttributeValue& a, const AttributeValue& prefix) {
  if ((a.type() != Type::kS && a.type() != Type::kB) || prefix.type() != a.type()) return false;
  return a.scalar().compare(0, prefix.scalar().size(), prefix.scalar()) == 0;
}

bool Compare(Condition::CompareOp op, const AttributeValue* a, const AttributeValue* b) {
  using Op = Condition::CompareOp;
  if (op == Op::kNe) {
    if (!a || !b) return (a == nullptr) != (b == nullptr);
    return !ValuesEqual(*a, *b);
  }
  if (!a || !b) return false;
  if (op == Op::kEq) return ValuesEqual(*a, *b);
  std::optional<int> c = Order(*a, *b);
  if (!c) return false;
  switch (op) {
    case Op::kLt: return *c < 0;
    case Op::kLe: return *c <= 0;
    case Op::kGt: return *c > 0;
    case Op::kGe: return *c >= 0;
    default: return false;
  }
}

Status Arity(const Condition& c, size_t n) {
  if (c.operands.size() != n) return Status::InvalidArgument("condition has the wrong number of operands");
  return Status::OK();
}

}  // namespace

const AttributeValue* ResolvePath(const Item* item, const Path& path) {
  if (!item || path.empty() || path[0].is_index) return nullptr;
  const AttributeValue* v = item->Find(path[0].name);
  for (size_t i = 1; v && i < path.size(); ++i) {
    const PathElement& e = path[i];
    if (e.is_index) {
      if (v->type() != Type::kL || e.index >= v->elements().size()) return nullptr;
      v = &v->elements()[e.index];
    } else {
      if (v->type() != Type::kM) return nullptr;
      v = v->map().Find(e.name);
    }
  }
  return v;
}

bool ValuesEqual(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kN: return CompareNumberText(a.scalar(), b.scalar()) == 0;
    case Type::kS:
    case Type::kB: return a.scalar() == b.scalar();
    case Type::kBool: return a.boolean() == b.boolean();
    case Type::kNull: return true;
    case Type::kL: {
      const auto& x = a.elements();
      const auto& y = b.elements();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!ValuesEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case Type::kM: {
      const Item& x = a.map();
      const Item& y = b.map();
      if (x.size() != y.size()) return false;
      for (auto xi = x.begin(), yi = y.begin(); xi != x.end(); ++xi, ++yi) {
        if (xi->first != yi->first || !ValuesEqual(xi->second, yi->second)) return false;
      }
      return true;
    }
    default: {  // sets: same members, any order (members are unique)
      if (!IsSetType(a.type()) || a.elements().size() != b.elements().size()) return false;
      for (const AttributeValue& e : a.elements()) {
        if (!SetContains(b, e)) return false;
      }
      return true;
    }
  }
}

Result<bool> Evaluate(const Condition& c, const Item* item) {
  using K = Condition::Kind;
  switch (c.kind) {
    case K::kAnd:
      for (const Condition& child : c.children) {
        FRESHET_ASSIGN_OR_RETURN(bool v, Evaluate(child, item));
        if (!v) return false;
      }
      return true;
    case K::kOr:
      for (const Condition& child : c.children) {
        FRESHET_ASSIGN_OR_RETURN(bool v, Evaluate(child, item));
        if (v) return true;
      }
      return false;
    case K::kNot: {
      if (c.children.size() != 1) return Status::InvalidArgument("NOT takes one condition");
      FRESHET_ASSIGN_OR_RETURN(bool v, Evaluate(c.children[0], item));
      return !v;
    }
    case K::kExists:
    case K::kNotExists: {
      FRESHET_RETURN_IF_ERROR(Arity(c, 1));
      bool exists = ResolvePath(item, c.operands[0].path) != nullptr;
      return c.kind == K::kExists ? exists : !exists;
    }
    default: break;
  }
  std::vector<Value> values;
  values.reserve(c.operands.size());
  for (const Operand& op : c.operands) {
    FRESHET_ASSIGN_OR_RETURN(Value v, OperandValue(op, item));
    values.push_back(std::move(v));
  }
  switch (c.kind) {
    case K::kCompare: FRESHET_RETURN_IF_ERROR(Arity(c, 2)); return Compare(c.op, values[0].get(), values[1].get());
    case K::kBetween: {
      FRESHET_RETURN_IF_ERROR(Arity(c, 3));
      const AttributeValue *a = values[0].get(), *lo = values[1].get(), *hi = values[2].get();
      if (!a || !lo || !hi) return false;
      std::optional<int> above = Order(*a, *lo), below = Order(*a, *hi);
      return above && below && *above >= 0 && *below <= 0;
    }
    case K::kIn: {
      if (c.operands.size() < 2) return Status::InvalidArgument("IN takes at least one value");
      const AttributeValue* a = values[0].get();
      if (!a) return false;
      for (size_t i = 1; i < values.size(); ++i) {
        if (values[i].get() && ValuesEqual(*a, *values[i].get())) return true;
      }
      return false;
    }
    case K::kAttributeType: {
      FRESHET_RETURN_IF_ERROR(Arity(c, 2));
      const AttributeValue *a = values[0].get(), *t = values[1].get();
      if (!a || !t || t->type() != Type::kS) return false;
      return TypeName(a->type()) == t->scalar();
    }
    case K::kBeginsWith: {
      FRESHET_RETURN_IF_ERROR(Arity(c, 2));
      const AttributeValue *a = values[0].get(), *p = values[1].get();
      return a && p && BeginsWith(*a, *p);
    }
    case K::kContains: {
      FRESHET_RETURN_IF_ERROR(Arity(c, 2));
      const AttributeValue *a = values[0].get(), *b = values[1].get();
      return a && b && Contains(*a, *b);
    }
    default: return Status::InvalidArgument("unknown condition kind");
  }
}

}  // namespace freshet::query::expr
