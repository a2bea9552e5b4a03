// See sigv4_canonical.h.
#include "tools/http/sigv4_canonical.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "tools/http/http_request_parts.h"

namespace freshet::http::sigv4 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHex[] = "0123456789ABCDEF";

void AppendEscape(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 15]);
}

// RFC 3986 remove_dot_segments, also dropping empty segments (as AWS's services do).
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); i++) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kLower[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kLower[c >> 4]);
    out.push_back(kLower[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string key = HmacSha256("AWS4" + std::string(secret), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, "aws4_request");
}

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  for (unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscape(out, c);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path, bool s3) {
  if (raw_path.empty()) return "/";
  if (!s3) return UriEncode(NormalizePath(raw_path), /*keep_slash=*/true);
  std::string out;
  out.reserve(raw_path.size());
  for (size_t i = 0; i < raw_path.size(); i++) {
    unsigned char c = static_cast<unsigned char>(raw_path[i]);
    if (c == '%' && i + 2 < raw_path.size() && HexValue(raw_path[i + 1]) >= 0 && HexValue(raw_path[i + 2]) >= 0) {
      unsigned char decoded = static_cast<unsigned char>(HexValue(raw_path[i + 1]) * 16 + HexValue(raw_path[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        AppendEscape(out, decoded);
      }
      i += 2;
    } else if (IsUnreserved(c) || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscape(out, c);
    }
  }
  return out;
}

std::string CanonicalQuery(std::string_view raw_query, std::string_view skip_name) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view part = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string name = PercentDecode(part.substr(0, eq), false);
    if (!skip_name.empty() && name == skip_name) continue;
    std::string value = eq == std::string_view::npos ? std::string() : PercentDecode(part.substr(eq + 1), false);
    pairs.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view raw_target,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string_view signed_headers, std::string_view payload_hash, bool s3,
                             std::string_view skip_query_name) {
  size_t question = raw_target.find('?');
  std::string_view raw_path = raw_target.substr(0, question);
  std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : raw_target.substr(question + 1);
  std::string out;
  out.append(method).append("\n").append(CanonicalUri(raw_path, s3)).append("\n");
  out.append(CanonicalQuery(raw_query, skip_query_name)).append("\n");
  std::string_view names = signed_headers;
  while (!names.empty()) {
    size_t semicolon = names.find(';');
    std::string_view name = names.substr(0, semicolon);
    names = semicolon == std::string_view::npos ? std::string_view() : names.substr(semicolon + 1);
    out.append(name).append(":");
    bool first = true;
    for (const auto& [header, value] : headers) {
      if (header != name) continue;
      if (!first) out.push_back(',');
      out += CanonicalHeaderValue(value);
      first = false;
    }
    out.append("\n");
  }
  out.append("\n").append(signed_headers).append("\n").append(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n").append(scope).append("\n").append(Sha256Hex(canonical_request));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace freshet::http::sigv4
