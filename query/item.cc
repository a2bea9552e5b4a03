#include "query/item.h"

#include <algorithm>

namespace freshet::query {

struct AttributeValue::Composite {
  std::vector<AttributeValue> elements;
  Item map;
};

AttributeValue::AttributeValue() = default;
AttributeValue::~AttributeValue() = default;
AttributeValue::AttributeValue(AttributeValue&& other) noexcept = default;
AttributeValue& AttributeValue::operator=(AttributeValue&& other) noexcept = default;

AttributeValue::AttributeValue(const AttributeValue& other)
    : type_(other.type_),
      bool_(other.bool_),
      scalar_(other.scalar_),
      composite_(other.composite_ ? std::make_unique<Composite>(*other.composite_) : nullptr) {}

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
  v.composite_ = std::make_unique<Composite>(Composite{std::move(elements), Item()});
  return v;
}

AttributeValue AttributeValue::M(Item members) {
  AttributeValue v;
  v.type_ = Type::kM;
  v.composite_ = std::make_unique<Composite>(Composite{{}, std::move(members)});
  return v;
}

AttributeValue AttributeValue::Set(Type set_type, std::vector<AttributeValue> elements) {
  AttributeValue v;
  v.type_ = set_type;
  v.composite_ = std::make_unique<Composite>(Composite{std::move(elements), Item()});
  return v;
}

const std::vector<AttributeValue>& AttributeValue::elements() const {
  static const std::vector<AttributeValue> kNone;
  return composite_ ? composite_->elements : kNone;
}

const Item& AttributeValue::map() const {
  static const Item kEmpty;
  return composite_ ? composite_->map : kEmpty;
}

void AttributeValue::AssignScalar(Type type, std::string_view bytes) {
  type_ = type;
  scalar_.assign(bytes.data(), bytes.size());
  composite_.reset();
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kS:
    case Type::kN:
    case Type::kB: return scalar_ == other.scalar_;
    case Type::kBool: return bool_ == other.bool_;
    case Type::kNull: return true;
    case Type::kM: return map() == other.map();
    default: return elements() == other.elements();
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
  bool operator()(const Item::Entry& e, std::string_view name) const { return NameLess(e.first, name); }
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
