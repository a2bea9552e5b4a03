// The trees the expression parser produces: document paths, operands, conditions, updates and
// projections. Placeholders are already resolved: a Path holds real attribute names and an
// Operand holds the typed value of its :placeholder, so evaluation never looks at the request's
// ExpressionAttributeNames / ExpressionAttributeValues again.
//
// Thread-safety: plain values; a parsed tree may be evaluated from several threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "query/item.h"

namespace freshet::query::expr {

// One step of a document path: a map member (or top-level attribute) name, or a list index.
struct PathElement {
  std::string name;  // when !is_index
  uint32_t index = 0;
  bool is_index = false;

  bool operator==(const PathElement& o) const {
    return is_index == o.is_index && (is_index ? index == o.index : name == o.name);
  }
};

// A document path: the first element is always a name ("a", "a.b", "a[2][0].c").
using Path = std::vector<PathElement>;

// AWS's rendering of a path in error messages: "[a, b, [1]]".
std::string PathToString(const Path& path);
// The path as expression text with real names: "a.b[1]".
std::string PathToExpression(const Path& path);
// A path of one top-level name.
Path TopLevelPath(std::string name);

// An operand of a comparison or a SET value.
struct Operand {
  enum class Kind : uint8_t {
    kPath,         // a document path
    kValue,        // a :placeholder's value
    kSize,         // size(path or value): args[0]
    kIfNotExists,  // if_not_exists(path, operand): args[0], args[1]    (updates only)
    kListAppend,   // list_append(operand, operand)                     (updates only)
    kPlus,         // args[0] + args[1]                                 (updates only)
    kMinus,        // args[0] - args[1]                                 (updates only)
  };
  Kind kind = Kind::kValue;
  Path path;
  AttributeValue value;
  std::vector<Operand> args;
};

// A condition (ConditionExpression, FilterExpression, Expected, QueryFilter / ScanFilter).
struct Condition {
  enum class Kind : uint8_t {
    kCompare,        // operands[0] op operands[1]
    kBetween,        // operands[0] BETWEEN operands[1] AND operands[2]
    kIn,             // operands[0] IN (operands[1..])
    kAnd,            // children[0] AND children[1] ...
    kOr,             // children[0] OR children[1] ...
    kNot,            // NOT children[0]
    kExists,         // attribute_exists(operands[0].path)
    kNotExists,      // attribute_not_exists(operands[0].path)
    kAttributeType,  // attribute_type(operands[0].path, operands[1])
    kBeginsWith,     // begins_with(operands[0], operands[1])
    kContains,       // contains(operands[0], operands[1])
  };
  enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
  Kind kind = Kind::kAnd;  // an empty kAnd is true
  CompareOp op = CompareOp::kEq;
  std::vector<Operand> operands;
  std::vector<Condition> children;
};

// One action of an update expression.
struct UpdateAction {
  enum class Kind : uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;      // the target
  Operand value;  // SET: the value; ADD / DELETE: a kValue operand; REMOVE: unused
};

struct Update {
  std::vector<UpdateAction> actions;  // in expression order
};

struct Projection {
  std::vector<Path> paths;  // in expression order, no two overlapping
};

}  // namespace freshet::query::expr
