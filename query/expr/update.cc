// ApplyUpdate (see update.h).
//
// AttributeValue offers no mutable access to members, so a nested write rebuilds the values on
// the path from the top-level attribute down (copying each level once); top-level writes,
// the common case, touch only the item.
#include "query/expr/update.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "query/expr/decimal.h"
#include "query/expr/evaluate.h"

namespace freshet::query::expr {
namespace {

using Type = AttributeValue::Type;

Status IncorrectType() {
  return Status::InvalidArgument(
      "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
}
Status InvalidPath() {
  return Status::InvalidArgument("The document path provided in the update expression is invalid for update");
}

bool IsSetType(Type t) { return t == Type::kSS || t == Type::kNS || t == Type::kBS; }

// What a leaf does with the old value at the target path (nullptr: none).
enum class LeafAction { kKeep, kReplace, kErase };
using Leaf = std::function<Status(const AttributeValue* old, LeafAction* action, AttributeValue* replacement)>;

// The new value of `base` (the value at path[0, pos)) with `leaf` applied at the end of path.
Status Rebuild(const AttributeValue& base, const Path& path, size_t pos, bool missing_ok, const Leaf& leaf,
               AttributeValue* out, bool* changed) {
  const PathElement& e = path[pos];
  const bool last = pos + 1 == path.size();
  if (e.is_index) {
    if (base.type() != Type::kL) return missing_ok ? Status::OK() : InvalidPath();
    std::vector<AttributeValue> elements = base.elements();
    AttributeValue* old = e.index < elements.size() ? &elements[e.index] : nullptr;
    if (last) {
      LeafAction action = LeafAction::kKeep;
      AttributeValue replacement;
      FRESHET_RETURN_IF_ERROR(leaf(old, &action, &replacement));
      if (action == LeafAction::kKeep) return Status::OK();
      if (action == LeafAction::kReplace) {
        if (old) {
          *old = std::move(replacement);
        } else {
          elements.push_back(std::move(replacement));
        }
      } else if (old) {
        elements.erase(elements.begin() + e.index);
      }
    } else {
      if (!old) return missing_ok ? Status::OK() : InvalidPath();
      AttributeValue child;
      bool child_changed = false;
      FRESHET_RETURN_IF_ERROR(Rebuild(*old, path, pos + 1, missing_ok, leaf, &child, &child_changed));
      if (!child_changed) return Status::OK();
      *old = std::move(child);
    }
    *out = AttributeValue::L(std::move(elements));
    *changed = true;
    return Status::OK();
  }
  if (base.type() != Type::kM) return missing_ok ? Status::OK() : InvalidPath();
  Item members = base.map();
  const AttributeValue* old = members.Find(e.name);
  if (last) {
    LeafAction action = LeafAction::kKeep;
    AttributeValue replacement;
    FRESHET_RETURN_IF_ERROR(leaf(old, &action, &replacement));
    if (action == LeafAction::kKeep) return Status::OK();
    if (action == LeafAction::kReplace) {
      members.Set(e.name, std::move(replacement));
    } else {
      members.Remove(e.name);
    }
  } else {
    if (!old) return missing_ok ? Status::OK() : InvalidPath();
    AttributeValue child;
    bool child_changed = false;
    FRESHET_RETURN_IF_ERROR(Rebuild(*old, path, pos + 1, missing_ok, leaf, &child, &child_changed));
    if (!child_changed) return Status::OK();
    members.Set(e.name, std::move(child));
  }
  *out = AttributeValue::M(std::move(members));
  *changed = true;
  return Status::OK();
}

// Applies `leaf` at `path` in *item. `missing_ok`: a missing or mistyped parent is no error.
Status ApplyAt(Item* item, const Path& path, bool missing_ok, const Leaf& leaf) {
  if (path.empty() || path[0].is_index) return InvalidPath();
  const AttributeValue* top = item->Find(path[0].name);
  if (path.size() == 1) {
    LeafAction action = LeafAction::kKeep;
    AttributeValue replacement;
    FRESHET_RETURN_IF_ERROR(leaf(top, &action, &replacement));
    if (action == LeafAction::kReplace) item->Set(path[0].name, std::move(replacement));
    if (action == LeafAction::kErase) item->Remove(path[0].name);
    return Status::OK();
  }
  if (!top) return missing_ok ? Status::OK() : InvalidPath();
  AttributeValue updated;
  bool changed = false;
  FRESHET_RETURN_IF_ERROR(Rebuild(*top, path, 1, missing_ok, leaf, &updated, &changed));
  if (changed) item->Set(path[0].name, std::move(updated));
  return Status::OK();
}

Result<AttributeValue> EvaluateSetValue(const Operand& op, const Item& original) {
  switch (op.kind) {
    case Operand::Kind::kValue: return op.value;
    case Operand::Kind::kPath: {
      const AttributeValue* v = ResolvePath(&original, op.path);
      if (!v)
        return Status::InvalidArgument(
            "The provided expression refers to an attribute that does not exist in the item");
      return *v;
    }
    case Operand::Kind::kIfNotExists: {
      if (op.args.size() != 2) return IncorrectType();
      if (const AttributeValue* v = ResolvePath(&original, op.args[0].path)) return *v;
      return EvaluateSetValue(op.args[1], original);
    }
    case Operand::Kind::kListAppend: {
      if (op.args.size() != 2) return IncorrectType();
      FRESHET_ASSIGN_OR_RETURN(AttributeValue a, EvaluateSetValue(op.args[0], original));
      FRESHET_ASSIGN_OR_RETURN(AttributeValue b, EvaluateSetValue(op.args[1], original));
      if (a.type() != Type::kL || b.type() != Type::kL) return IncorrectType();
      std::vector<AttributeValue> out = a.elements();
      out.insert(out.end(), b.elements().begin(), b.elements().end());
      return AttributeValue::L(std::move(out));
    }
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      if (op.args.size() != 2) return IncorrectType();
      FRESHET_ASSIGN_OR_RETURN(AttributeValue a, EvaluateSetValue(op.args[0], original));
      FRESHET_ASSIGN_OR_RETURN(AttributeValue b, EvaluateSetValue(op.args[1], original));
      if (a.type() != Type::kN || b.type() != Type::kN) return IncorrectType();
      FRESHET_ASSIGN_OR_RETURN(Decimal x, Decimal::Parse(a.scalar()));
      FRESHET_ASSIGN_OR_RETURN(Decimal y, Decimal::Parse(b.scalar()));
      Result<Decimal> r = op.kind == Operand::Kind::kPlus ? Decimal::Add(x, y) : Decimal::Subtract(x, y);
      if (!r.ok()) return r.status();
      return AttributeValue::N(r->ToString());
    }
    case Operand::Kind::kSize: break;
  }
  return IncorrectType();
}

Status Add(const AttributeValue& value, const AttributeValue* old, LeafAction* action, AttributeValue* out) {
  *action = LeafAction::kReplace;
  if (!old) {
    *out = value;
    return Status::OK();
  }
  if (old->type() != value.type()) return IncorrectType();
  if (value.type() == Type::kN) {
    FRESHET_ASSIGN_OR_RETURN(Decimal x, Decimal::Parse(old->scalar()));
    FRESHET_ASSIGN_OR_RETURN(Decimal y, Decimal::Parse(value.scalar()));
    FRESHET_ASSIGN_OR_RETURN(Decimal sum, Decimal::Add(x, y));
    *out = AttributeValue::N(sum.ToString());
    return Status::OK();
  }
  std::vector<AttributeValue> elements = old->elements();
  if (value.type() == Type::kL) {  // AttributeUpdates' ADD appends to a list
    elements.insert(elements.end(), value.elements().begin(), value.elements().end());
    *out = AttributeValue::L(std::move(elements));
    return Status::OK();
  }
  if (!IsSetType(value.type())) return IncorrectType();
  for (const AttributeValue& e : value.elements()) {
    bool present =
        std::any_of(elements.begin(), elements.end(), [&](const AttributeValue& x) { return ValuesEqual(x, e); });
    if (!present) elements.push_back(e);
  }
  *out = AttributeValue::Set(value.type(), std::move(elements));
  return Status::OK();
}

Status Delete(const AttributeValue& value, const AttributeValue* old, LeafAction* action, AttributeValue* out) {
  if (!old) return Status::OK();
  if (old->type() != value.type() || !IsSetType(value.type())) return IncorrectType();
  std::vector<AttributeValue> kept;
  for (const AttributeValue& e : old->elements()) {
    bool removed = std::any_of(value.elements().begin(), value.elements().end(),
                               [&](const AttributeValue& x) { return ValuesEqual(x, e); });
    if (!removed) kept.push_back(e);
  }
  if (kept.size() == old->elements().size()) return Status::OK();
  if (kept.empty()) {
    *action = LeafAction::kErase;
  } else {
    *action = LeafAction::kReplace;
    *out = AttributeValue::Set(value.type(), std::move(kept));
  }
  return Status::OK();
}

// Orders REMOVE paths so that, within one list, higher indexes go first.
bool RemoveFirst(const Path* a, const Path* b) {
  const size_t n = std::min(a->size(), b->size());
  for (size_t i = 0; i < n; ++i) {
    const PathElement &x = (*a)[i], &y = (*b)[i];
    if (x == y) continue;
    if (x.is_index && y.is_index) return x.index > y.index;
    if (x.is_index != y.is_index) return x.is_index;
    return x.name < y.name;
  }
  return a->size() > b->size();
}

}  // namespace

Status ApplyUpdate(const Update& update, Item* item) {
  // SET values come from the item as it was before this update.
  std::vector<AttributeValue> set_values;
  for (const UpdateAction& a : update.actions) {
    if (a.kind != UpdateAction::Kind::kSet) continue;
    FRESHET_ASSIGN_OR_RETURN(AttributeValue v, EvaluateSetValue(a.value, *item));
    set_values.push_back(std::move(v));
  }
  size_t next_set = 0;
  std::vector<const Path*> removes;
  for (const UpdateAction& a : update.actions) {
    switch (a.kind) {
      case UpdateAction::Kind::kSet: {
        AttributeValue& v = set_values[next_set++];
        FRESHET_RETURN_IF_ERROR(
            ApplyAt(item, a.path, false, [&](const AttributeValue*, LeafAction* action, AttributeValue* out) {
              *action = LeafAction::kReplace;
              *out = std::move(v);
              return Status::OK();
            }));
        break;
      }
      case UpdateAction::Kind::kAdd:
        FRESHET_RETURN_IF_ERROR(
            ApplyAt(item, a.path, false, [&](const AttributeValue* old, LeafAction* action, AttributeValue* out) {
              return Add(a.value.value, old, action, out);
            }));
        break;
      case UpdateAction::Kind::kDelete:
        FRESHET_RETURN_IF_ERROR(
            ApplyAt(item, a.path, false, [&](const AttributeValue* old, LeafAction* action, AttributeValue* out) {
              return Delete(a.value.value, old, action, out);
            }));
        break;
      case UpdateAction::Kind::kRemove: removes.push_back(&a.path); break;
    }
  }
  std::sort(removes.begin(), removes.end(), RemoveFirst);
  for (const Path* p : removes) {
    FRESHET_RETURN_IF_ERROR(ApplyAt(item, *p, true, [](const AttributeValue* old, LeafAction* action, AttributeValue*) {
      *action = old ? LeafAction::kErase : LeafAction::kKeep;
      return Status::OK();
    }));
  }
  return Status::OK();
}

std::vector<std::string> UpdatedAttributeNames(const Update& update) {
  std::vector<std::string> names;
  for (const UpdateAction& a : update.actions) {
    if (!a.path.empty() && !a.path[0].is_index) names.push_back(a.path[0].name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status CheckKeyNotUpdated(const Update& update, std::string_view partition_key, std::string_view sort_key) {
  for (const std::string& name : UpdatedAttributeNames(update)) {
    if (name == partition_key || (!sort_key.empty() && name == sort_key)) {
      return Status::InvalidArgument("Cannot update attribute " + name + ". This attribute is part of the key");
    }
  }
  return Status::OK();
}

}  // namespace freshet::query::expr
