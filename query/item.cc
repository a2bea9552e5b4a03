#include "query/item.h"

#include <algorithm>

namespace freshet::query {

AttributeValue::AttributeValue() = default;
AttributeValue::~AttributeValue() = default;
AttributeValue::AttributeValue(AttributeValue&& other) noexcept = default;
AttributeValue& AttributeValue::operator=(AttributeValue&& other) noexcept = default;

AttributeValue::AttributeValue(const AttributeValue& other)
    : type_(other.type_),
      bool_(other.bool_),
      scalar_(other.scalar_),
      elements_(other.elements_),
      map_(other.map_ ? std::make_unique<Item>(*other.map_) : nullptr) {}

AttributeValue& AttributeValue::operator=(const AttributeValue& other) {
  if (this != &other) *this = AttributeValue(other);
  return *this;
}

AttributeValue AttributeValue::S(std::string text) {
  AttributeValue v;
  v.type_ = Type::kS;
  v.scalar_ = std::move(text);
  return v;
}

AttributeValue AttributeValue::N(std::string text) {
  AttributeValue v;
  v.type_ = Type::kN;
  v.scalar_ = std::move(text);
  return v;
}

AttributeValue AttributeValue::B(std::string bytes) {
  AttributeValue v;
  v.type_ = Type::kB;
  v.scalar_ = std::move(bytes);
  return v;
}

AttributeValue AttributeValue::Bool(bool value) {
  AttributeValue v;
  v.type_ = Type::kBool;
  v.bool_ = value;
  return v;
}

AttributeValue AttributeValue::Null() { return AttributeValue(); }

AttributeValue AttributeValue::L(std::vector<AttributeValue> elements) {
  AttributeValue v;
  v.type_ = Type::kL;
  v.elements_ = std::move(elements);
  return v;
}

AttributeValue AttributeValue::M(Item members) {
  AttributeValue v;
  v.type_ = Type::kM;
  v.map_ = std::make_unique<Item>(std::move(members));
  return v;
}

AttributeValue AttributeValue::Set(Type set_type, std::vector<AttributeValue> elements) {
  AttributeValue v;
  v.type_ = set_type;
  v.elements_ = std::move(elements);
  return v;
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      return scalar_ == other.scalar_;
    case Type::kBool:
      return bool_ == other.bool_;
    case Type::kNull:
      return true;
    case Type::kM:
      return *map_ == *other.map_;
    default:
      return elements_ == other.elements_;
  }
}

namespace {
constexpr std::string_view kTypeNames[] = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};
}  // namespace

std::string_view TypeName(AttributeValue::Type type) { return kTypeNames[static_cast<int>(type)]; }

bool TypeFromName(std::string_view name, AttributeValue::Type* type) {
  for (size_t i = 0; i < std::size(kTypeNames); ++i) {
    if (kTypeNames[i] == name) {
      *type = static_cast<AttributeValue::Type>(i);
      return true;
    }
  }
  return false;
}

namespace {
struct EntryLess {
  bool operator()(const Item::Entry& e, std::string_view name) const { return e.first < name; }
};
}  // namespace

const AttributeValue* Item::Find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name, EntryLess());
  return it != entries_.end() && it->first == name ? &it->second : nullptr;
}

void Item::Set(std::string name, AttributeValue value) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name, EntryLess());
  if (it != entries_.end() && it->first == name) {
    it->second = std::move(value);
  } else {
    entries_.emplace(it, std::move(name), std::move(value));
  }
}

bool Item::Remove(std::string_view name) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name, EntryLess());
  if (it == entries_.end() || it->first != name) return false;
  entries_.erase(it);
  return true;
}

}  // namespace freshet::query
