// Project and ProjectUpdated (see update.h).
//
// The projection's paths are merged into a tree first, so paths sharing a prefix ("a.b, a.c",
// "l[0], l[2]") fill one output value instead of replacing each other.
#include <map>
#include <memory>
#include <optional>

#include "query/expr/update.h"

namespace freshet::query::expr {
namespace {

struct Node {
  bool whole = false;
  std::map<std::string, std::unique_ptr<Node>> fields;
  std::map<uint32_t, std::unique_ptr<Node>> indexes;
};

void Insert(Node* root, const Path& path) {
  Node* n = root;
  for (const PathElement& e : path) {
    if (n->whole) return;  // an enclosing path already takes all of it
    std::unique_ptr<Node>& child = e.is_index ? n->indexes[e.index] : n->fields[e.name];
    if (!child) child = std::make_unique<Node>();
    n = child.get();
  }
  n->whole = true;
  n->fields.clear();
  n->indexes.clear();
}

std::optional<AttributeValue> ProjectValue(const Node& node, const AttributeValue& v) {
  if (node.whole) return v;
  if (v.type() == AttributeValue::Type::kM && !node.fields.empty()) {
    Item out;
    for (const auto& [name, child] : node.fields) {
      if (const AttributeValue* m = v.map().Find(name)) {
        if (auto r = ProjectValue(*child, *m)) out.AppendSorted(name, std::move(*r));
      }
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::M(std::move(out));
  }
  if (v.type() == AttributeValue::Type::kL && !node.indexes.empty()) {
    std::vector<AttributeValue> out;
    const auto& elements = v.elements();
    for (const auto& [index, child] : node.indexes) {
      if (index >= elements.size()) break;
      if (auto r = ProjectValue(*child, elements[index])) out.push_back(std::move(*r));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::L(std::move(out));
  }
  return std::nullopt;
}

Item ProjectPaths(const std::vector<const Path*>& paths, const Item& item) {
  Node root;
  for (const Path* p : paths) {
    if (!p->empty() && !(*p)[0].is_index) Insert(&root, *p);
  }
  Item out;
  for (const auto& [name, child] : root.fields) {
    if (const AttributeValue* v = item.Find(name)) {
      if (auto r = ProjectValue(*child, *v)) out.AppendSorted(name, std::move(*r));
    }
  }
  return out;
}

}  // namespace

Item Project(const Projection& projection, const Item& item) {
  std::vector<const Path*> paths;
  for (const Path& p : projection.paths) paths.push_back(&p);
  return ProjectPaths(paths, item);
}

Item ProjectUpdated(const Update& update, const Item& item) {
  std::vector<const Path*> paths;
  for (const UpdateAction& a : update.actions) paths.push_back(&a.path);
  return ProjectPaths(paths, item);
}

}  // namespace freshet::query::expr
