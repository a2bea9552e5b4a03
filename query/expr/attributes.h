// ExpressionAttributes: a request's ExpressionAttributeNames and ExpressionAttributeValues, and
// which of them the request's expressions used.
//
// A request may carry several expressions (UpdateExpression, ConditionExpression; Query has
// KeyConditionExpression, FilterExpression, ProjectionExpression) sharing one set of names and
// values. Parse each with the same ExpressionAttributes, then call CheckAllUsed once: AWS
// rejects a request that defines a name or value no expression uses.
//
// Thread-safety: not thread-safe (parsing records use); one per request.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "query/item.h"
#include "storage/status.h"

namespace freshet::query::expr {

using AttributeNames = std::map<std::string, std::string, std::less<>>;      // "#n" -> "name"
using AttributeValues = std::map<std::string, AttributeValue, std::less<>>;  // ":v" -> value

class ExpressionAttributes {
 public:
  ExpressionAttributes() = default;
  ExpressionAttributes(AttributeNames names, AttributeValues values)
      : names_(std::move(names)), values_(std::move(values)) {}

  // Checks the maps themselves as AWS does before parsing anything: keys are '#' / ':' and then
  // letters, digits or '_' ("ExpressionAttributeNames contains invalid key: Syntax error; key:
  // \"n\""), and a map given
  // (present in the request) is not empty ("ExpressionAttributeValues must not be empty").
  // `names_given` / `values_given` say whether the request had the field at all.
  Status Validate(bool names_given, bool values_given) const;

  // Resolves "#n" / ":v" and records the use; nullptr if undefined.
  const std::string* UseName(std::string_view placeholder);
  const AttributeValue* UseValue(std::string_view placeholder);

  // AWS's errors for definitions no expression used, names first:
  // "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}",
  // "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}".
  Status CheckAllUsed() const;

  const AttributeNames& names() const { return names_; }
  const AttributeValues& values() const { return values_; }

 private:
  AttributeNames names_;
  AttributeValues values_;
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> used_values_;
};

}  // namespace freshet::query::expr
