// Firehose object keys: prefix expressions, the hour path and the file name (object_naming.h).
#include "stream/delivery/object_naming.h"

#include <openssl/md5.h>

#include <ctime>

#include "storage/codec.h"

namespace freshet::stream::delivery {
namespace {

std::tm Utc(uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string Pad(int value, int width) {
  std::string s = std::to_string(value);
  return s.size() >= static_cast<size_t>(width) ? s : std::string(width - s.size(), '0') + s;
}

// `salt` ("" for delivered objects) keeps the error object's suffix apart from its object's.
void Md5Of(const std::string& delivery_name, const FirstRecord& first, unsigned char out[MD5_DIGEST_LENGTH],
           std::string_view salt = "") {
  std::string input = delivery_name;
  input.push_back('\0');
  codec::PutFixed32(&input, first.stream_id);
  codec::PutFixed32(&input, first.shard);
  codec::PutFixed64(&input, first.sequence);
  input.append(salt);
  // The one-shot MD5 is deprecated in OpenSSL 3 (see shard_router.cc); the digest is the same.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  MD5(reinterpret_cast<const unsigned char*>(input.data()), input.size(), out);
#pragma GCC diagnostic pop
}

// Calls fn(namespace, key) for each !{ns:key}; returns false on a malformed expression. Text
// between expressions goes to literal(text).
template <typename Literal, typename Expr>
bool Walk(std::string_view prefix, Literal literal, Expr expr) {
  size_t pos = 0;
  while (pos < prefix.size()) {
    size_t open = prefix.find("!{", pos);
    if (open == std::string_view::npos) {
      literal(prefix.substr(pos));
      break;
    }
    literal(prefix.substr(pos, open - pos));
    size_t close = prefix.find('}', open);
    if (close == std::string_view::npos) return false;
    std::string_view body = prefix.substr(open + 2, close - open - 2);
    size_t colon = body.find(':');
    if (colon == std::string_view::npos) return false;
    if (!expr(body.substr(0, colon), body.substr(colon + 1))) return false;
    pos = close + 1;
  }
  return true;
}

}  // namespace

bool HasExpressions(std::string_view prefix) { return prefix.find("!{") != std::string_view::npos; }

Status CheckPrefix(std::string_view prefix, bool error_prefix) {
  std::string problem;
  bool ok = Walk(
      prefix, [](std::string_view) {},
      [&](std::string_view ns, std::string_view key) {
        if (ns == "timestamp") return !key.empty();
        if (ns == "firehose") {
          if (key == "random-string") return true;
          if (key == "error-output-type") {
            if (!error_prefix) problem = "!{firehose:error-output-type} may be used only in ErrorOutputPrefix";
            return error_prefix;
          }
        }
        problem = "unknown expression !{" + std::string(ns) + ":" + std::string(key) + "}";
        return false;
      });
  if (ok) return Status::OK();
  if (problem.empty()) problem = "malformed expression (expected !{namespace:value})";
  return Status::InvalidArgument(std::string(error_prefix ? "ErrorOutputPrefix" : "Prefix") + " '" +
                                 std::string(prefix) + "': " + problem);
}

std::string FormatTimestamp(std::string_view pattern, uint64_t ms) {
  std::tm tm = Utc(ms);
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {  // 'literal' ('' is a quote)
      size_t end = pattern.find('\'', i + 1);
      if (end == i + 1) {
        out.push_back('\'');
        i += 2;
        continue;
      }
      if (end == std::string_view::npos) end = pattern.size();
      out.append(pattern.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == c) ++run;
    switch (c) {
      case 'y':
        out += run == 2 ? Pad((tm.tm_year + 1900) % 100, 2) : Pad(tm.tm_year + 1900, static_cast<int>(run));
        break;
      case 'M': out += Pad(tm.tm_mon + 1, static_cast<int>(run)); break;
      case 'd': out += Pad(tm.tm_mday, static_cast<int>(run)); break;
      case 'H': out += Pad(tm.tm_hour, static_cast<int>(run)); break;
      case 'm': out += Pad(tm.tm_min, static_cast<int>(run)); break;
      case 's': out += Pad(tm.tm_sec, static_cast<int>(run)); break;
      case 'S': out += Pad(static_cast<int>(ms % 1000), 3).substr(0, run); break;
      default: out.append(run, c);
    }
    i += run;
  }
  return out;
}

std::string PositionSuffix(const std::string& delivery_name, const FirstRecord& first, std::string_view salt) {
  unsigned char md5[MD5_DIGEST_LENGTH];
  Md5Of(delivery_name, first, md5, salt);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < MD5_DIGEST_LENGTH; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[md5[i] >> 4]);
    out.push_back(kHex[md5[i] & 15]);
  }
  return out;
}

std::string PositionRandomString(const std::string& delivery_name, const FirstRecord& first) {
  unsigned char md5[MD5_DIGEST_LENGTH];
  Md5Of(delivery_name, first, md5);
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 11; ++i) out.push_back(kAlphabet[md5[i] % 36]);
  return out;
}

std::string ExpandPrefix(std::string_view prefix, const std::string& delivery_name, const FirstRecord& first,
                         std::string_view error_type) {
  std::string out;
  bool ok = Walk(
      prefix, [&](std::string_view text) { out.append(text); },
      [&](std::string_view ns, std::string_view key) {
        if (ns == "timestamp") {
          out += FormatTimestamp(key, first.arrival_ms);
        } else if (key == "random-string") {
          out += PositionRandomString(delivery_name, first);
        } else if (key == "error-output-type") {
          out.append(error_type);
        }
        return true;
      });
  return ok ? out : std::string(prefix);  // CheckPrefix refused malformed prefixes at creation
}

std::string ObjectKey(const DeliverySpec& spec, const FirstRecord& first) {
  const S3Destination& d = spec.destination;
  std::string key = ExpandPrefix(d.prefix, spec.name, first);
  if (!HasExpressions(d.prefix)) key += FormatTimestamp("yyyy/MM/dd/HH/", first.arrival_ms);
  key += spec.name + "-" + std::to_string(spec.version) + "-" +
         FormatTimestamp("yyyy-MM-dd-HH-mm-ss", first.arrival_ms) + "-" + PositionSuffix(spec.name, first);
  key += d.file_extension ? *d.file_extension : std::string(CompressionExtension(d.compression));
  return key;
}

std::string ErrorObjectKey(const DeliverySpec& spec, const FirstRecord& first, std::string_view error_type) {
  const S3Destination& d = spec.destination;
  std::string key;
  if (HasExpressions(d.error_output_prefix)) {
    key = ExpandPrefix(d.error_output_prefix, spec.name, first, error_type);
  } else {
    // Firehose: no ErrorOutputPrefix -> Prefix + error type; a plain one -> it + error type; then
    // the hour path.
    key = d.error_output_prefix.empty() ? ExpandPrefix(d.prefix, spec.name, first) : d.error_output_prefix;
    key += std::string(error_type) + "/" + FormatTimestamp("yyyy/MM/dd/HH/", first.arrival_ms);
  }
  key += spec.name + "-" + std::to_string(spec.version) + "-" +
         FormatTimestamp("yyyy-MM-dd-HH-mm-ss", first.arrival_ms) + "-" + PositionSuffix(spec.name, first, error_type);
  key += d.file_extension ? *d.file_extension : std::string(CompressionExtension(d.compression));
  return key;
}

}  // namespace freshet::stream::delivery
