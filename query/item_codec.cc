// The grammar is at the top of item_codec.h.
#include "query/item_codec.h"

#include <cstring>

#include "query/item_json.h"
#include "storage/codec.h"
#include "storage/text.h"

namespace freshet::query {
namespace {

using Type = AttributeValue::Type;

void PutString(std::string* dst, std::string_view s) {
  codec::PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

void EncodeValue(const AttributeValue& v, std::string* dst);

void EncodeMembers(const Item& item, std::string_view skip1, std::string_view skip2, std::string* dst) {
  // An empty skip name skips nothing: an attribute may be named "" (nested maps are encoded
  // with both skips empty, and used to lose such a member).
  auto skipped = [&](const std::string& name) {
    return (!skip1.empty() && name == skip1) || (!skip2.empty() && name == skip2);
  };
  uint32_t count = 0;
  for (const auto& [name, value] : item) count += skipped(name) ? 0 : 1;
  codec::PutVarint32(dst, count);
  for (const auto& [name, value] : item) {
    if (skipped(name)) continue;
    PutString(dst, name);
    EncodeValue(value, dst);
  }
}

void EncodeValue(const AttributeValue& v, std::string* dst) {
  switch (v.type()) {
    case Type::kS:
      dst->push_back('S');
      PutString(dst, v.scalar());
      return;
    case Type::kN:
      dst->push_back('N');
      PutString(dst, v.scalar());
      return;
    case Type::kB:
      dst->push_back('B');
      PutString(dst, v.scalar());
      return;
    case Type::kBool: dst->push_back(v.boolean() ? 'T' : 'F'); return;
    case Type::kNull: dst->push_back('0'); return;
    case Type::kL:
      dst->push_back('L');
      codec::PutVarint32(dst, static_cast<uint32_t>(v.elements().size()));
      for (const auto& e : v.elements()) EncodeValue(e, dst);
      return;
    case Type::kM:
      dst->push_back('M');
      EncodeMembers(v.map(), {}, {}, dst);
      return;
    case Type::kSS:
    case Type::kNS:
    case Type::kBS:
      dst->push_back(v.type() == Type::kSS ? 's' : v.type() == Type::kNS ? 'n' : 'b');
      codec::PutVarint32(dst, static_cast<uint32_t>(v.elements().size()));
      for (const auto& e : v.elements()) PutString(dst, e.scalar());
      return;
  }
}

bool GetString(std::string_view* in, std::string* out) {
  uint32_t len;
  if (!codec::GetVarint32(in, &len) || in->size() < len) return false;
  out->assign(in->data(), len);
  in->remove_prefix(len);
  return true;
}

bool DecodeValue(std::string_view* in, int depth, AttributeValue* out);

bool GetView(std::string_view* in, std::string_view* out) { return codec::GetLengthPrefixed(in, out); }

bool DecodeMembers(std::string_view* in, int depth, Item* item) {
  uint32_t count;
  if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
  const bool append = item->empty();     // members are stored in name order
  if (append) item->Reserve(count + 2);  // + room for the key attributes
  std::string_view name, last;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(in, &name)) return false;
    if (append) {  // decode in place: no temporary value to move and destroy
      if (i > 0 && !NameLess(last, name)) return false;
      if (!DecodeValue(in, depth, item->AppendSortedNull(name))) return false;
      last = name;
    } else {
      AttributeValue value;
      if (!DecodeValue(in, depth, &value)) return false;
      item->Set(std::string(name), std::move(value));
    }
  }
  return true;
}

bool DecodeValue(std::string_view* in, int depth, AttributeValue* out) {
  if (in->empty() || depth > kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string s;
  std::string_view view;
  uint32_t count;
  switch (tag) {
    case 'S':
      if (!GetView(in, &view)) return false;
      out->AssignScalar(Type::kS, view);
      return true;
    case 'N':
      if (!GetView(in, &view)) return false;
      out->AssignScalar(Type::kN, view);
      return true;
    case 'B':
      if (!GetView(in, &view)) return false;
      out->AssignScalar(Type::kB, view);
      return true;
    case 'T': *out = AttributeValue::Bool(true); return true;
    case 'F': *out = AttributeValue::Bool(false); return true;
    case '0': *out = AttributeValue::Null(); return true;
    case 'L': {
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      std::vector<AttributeValue> elements(count);
      for (auto& e : elements) {
        if (!DecodeValue(in, depth + 1, &e)) return false;
      }
      *out = AttributeValue::L(std::move(elements));
      return true;
    }
    case 'M': {
      Item members;
      if (!DecodeMembers(in, depth + 1, &members)) return false;
      *out = AttributeValue::M(std::move(members));
      return true;
    }
    case 's':
    case 'n':
    case 'b': {
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      std::vector<AttributeValue> elements;
      elements.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        if (!GetString(in, &s)) return false;
        elements.push_back(tag == 's'   ? AttributeValue::S(std::move(s))
                           : tag == 'n' ? AttributeValue::N(std::move(s))
                                        : AttributeValue::B(std::move(s)));
      }
      *out = AttributeValue::Set(tag == 's' ? Type::kSS : tag == 'n' ? Type::kNS : Type::kBS, std::move(elements));
      return true;
    }
    default: return false;
  }
}

// Steps over `count` length-prefixed strings (the elements of a set).
bool SkipStrings(std::string_view* in, uint32_t count) {
  std::string_view view;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(in, &view)) return false;
  }
  return true;
}

bool SkipMembers(std::string_view* in, int depth) {
  uint32_t count;
  if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
  std::string_view name;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(in, &name) || !SkipValue(in, depth)) return false;
  }
  return true;
}

// Copies `literal` to p; returns the end.
char* PutLiteral(std::string_view literal, char* p) {
  std::memcpy(p, literal.data(), literal.size());
  return p + literal.size();
}

char* PutTypedMembers(std::string_view* in, int depth, char* p) {
  uint32_t count;
  if (!codec::GetVarint32(in, &count) || count > in->size()) return nullptr;
  *p++ = '{';
  std::string_view name;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(in, &name)) return nullptr;
    if (i) *p++ = ',';
    p = text::PutJsonString(name, p);
    *p++ = ':';
    if (!(p = PutTypedJsonValue(in, depth, p))) return nullptr;
  }
  *p++ = '}';
  return p;
}

}  // namespace

bool SkipValue(std::string_view* in, int depth) {
  if (in->empty() || depth > kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string_view view;
  uint32_t count;
  switch (tag) {
    case 'S':
    case 'N':
    case 'B': return GetView(in, &view);
    case 'T':
    case 'F':
    case '0': return true;
    case 'L':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!SkipValue(in, depth + 1)) return false;
      }
      return true;
    case 'M': return SkipMembers(in, depth + 1);
    case 's':
    case 'n':
    case 'b': return codec::GetVarint32(in, &count) && count <= in->size() && SkipStrings(in, count);
    default: return false;
  }
}

char* PutTypedJsonValue(std::string_view* in, int depth, char* p) {
  if (in->empty() || depth > kMaxDepth) return nullptr;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string_view view;
  uint32_t count;
  switch (tag) {
    case 'S':
    case 'N':
    case 'B':
      if (!GetView(in, &view)) return nullptr;
      p = PutLiteral(tag == 'S' ? "{\"S\":" : tag == 'N' ? "{\"N\":" : "{\"B\":", p);
      p = text::PutJsonString(tag == 'B' ? std::string_view(EncodeBase64(view)) : view, p);
      *p++ = '}';
      return p;
    case 'T': return PutLiteral("{\"BOOL\":true}", p);
    case 'F': return PutLiteral("{\"BOOL\":false}", p);
    case '0': return PutLiteral("{\"NULL\":true}", p);
    case 'L':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return nullptr;
      p = PutLiteral("{\"L\":[", p);
      for (uint32_t i = 0; i < count; ++i) {
        if (i) *p++ = ',';
        if (!(p = PutTypedJsonValue(in, depth + 1, p))) return nullptr;
      }
      return PutLiteral("]}", p);
    case 'M':
      p = PutLiteral("{\"M\":", p);
      if (!(p = PutTypedMembers(in, depth + 1, p))) return nullptr;
      *p++ = '}';
      return p;
    case 's':
    case 'n':
    case 'b':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return nullptr;
      p = PutLiteral(tag == 's' ? "{\"SS\":[" : tag == 'n' ? "{\"NS\":[" : "{\"BS\":[", p);
      for (uint32_t i = 0; i < count; ++i) {
        if (!GetView(in, &view)) return nullptr;
        if (i) *p++ = ',';
        p = text::PutJsonString(tag == 'b' ? std::string_view(EncodeBase64(view)) : view, p);
      }
      return PutLiteral("]}", p);
    default: return nullptr;
  }
}

size_t NumberSize(std::string_view text) {
  size_t digits = 0;
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    digits += c >= '0' && c <= '9';
  }
  return (digits + 1) / 2 + 1;
}

namespace {

bool EncodedMembersSize(std::string_view* in, int depth, bool nested, size_t* size);

// Adds the DynamoDB size of one encoded `value` at the front of *in to *size, and consumes it.
bool EncodedValueSize(std::string_view* in, int depth, size_t* size) {
  if (in->empty() || depth > kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string_view view;
  uint32_t count;
  switch (tag) {
    case 'S':
    case 'B':
      if (!GetView(in, &view)) return false;
      *size += view.size();
      return true;
    case 'N':
      if (!GetView(in, &view)) return false;
      *size += NumberSize(view);
      return true;
    case 'T':
    case 'F':
    case '0': *size += 1; return true;
    case 'L':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      *size += 3 + count;  // 3 for the list, 1 per element
      for (uint32_t i = 0; i < count; ++i) {
        if (!EncodedValueSize(in, depth + 1, size)) return false;
      }
      return true;
    case 'M': *size += 3; return EncodedMembersSize(in, depth + 1, /*nested=*/true, size);
    case 's':
    case 'n':
    case 'b':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!GetView(in, &view)) return false;
        *size += tag == 'n' ? NumberSize(view) : view.size();
      }
      return true;
    default: return false;
  }
}

// A map's members cost 1 + name + value each; an item's top-level attributes name + value.
bool EncodedMembersSize(std::string_view* in, int depth, bool nested, size_t* size) {
  uint32_t count;
  if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
  std::string_view name;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(in, &name)) return false;
    *size += name.size() + (nested ? 1 : 0);
    if (!EncodedValueSize(in, depth, size)) return false;
  }
  return true;
}

}  // namespace

bool EncodedItemSize(std::string_view value, size_t* size) {
  if (value.empty() || value.front() != '\x01') return false;
  value.remove_prefix(1);
  return EncodedMembersSize(&value, 1, /*nested=*/false, size) && value.empty();
}

bool DecodeItemValueProjected(std::string_view value, const std::vector<std::string>& attributes, Item* item) {
  if (attributes.empty()) return DecodeItemValue(value, item);
  uint32_t count;
  if (!GetEncodedMemberCount(&value, &count)) return false;
  std::string_view name, last;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetView(&value, &name) || (i > 0 && !NameLess(last, name))) return false;
    last = name;
    bool wanted = false;
    for (const std::string& a : attributes) wanted = wanted || a == name;
    if (!wanted) {
      if (!SkipValue(&value, 1)) return false;
    } else if (item->empty() || NameLess(item->LastName(), name)) {
      if (!DecodeValue(&value, 1, item->AppendSortedNull(name))) return false;
    } else {
      AttributeValue v;
      if (!DecodeValue(&value, 1, &v)) return false;
      item->Set(std::string(name), std::move(v));
    }
  }
  return value.empty();
}

void EncodeItemValue(const Item& item, std::string_view skip1, std::string_view skip2, std::string* dst) {
  dst->push_back('\x01');
  EncodeMembers(item, skip1, skip2, dst);
}

bool DecodeItemValue(std::string_view value, Item* item) {
  if (value.empty() || value.front() != '\x01') return false;
  value.remove_prefix(1);
  return DecodeMembers(&value, 1, item) && value.empty();
}

}  // namespace freshet::query
