// Item and AttributeValue: a DynamoDB-style item, a map from attribute names to typed values.
//
// Types are DynamoDB's: S (UTF-8 string), N (decimal number kept as text, up to 38 significant
// digits), B (bytes), BOOL, NULL, L (list), M (map), SS / NS / BS (sets of S / N / B).
// Numbers keep the exact text they were given ("22.80" stays "22.80"); key attributes are the
// exception, stored and returned in canonical form (codec::CanonicalNumber), because the key
// encoding is numeric. Equality is exact: same types, same texts, same members.
//
// An Item keeps its attributes sorted by name in one vector, so a small item costs one
// allocation (names and short values fit in std::string's inline buffer).
//
// Thread-safety: plain values; const methods are safe to call concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace freshet::query {

class Item;

class AttributeValue {
 public:
  enum class Type : uint8_t { kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };

  AttributeValue();  // NULL
  AttributeValue(const AttributeValue& other);
  AttributeValue(AttributeValue&& other) noexcept;
  AttributeValue& operator=(const AttributeValue& other);
  AttributeValue& operator=(AttributeValue&& other) noexcept;
  ~AttributeValue();

  static AttributeValue S(std::string text);
  // REQUIRES: `text` is a valid number (not checked here; TableStore checks on write).
  static AttributeValue N(std::string text);
  static AttributeValue B(std::string bytes);
  static AttributeValue Bool(bool value);
  static AttributeValue Null();
  static AttributeValue L(std::vector<AttributeValue> elements);
  static AttributeValue M(Item members);
  // REQUIRES: every element is of the set's element type (S, N or B respectively).
  static AttributeValue Set(Type set_type, std::vector<AttributeValue> elements);

  Type type() const { return type_; }
  // S text, N text or B bytes. REQUIRES: type() is kS, kN or kB.
  const std::string& scalar() const { return scalar_; }
  bool boolean() const { return bool_; }
  // Elements of L, SS, NS, BS (empty for other types).
  const std::vector<AttributeValue>& elements() const;
  // Members of M. REQUIRES: type() == kM.
  const Item& map() const;

  // Makes this an S, N or B value holding `bytes`, reusing its buffer (for decoders).
  void AssignScalar(Type type, std::string_view bytes);

  bool operator==(const AttributeValue& other) const;
  bool operator!=(const AttributeValue& other) const { return !(*this == other); }

 private:
  struct Composite;  // the elements of L and sets, or the members of M

  // Scalars live inline; lists, maps and sets behind one pointer, so the common (scalar)
  // value is small and cheap to move and destroy.
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string scalar_;
  std::unique_ptr<Composite> composite_;
};

// "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS".
std::string_view TypeName(AttributeValue::Type type);
// Inverse of TypeName; false if `name` is none of them.
bool TypeFromName(std::string_view name, AttributeValue::Type* type);

// The order of attribute names in an Item (bytewise, as std::string_view's <), deciding by the
// first bytes without calling memcmp when they differ, as most names do: decoders compare every
// name they read.
inline bool NameLess(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  }
  return a < b;
}

class Item {
 public:
  using Entry = std::pair<std::string, AttributeValue>;
  using const_iterator = std::vector<Entry>::const_iterator;

  Item() = default;

  // The value of attribute `name`, or nullptr. The pointer is valid until the item changes.
  const AttributeValue* Find(std::string_view name) const;
  // Inserts or replaces attribute `name`.
  void Set(std::string name, AttributeValue value);
  // Removes attribute `name`; returns false if there was none.
  bool Remove(std::string_view name);
  // Appends an attribute. REQUIRES: `name` sorts after every name already present (decoders
  // use it to build an item in O(n)); use Set otherwise.
  // Returns the stored value, valid until the item changes.
  AttributeValue* AppendSorted(std::string name, AttributeValue value) {
    return &entries_.emplace_back(std::move(name), std::move(value)).second;
  }
  // As AppendSorted with a NULL value built in place, for a decoder to fill (no temporary value
  // to move and destroy). REQUIRES: as AppendSorted.
  AttributeValue* AppendSortedNull(std::string_view name) {
    return &entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name), std::forward_as_tuple())
                .second;
  }
  // The last attribute's name, or empty.
  std::string_view LastName() const { return entries_.empty() ? std::string_view() : entries_.back().first; }
  void Reserve(size_t n) { entries_.reserve(n); }
  void Clear() { entries_.clear(); }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

  bool operator==(const Item& other) const { return entries_ == other.entries_; }
  bool operator!=(const Item& other) const { return !(*this == other); }

 private:
  std::vector<Entry> entries_;  // sorted by name, names unique
};

}  // namespace freshet::query
