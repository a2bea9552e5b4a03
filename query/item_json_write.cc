// Writing items as JSON.
#include <cctype>

#include "query/item_json.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

using Type = AttributeValue::Type;

// True if `s` is a number as JSON spells them: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (i >= s.size() || s[i] < '1' || s[i] > '9' || !digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

void AppendTyped(const AttributeValue& v, std::string* out);

void AppendTypedMembers(const Item& item, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : item) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(name, out);
    out->push_back(':');
    AppendTyped(value, out);
  }
  out->push_back('}');
}

void AppendTyped(const AttributeValue& v, std::string* out) {
  out->append("{\"");
  out->append(TypeName(v.type()));
  out->append("\":");
  switch (v.type()) {
    case Type::kS:
    case Type::kN: AppendJsonString(v.scalar(), out); break;
    case Type::kB: AppendJsonString(EncodeBase64(v.scalar()), out); break;
    case Type::kBool: out->append(v.boolean() ? "true" : "false"); break;
    case Type::kNull: out->append("true"); break;
    case Type::kM: AppendTypedMembers(v.map(), out); break;
    case Type::kL:
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: {
      out->push_back('[');
      for (size_t i = 0; i < v.elements().size(); ++i) {
        if (i) out->push_back(',');
        const AttributeValue& e = v.elements()[i];
        if (v.type() == Type::kL)
          AppendTyped(e, out);
        else if (v.type() == Type::kBS)
          AppendJsonString(EncodeBase64(e.scalar()), out);
        else
          AppendJsonString(e.scalar(), out);
      }
      out->push_back(']');
      break;
    }
  }
  out->push_back('}');
}

void AppendPlainMembers(const Item& item, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : item) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(name, out);
    out->push_back(':');
    AppendPlainJson(value, out);
  }
  out->push_back('}');
}

}  // namespace

void AppendPlainJson(const AttributeValue& v, std::string* out) {
  switch (v.type()) {
    case Type::kS: AppendJsonString(v.scalar(), out); return;
    case Type::kN:
      if (IsJsonNumber(v.scalar())) {
        out->append(v.scalar());
      } else {
        auto canonical = codec::CanonicalNumber(v.scalar());
        out->append(canonical.ok() && IsJsonNumber(*canonical) ? *canonical : "null");
      }
      return;
    case Type::kB: AppendJsonString(EncodeBase64(v.scalar()), out); return;
    case Type::kBool: out->append(v.boolean() ? "true" : "false"); return;
    case Type::kNull: out->append("null"); return;
    case Type::kM: AppendPlainMembers(v.map(), out); return;
    default:
      out->push_back('[');
      for (size_t i = 0; i < v.elements().size(); ++i) {
        if (i) out->push_back(',');
        AppendPlainJson(v.elements()[i], out);
      }
      out->push_back(']');
  }
}

std::string ItemToTypedJson(const Item& item) {
  std::string out;
  AppendTypedMembers(item, &out);
  return out;
}

std::string ItemToPlainJson(const Item& item) {
  std::string out;
  AppendPlainMembers(item, &out);
  return out;
}

}  // namespace freshet::query
