// ExpressionAttributes (see attributes.h) and the path helpers of ast.h.
#include "query/expr/attributes.h"

#include "query/expr/ast.h"

namespace freshet::query::expr {
namespace {

// "#" or ":" followed by one or more of [A-Za-z0-9_], as the tokenizer reads placeholders.
bool ValidPlaceholder(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) return false;
  }
  return true;
}

}  // namespace

Status ExpressionAttributes::Validate(bool names_given, bool values_given) const {
  if (names_given && names_.empty()) return Status::InvalidArgument("ExpressionAttributeNames must not be empty");
  if (values_given && values_.empty()) return Status::InvalidArgument("ExpressionAttributeValues must not be empty");
  for (const auto& [key, name] : names_) {
    if (!ValidPlaceholder(key, '#')) {
      return Status::InvalidArgument("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key +
                                     "\"");
    }
  }
  for (const auto& [key, value] : values_) {
    if (!ValidPlaceholder(key, ':')) {
      return Status::InvalidArgument("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key +
                                     "\"");
    }
  }
  return Status::OK();
}

const std::string* ExpressionAttributes::UseName(std::string_view placeholder) {
  auto it = names_.find(placeholder);
  if (it == names_.end()) return nullptr;
  used_names_.emplace(placeholder);
  return &it->second;
}

const AttributeValue* ExpressionAttributes::UseValue(std::string_view placeholder) {
  auto it = values_.find(placeholder);
  if (it == values_.end()) return nullptr;
  used_values_.emplace(placeholder);
  return &it->second;
}

namespace {
template <typename Map>
std::string Unused(const Map& defined, const std::set<std::string, std::less<>>& used) {
  std::string keys;
  for (const auto& entry : defined) {
    if (used.count(entry.first)) continue;
    if (!keys.empty()) keys += ", ";
    keys += entry.first;
  }
  return keys;
}
}  // namespace

Status ExpressionAttributes::CheckAllUsed() const {
  std::string names = Unused(names_, used_names_);
  if (!names.empty()) {
    return Status::InvalidArgument("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + names +
                                   "}");
  }
  std::string values = Unused(values_, used_values_);
  if (!values.empty()) {
    return Status::InvalidArgument("Value provided in ExpressionAttributeValues unused in expressions: keys: {" +
                                   values + "}");
  }
  return Status::OK();
}

std::string PathToString(const Path& path) {
  std::string s = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) s += ", ";
    s += path[i].is_index ? "[" + std::to_string(path[i].index) + "]" : path[i].name;
  }
  return s + "]";
}

std::string PathToExpression(const Path& path) {
  std::string s;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i].is_index) {
      s += "[" + std::to_string(path[i].index) + "]";
    } else {
      if (i) s += ".";
      s += path[i].name;
    }
  }
  return s;
}

Path TopLevelPath(std::string name) {
  Path p(1);
  p[0].name = std::move(name);
  return p;
}

}  // namespace freshet::query::expr
