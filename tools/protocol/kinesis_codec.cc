#include "tools/protocol/kinesis_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

#include "query/item_json.h"

namespace freshet::protocol::kinesis {
namespace {

using U128 = unsigned __int128;
constexpr U128 kSequenceBase = U128{1} << 124;

constexpr uint64_t kTen19 = 10'000'000'000'000'000'000ULL;  // the largest power of 10 in a u64

// Decimal text of v: two 128-bit divisions into 19-digit parts, each written by to_chars (a
// digit-at-a-time loop of 128-bit divisions was 5% of a whole-CLI ingest's profile).
std::string U128Text(U128 v) {
  uint64_t parts[3];
  int n = 0;
  do {
    parts[n++] = static_cast<uint64_t>(v % kTen19);
    v /= kTen19;
  } while (v > 0);
  char buf[3 * 19 + 1];
  char* end = std::to_chars(buf, buf + sizeof buf, parts[n - 1]).ptr;
  for (int i = n - 2; i >= 0; --i) {
    char part[19];
    char* part_end = std::to_chars(part, part + sizeof part, parts[i]).ptr;
    const size_t len = static_cast<size_t>(part_end - part);
    std::fill(end, end + (19 - len), '0');
    std::copy(part, part_end, end + (19 - len));
    end += 19;
  }
  return std::string(buf, end);
}

bool ParseU64(std::string_view text, uint64_t* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string SequenceNumberText(uint32_t shard, uint64_t sequence) {
  return U128Text(kSequenceBase + (U128{shard} << 64) + sequence);
}

std::optional<ParsedSequence> ParseSequenceNumber(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (text.size() == 39 && text > "340282366920938463463374607431768211455") return std::nullopt;  // past 2^128 - 1
  // Up to 19 digits at a time in 64 bits, then one 128-bit multiply-add per part.
  U128 v = 0;
  size_t first = text.size() % 19 == 0 ? 19 : text.size() % 19;
  for (size_t at = 0, len = first; at < text.size(); at += len, len = 19) {
    uint64_t part = 0;
    for (char c : text.substr(at, len)) part = part * 10 + static_cast<unsigned>(c - '0');
    v = v * kTen19 + part;  // v is 0 before the first part, whatever its length
  }
  if (v < kSequenceBase) return std::nullopt;
  v -= kSequenceBase;
  if ((v >> 64) > UINT32_MAX) return std::nullopt;
  return ParsedSequence{static_cast<uint32_t>(v >> 64), static_cast<uint64_t>(v)};
}

std::string EncodeIterator(const IteratorState& s) {
  std::string plain = "1|" + s.stream + "|" + std::to_string(s.stream_id) + "|" + std::to_string(s.shard) + "|" +
                      std::to_string(s.next) + "|" + std::to_string(s.issued_ms);
  return query::EncodeBase64(plain);
}

std::optional<IteratorState> DecodeIterator(std::string_view text) {
  std::string plain;
  if (text.size() > 1024 || !query::DecodeBase64(text, &plain)) return std::nullopt;
  std::vector<std::string_view> parts;
  std::string_view rest = plain;
  for (size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1)) {
    parts.push_back(rest.substr(0, bar));
  }
  parts.push_back(rest);
  if (parts.size() != 6 || parts[0] != "1" || parts[1].empty()) return std::nullopt;
  IteratorState s;
  uint64_t id = 0, shard = 0;
  s.stream = std::string(parts[1]);
  if (!ParseU64(parts[2], &id) || !ParseU64(parts[3], &shard) || !ParseU64(parts[4], &s.next) ||
      !ParseU64(parts[5], &s.issued_ms) || id > UINT32_MAX || shard > UINT32_MAX) {
    return std::nullopt;
  }
  s.stream_id = static_cast<uint32_t>(id);
  s.shard = static_cast<uint32_t>(shard);
  return s;
}

std::string StreamArn(const RequestContext& context, std::string_view stream) {
  return "arn:aws:kinesis:" + context.region + ":" + context.account_id + ":stream/" + std::string(stream);
}

Checked<std::string> StreamNameOf(const Json& request) {
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> name, OptionalString(request, "StreamName"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> arn, OptionalString(request, "StreamARN"));
  if (arn) {
    // arn:aws:kinesis:REGION:ACCOUNT:stream/NAME
    size_t slash = arn->find(":stream/");
    if (arn->rfind("arn:", 0) != 0 || arn->find(":kinesis:") == std::string::npos || slash == std::string::npos ||
        slash + 8 >= arn->size()) {
      return ValidationError("StreamARN", "'" + *arn + "'",
                             "Member must satisfy regular expression pattern: "
                             "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
    }
    std::string from_arn = arn->substr(slash + 8);
    if (name && *name != from_arn) {
      return AwsError::Client("InvalidArgumentException", "StreamARN " + *arn + " does not name stream " + *name);
    }
    return from_arn;
  }
  if (!name) {
    return AwsError::Client("InvalidArgumentException", "Either StreamName or StreamARN should be provided.");
  }
  if (auto e = CheckLength(*name, "StreamName", 1, 128)) return std::move(*e);
  return *name;
}

Json EpochSeconds(uint64_t ms) { return Json(static_cast<double>(ms) / 1000.0); }

void AppendEpochSeconds(uint64_t ms, std::string* out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%03u", static_cast<unsigned long long>(ms / 1000),
                static_cast<unsigned>(ms % 1000));
  out->append(buf);
}

AwsError StreamNotFound(const RequestContext& context, std::string_view stream) {
  AwsError e = AwsError::Client("ResourceNotFoundException", "Stream " + std::string(stream) + " under account " +
                                                                 context.account_id + " not found.");
  e.engine_code = Status::Code::kNotFound;
  return e;
}

}  // namespace freshet::protocol::kinesis
