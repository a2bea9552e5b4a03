// Reading items from JSON. The SAX parser keeps each number's text, which a DOM would round
// through a double; typed JSON is parsed as plain JSON first and then reinterpreted.
#include "query/item_json.h"

#include <nlohmann/json.hpp>

#include "query/item_codec.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

using Type = AttributeValue::Type;
using nlohmann::json;

class PlainBuilder final : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Add(AttributeValue::Null()); }
  bool boolean(bool v) override { return Add(AttributeValue::Bool(v)); }
  bool number_integer(number_integer_t v) override { return Add(AttributeValue::N(std::to_string(v))); }
  bool number_unsigned(number_unsigned_t v) override { return Add(AttributeValue::N(std::to_string(v))); }
  bool number_float(number_float_t, const string_t& text) override { return Add(AttributeValue::N(text)); }
  bool string(string_t& v) override { return Add(AttributeValue::S(std::move(v))); }
  bool binary(binary_t&) override { return Fail("binary JSON values are not supported"); }
  bool start_object(std::size_t) override { return Push(true); }
  bool key(string_t& k) override {
    stack_.back().key = std::move(k);
    return true;
  }
  bool end_object() override {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    return Add(AttributeValue::M(std::move(f.item)));
  }
  bool start_array(std::size_t) override { return Push(false); }
  bool end_array() override {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    return Add(AttributeValue::L(std::move(f.list)));
  }
  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception&) override {
    return Fail("invalid JSON at byte " + std::to_string(position) + " near '" + last_token.substr(0, 20) + "'");
  }

  const std::string& error() const { return error_; }
  AttributeValue& root() { return root_; }

 private:
  struct Frame {
    bool is_object;
    Item item;
    std::vector<AttributeValue> list;
    std::string key;
  };
  bool Add(AttributeValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
    } else if (stack_.back().is_object) {
      stack_.back().item.Set(std::move(stack_.back().key), std::move(v));
    } else {
      stack_.back().list.push_back(std::move(v));
    }
    return true;
  }
  bool Push(bool is_object) {
    if (stack_.size() >= kMaxDepth) return Fail("JSON nested more than 32 levels deep");
    stack_.push_back(Frame{is_object, {}, {}, {}});
    return true;
  }
  bool Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }
  std::vector<Frame> stack_;
  AttributeValue root_;
  std::string error_;
};

Result<AttributeValue> ParsePlain(std::string_view text) {
  PlainBuilder builder;
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("invalid JSON: ") + e.what());
  }
  if (!ok) return Status::InvalidArgument(builder.error().empty() ? "invalid JSON" : builder.error());
  return std::move(builder.root());
}

bool IsTypeDescriptor(const AttributeValue& v) {
  Type t;
  return v.type() == Type::kM && v.map().size() == 1 && TypeFromName(v.map().begin()->first, &t);
}

Status Bad(const std::string& path, std::string_view what) {
  return Status::InvalidArgument("attribute '" + path + "': " + std::string(what));
}

Result<AttributeValue> FromTyped(const AttributeValue& descriptor, const std::string& path);

Result<AttributeValue> ScalarFromTyped(Type type, const AttributeValue& v, const std::string& path) {
  if (type == Type::kN) {
    if (v.type() != Type::kS && v.type() != Type::kN) return Bad(path, "N value must be a string of digits");
    if (!codec::CanonicalNumber(v.scalar()).ok()) {
      return Bad(path, "'" + v.scalar() + "' is not a valid number (at most 38 significant digits)");
    }
    return AttributeValue::N(v.scalar());
  }
  if (v.type() != Type::kS) return Bad(path, std::string(TypeName(type)) + " value must be a string");
  if (type == Type::kS) return v;
  std::string bytes;
  if (!DecodeBase64(v.scalar(), &bytes)) return Bad(path, "B value is not valid base64");
  return AttributeValue::B(std::move(bytes));
}

Result<AttributeValue> FromTyped(const AttributeValue& descriptor, const std::string& path) {
  if (!IsTypeDescriptor(descriptor)) {
    return Bad(path, "expected a typed value such as {\"S\":\"text\"} or {\"N\":\"1.5\"}");
  }
  const auto& [type_name, v] = *descriptor.map().begin();
  Type type;
  (void)TypeFromName(type_name, &type);
  switch (type) {
    case Type::kS:
    case Type::kN:
    case Type::kB: return ScalarFromTyped(type, v, path);
    case Type::kBool:
      if (v.type() != Type::kBool) return Bad(path, "BOOL value must be true or false");
      return v;
    case Type::kNull:
      if (v.type() != Type::kBool || !v.boolean()) return Bad(path, "NULL value must be true");
      return AttributeValue::Null();
    case Type::kL: {
      if (v.type() != Type::kL) return Bad(path, "L value must be an array");
      std::vector<AttributeValue> out;
      for (size_t i = 0; i < v.elements().size(); ++i) {
        FRESHET_ASSIGN_OR_RETURN(AttributeValue e, FromTyped(v.elements()[i], path + "[" + std::to_string(i) + "]"));
        out.push_back(std::move(e));
      }
      return AttributeValue::L(std::move(out));
    }
    case Type::kM: {
      if (v.type() != Type::kM) return Bad(path, "M value must be an object");
      Item out;
      for (const auto& [name, member] : v.map()) {
        FRESHET_ASSIGN_OR_RETURN(AttributeValue e, FromTyped(member, path + "." + name));
        out.AppendSorted(name, std::move(e));
      }
      return AttributeValue::M(std::move(out));
    }
    default: {  // sets
      if (v.type() != Type::kL) return Bad(path, std::string(type_name) + " value must be an array");
      const Type element = type == Type::kSS ? Type::kS : type == Type::kNS ? Type::kN : Type::kB;
      std::vector<AttributeValue> out;
      for (const auto& e : v.elements()) {
        FRESHET_ASSIGN_OR_RETURN(AttributeValue x, ScalarFromTyped(element, e, path));
        out.push_back(std::move(x));
      }
      return AttributeValue::Set(type, std::move(out));
    }
  }
}

}  // namespace

Result<Item> ParseItemJson(std::string_view text) {
  FRESHET_ASSIGN_OR_RETURN(AttributeValue root, ParsePlain(text));
  if (root.type() != Type::kM) return Status::InvalidArgument("an item must be a JSON object");
  const Item& plain = root.map();
  bool typed = !plain.empty();
  for (const auto& [name, v] : plain) typed = typed && IsTypeDescriptor(v);
  if (!typed) return plain;
  Item out;
  out.Reserve(plain.size());
  for (const auto& [name, v] : plain) {
    FRESHET_ASSIGN_OR_RETURN(AttributeValue typed_value, FromTyped(v, name));
    out.AppendSorted(name, std::move(typed_value));
  }
  return out;
}

Result<AttributeValue> ParsePlainValueJson(std::string_view text) { return ParsePlain(text); }

}  // namespace freshet::query
