#include "query/sql/encoded_value.h"

#include "query/item.h"
#include "query/item_codec.h"
#include "query/item_json.h"
#include "storage/codec.h"

namespace freshet::query::sql {

bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  uint32_t len = 0;
  if (!codec::GetVarint32(in, &len) || in->size() < len) return false;
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

bool SkipEncodedValue(std::string_view* in, int depth) {
  if (in->empty() || depth > kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string_view bytes;
  uint32_t count = 0;
  switch (tag) {
    case 'S':
    case 'N':
    case 'B': return GetLengthPrefixed(in, &bytes);
    case 'T':
    case 'F':
    case '0': return true;
    case 'L':
      if (!codec::GetVarint32(in, &count)) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!SkipEncodedValue(in, depth + 1)) return false;
      }
      return true;
    case 'M':
      if (!codec::GetVarint32(in, &count)) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!GetLengthPrefixed(in, &bytes) || !SkipEncodedValue(in, depth + 1)) return false;
      }
      return true;
    case 's':
    case 'n':
    case 'b':
      if (!codec::GetVarint32(in, &count)) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!GetLengthPrefixed(in, &bytes)) return false;
      }
      return true;
    default: return false;
  }
}

// character, quote or backslash) appended in one piece.
void AppendJsonText(std::string_view text, std::string* out) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '"' || c == '\\') {
      AppendJsonString(text, out);
      return;
    }
  }
  out->push_back('"');
  out->append(text);
  out->push_back('"');
}

bool AppendEncodedJson(std::string_view* in, std::string* out, int depth) {
  if (in->empty() || depth > kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  std::string_view bytes;
  uint32_t count = 0;
  switch (tag) {
    case 'S':
      if (!GetLengthPrefixed(in, &bytes)) return false;
      AppendJsonText(bytes, out);
      return true;
    case 'N':
      if (!GetLengthPrefixed(in, &bytes)) return false;
      AppendPlainJson(AttributeValue::N(std::string(bytes)), out);
      return true;
    case 'B':
      if (!GetLengthPrefixed(in, &bytes)) return false;
      AppendJsonString(EncodeBase64(bytes), out);
      return true;
    case 'T': out->append("true"); return true;
    case 'F': out->append("false"); return true;
    case '0': out->append("null"); return true;
    case 'L':
    case 'M':
      if (!codec::GetVarint32(in, &count)) return false;
      out->push_back(tag == 'L' ? '[' : '{');
      for (uint32_t i = 0; i < count; ++i) {
        if (i) out->push_back(',');
        if (tag == 'M') {
          if (!GetLengthPrefixed(in, &bytes)) return false;
          AppendJsonText(bytes, out);
          out->push_back(':');
        }
        if (!AppendEncodedJson(in, out, depth + 1)) return false;
      }
      out->push_back(tag == 'L' ? ']' : '}');
      return true;
    case 's':
    case 'n':
    case 'b':
      if (!codec::GetVarint32(in, &count)) return false;
      out->push_back('[');
      for (uint32_t i = 0; i < count; ++i) {
        if (i) out->push_back(',');
        if (!GetLengthPrefixed(in, &bytes)) return false;
        if (tag == 's') {
          AppendJsonText(bytes, out);
        } else if (tag == 'n') {
          AppendPlainJson(AttributeValue::N(std::string(bytes)), out);
        } else {
          AppendJsonString(EncodeBase64(bytes), out);
        }
      }
      out->push_back(']');
      return true;
    default: return false;
  }
}

}  // namespace freshet::query::sql
