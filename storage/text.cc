#include "storage/text.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace freshet::text {

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

namespace {

// Writes the escape of a byte that needs one (NeedsJsonEscape) at p; returns the end (<= p + 6).
char* PutJsonEscape(unsigned char c, char* p) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    default:
      *p++ = 'u';
      *p++ = '0';
      *p++ = '0';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xf];
  }
  return p;
}

bool NeedsJsonEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet appended that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsJsonEscape(c)) continue;
    out->append(text.data() + run, i - run);  // in runs: one append per escape, not per byte
    run = i + 1;
    char escaped[6];
    out->append(escaped, PutJsonEscape(c, escaped) - escaped);
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

char* PutJsonString(std::string_view text, char* p) {
  *p++ = '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (NeedsJsonEscape(c)) {
      p = PutJsonEscape(c, p);
    } else {
      *p++ = ch;
    }
  }
  *p++ = '"';
  return p;
}

namespace {

// Each byte's value in the base64 alphabet, or -1 ('=' is checked by position).
constexpr std::array<int8_t, 256> MakeAlphabet() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < kChars.size(); ++i) table[static_cast<unsigned char>(kChars[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr std::array<int8_t, 256> kAlphabet = MakeAlphabet();

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool DecodeBase64(std::string_view text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i + pad < text.size(); ++i) {
    if (kAlphabet[static_cast<unsigned char>(text[i])] < 0) return false;
  }
  // Canonical only: the bits the padding leaves unused must be zero ("Zh==" is not "Zg==").
  if (pad > 0 && (kAlphabet[static_cast<unsigned char>(text[text.size() - 1 - pad])] & (pad == 2 ? 0x0f : 0x03))) {
    return false;
  }
  bytes->assign(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes->data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  bytes->resize(static_cast<size_t>(n) - pad);
  return true;
}

}  // namespace freshet::text
