#include "tools/protocol/dynamodb_codec.h"

#include <set>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "storage/codec.h"

namespace freshet::protocol::dynamodb {
namespace {

using Type = AttributeValue::Type;

AwsError Invalid(const std::string& message) { return AwsError::Client("ValidationException", message); }

AwsError NotOneType(bool empty) {
  return Invalid(std::string("Supplied AttributeValue ") + (empty ? "is empty" : "has more than one datatypes set") +
                 ", must contain exactly one of the supported datatypes");
}

Checked<AttributeValue> Number(const Json& v) {
  if (!v.is_string()) return WrongType("N", "a string");
  const std::string text = v.get<std::string>();
  auto canonical = codec::CanonicalNumber(text);
  if (!canonical.ok()) {
    if (canonical.status().message().find("magnitude") != std::string::npos) {
      return Invalid("Number overflow. Attempting to store a number with magnitude larger than supported range");
    }
    if (canonical.status().message().find("38") != std::string::npos) {
      return Invalid("Attempting to store more than 38 significant digits in a Number");
    }
    return Invalid("The parameter cannot be converted to a numeric value: " + text);
  }
  return AttributeValue::N(text);
}

Checked<AttributeValue> Binary(const Json& v) {
  if (!v.is_string()) return WrongType("B", "a base64 string");
  std::string bytes;
  if (!query::DecodeBase64(v.get<std::string>(), &bytes)) {
    return AwsError::Client("SerializationException", "Base64 encoded length is expected a multiple of 4 bytes");
  }
  return AttributeValue::B(std::move(bytes));
}

Checked<AttributeValue> Set(Type type, const Json& v) {
  if (!v.is_array()) return WrongType(query::TypeName(type), "a list");
  if (v.empty()) {
    return Invalid(type == Type::kBS   ? "One or more parameter values were invalid: Binary sets should not be empty"
                   : type == Type::kNS ? "One or more parameter values were invalid: An number set  may not be empty"
                                       : "One or more parameter values were invalid: An string set  may not be empty");
  }
  std::vector<AttributeValue> elements;
  std::set<std::string> seen;
  std::string listing;
  bool duplicate = false;
  for (const Json& e : v) {
    AttributeValue value;
    if (type == Type::kSS) {
      if (!e.is_string()) return WrongType("SS", "a list of strings");
      value = AttributeValue::S(e.get<std::string>());
    } else if (type == Type::kNS) {
      FRESHET_CHECKED_ASSIGN(value, Number(e));
    } else {
      FRESHET_CHECKED_ASSIGN(value, Binary(e));
    }
    std::string identity = value.scalar();
    if (type == Type::kNS) identity = *codec::CanonicalNumber(identity);
    duplicate |= !seen.insert(identity).second;
    listing +=
        (listing.empty() ? "" : ", ") + (type == Type::kBS ? query::EncodeBase64(value.scalar()) : value.scalar());
    elements.push_back(std::move(value));
  }
  if (duplicate) {
    return Invalid("One or more parameter values were invalid: Input collection [" + listing +
                   "] contains duplicates.");
  }
  return AttributeValue::Set(type, std::move(elements));
}

Checked<AttributeValue> DecodeAt(const Json& json, int depth) {
  if (!json.is_object()) return WrongType("AttributeValue", "an object");
  if (json.size() != 1) return NotOneType(json.empty());
  if (depth > 32) return Invalid("Nesting Levels have exceeded supported limits");
  const auto member = json.begin();
  const std::string& name = member.key();
  const Json& v = member.value();
  Type type;
  if (!query::TypeFromName(name, &type)) return Invalid("Supplied AttributeValue has an unknown datatype: " + name);
  switch (type) {
    case Type::kS:
      if (!v.is_string()) return WrongType("S", "a string");
      return AttributeValue::S(v.get<std::string>());
    case Type::kN: return Number(v);
    case Type::kB: return Binary(v);
    case Type::kBool:
      if (!v.is_boolean()) return WrongType("BOOL", "a boolean");
      return AttributeValue::Bool(v.get<bool>());
    case Type::kNull:
      if (!v.is_boolean()) return WrongType("NULL", "a boolean");
      if (!v.get<bool>())
        return Invalid(
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
      return AttributeValue::Null();
    case Type::kL: {
      if (!v.is_array()) return WrongType("L", "a list");
      std::vector<AttributeValue> elements;
      elements.reserve(v.size());
      for (const Json& e : v) {
        FRESHET_CHECKED_ASSIGN(AttributeValue element, DecodeAt(e, depth + 1));
        elements.push_back(std::move(element));
      }
      return AttributeValue::L(std::move(elements));
    }
    case Type::kM: {
      if (!v.is_object()) return WrongType("M", "a map");
      Item members;
      for (const auto& [member, mv] : v.items()) {
        FRESHET_CHECKED_ASSIGN(AttributeValue value, DecodeAt(mv, depth + 1));
        members.Set(member, std::move(value));
      }
      return AttributeValue::M(std::move(members));
    }
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: return Set(type, v);
  }
  return NotOneType(true);
}

}  // namespace

Checked<AttributeValue> DecodeValue(const Json& json) { return DecodeAt(json, 0); }

Checked<Item> DecodeItem(const Json& json, const char* member) {
  if (!json.is_object()) return WrongType(member, "a map of attribute names to AttributeValues");
  Item item;
  item.Reserve(json.size());
  for (const auto& [name, v] : json.items()) {
    FRESHET_CHECKED_ASSIGN(AttributeValue value, DecodeValue(v));
    item.Set(name, std::move(value));
  }
  return item;
}

Checked<std::optional<Item>> OptionalItemMember(const Json& request, const char* member) {
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return std::optional<Item>();
  FRESHET_CHECKED_ASSIGN(Item item, DecodeItem(*it, member));
  return std::optional<Item>(std::move(item));
}

Json EncodeValue(const AttributeValue& value) {
  switch (value.type()) {
    case Type::kS: return {{"S", value.scalar()}};
    case Type::kN: return {{"N", value.scalar()}};
    case Type::kB: return {{"B", query::EncodeBase64(value.scalar())}};
    case Type::kBool: return {{"BOOL", value.boolean()}};
    case Type::kNull: return {{"NULL", true}};
    case Type::kL: {
      Json list = Json::array();
      for (const auto& e : value.elements()) list.push_back(EncodeValue(e));
      return {{"L", std::move(list)}};
    }
    case Type::kM: return {{"M", EncodeItem(value.map())}};
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: {
      Json set = Json::array();
      for (const auto& e : value.elements()) {
        set.push_back(value.type() == Type::kBS ? query::EncodeBase64(e.scalar()) : e.scalar());
      }
      return {{std::string(query::TypeName(value.type())), std::move(set)}};
    }
  }
  return {{"NULL", true}};
}

Json EncodeItem(const Item& item) {
  Json out = Json::object();
  for (const auto& [name, value] : item) out[name] = EncodeValue(value);
  return out;
}

size_t ValueSize(const AttributeValue& value) {
  switch (value.type()) {
    case Type::kS:
    case Type::kB: return value.scalar().size();
    case Type::kN: return query::NumberSize(value.scalar());
    case Type::kBool:
    case Type::kNull: return 1;
    case Type::kL: {
      size_t n = 3;
      for (const auto& e : value.elements()) n += 1 + ValueSize(e);
      return n;
    }
    case Type::kM: {
      size_t n = 3;
      for (const auto& [name, e] : value.map()) n += 1 + name.size() + ValueSize(e);
      return n;
    }
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: {
      size_t n = 0;
      for (const auto& e : value.elements()) n += ValueSize(e);
      return n;
    }
  }
  return 1;
}

size_t ItemSize(const Item& item) {
  size_t n = 0;
  for (const auto& [name, value] : item) n += name.size() + ValueSize(value);
  return n;
}

}  // namespace freshet::protocol::dynamodb
