// See sigv4.h. The canonical request and string to sign follow AWS's "Signature Version 4
// signing process"; sigv4_canonical.cc holds the encoding rules.
#include "tools/http/sigv4.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

#include "tools/http/aws_ini.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::http {
namespace {

using std::chrono::system_clock;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr auto kClockSkew = std::chrono::minutes(15);
constexpr long kMaxPresignedExpires = 7 * 24 * 3600;  // AWS's limit: 7 days

// Everything a request's signature names, from the Authorization header or the presigned query.
struct ParsedAuth {
  AuthInfo info;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lower-case hex
  std::string amz_date;        // YYYYMMDD'T'HHMMSS'Z'
  bool presigned = false;
  long expires = 0;  // presigned: seconds
};

AuthError Incomplete(std::string message) { return {"IncompleteSignatureException", std::move(message), 400}; }
AuthError BadQuery(std::string message) { return {"AuthorizationQueryParametersError", std::move(message), 400}; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "AKID/20150830/us-east-1/service/aws4_request" -> info; an error message otherwise.
std::optional<std::string> ParseCredential(std::string_view credential, AuthInfo* info) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = credential.find('/', start);
    parts.push_back(credential.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 5 || parts[0].empty() || parts[2].empty() || parts[3].empty()) {
    return "Credential should be scoped to a valid region, not '" + std::string(credential) +
           "' (expected ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request).";
  }
  if (parts[4] != "aws4_request") {
    return "Credential should be scoped with a valid terminator: 'aws4_request', not '" + std::string(parts[4]) + "'.";
  }
  if (parts[1].size() != 8 || !AllDigits(parts[1])) {
    return "Credential should be scoped to a valid date (YYYYMMDD), not '" + std::string(parts[1]) + "'.";
  }
  *info = AuthInfo{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
  return std::nullopt;
}

// Whether a calendar time lies in the years system_clock's nanoseconds can hold (1970 to 2200
// here; past about 2262 the conversion overflows).
bool InClockRange(const tm& t) { return t.tm_year >= 70 && t.tm_year <= 300; }

// YYYYMMDD'T'HHMMSS'Z' -> time, or nullopt.
std::optional<system_clock::time_point> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z' || !AllDigits(text.substr(0, 8)) ||
      !AllDigits(text.substr(9, 6))) {
    return std::nullopt;
  }
  std::string s(text);
  tm t{};
  if (strptime(s.c_str(), "%Y%m%dT%H%M%SZ", &t) == nullptr || !InClockRange(t)) return std::nullopt;
  return system_clock::from_time_t(timegm(&t));
}

std::string FormatAmzDate(system_clock::time_point time) {
  time_t seconds = system_clock::to_time_t(time);
  tm t{};
  gmtime_r(&seconds, &t);
  char text[32];
  strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &t);
  return text;
}

// The Date header (RFC 1123, "Mon, 09 Sep 2011 23:36:00 GMT") as an X-Amz-Date, or "".
std::string AmzDateFromHttpDate(const std::string& value) {
  tm t{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &t);
  if (end == nullptr || *end != '\0' || !InClockRange(t)) return "";
  return FormatAmzDate(system_clock::from_time_t(timegm(&t)));
}

const std::string* QueryParam(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.query) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::variant<ParsedAuth, AuthError> ParseHeaderAuth(const Request& request, const std::string& header) {
  ParsedAuth auth;
  std::string_view text = Trim(header);
  size_t space = text.find(' ');
  std::string_view algorithm = text.substr(0, space);
  if (algorithm != kAlgorithm) {
    if (algorithm.rfind("AWS4-", 0) == 0)
      return Incomplete("Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'.");
  }
  std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  if (algorithm == kAlgorithm) {
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view part = Trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "Credential") credential = value;
      if (key == "SignedHeaders") signed_headers = value;
      if (key == "Signature") signature = value;
    }
  }
  const std::string* amz_date = request.Header("x-amz-date");
  const std::string* date = request.Header("date");
  std::string problems;
  if (!credential) problems += "Authorization header requires 'Credential' parameter. ";
  if (!signature) problems += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) problems += "Authorization header requires 'SignedHeaders' parameter. ";
  if (amz_date == nullptr && date == nullptr) {
    problems += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!problems.empty()) return Incomplete(problems + "Authorization=" + header);
  if (auto error = ParseCredential(*credential, &auth.info)) return Incomplete(*error);
  auth.signed_headers = std::string(*signed_headers);
  auth.signature = std::string(*signature);
  if (amz_date != nullptr) {
    auth.amz_date = *amz_date;
    if (!ParseAmzDate(auth.amz_date)) {
      return Incomplete("X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z', not '" + *amz_date +
                        "'.");
    }
  } else {
    auth.amz_date = AmzDateFromHttpDate(*date);
    if (auth.amz_date.empty()) return Incomplete("Date header is not an RFC 1123 date: '" + *date + "'.");
  }
  return auth;
}

std::variant<ParsedAuth, AuthError> ParsePresigned(const Request& request, const std::string& algorithm) {
  ParsedAuth auth;
  auth.presigned = true;
  if (algorithm != kAlgorithm) {
    return BadQuery("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", not \"" + algorithm + "\".");
  }
  const std::string* credential = QueryParam(request, "X-Amz-Credential");
  const std::string* date = QueryParam(request, "X-Amz-Date");
  const std::string* signed_headers = QueryParam(request, "X-Amz-SignedHeaders");
  const std::string* signature = QueryParam(request, "X-Amz-Signature");
  const std::string* expires = QueryParam(request, "X-Amz-Expires");
  if (!credential || !date || !signed_headers || !signature) {
    return BadQuery(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (auto error = ParseCredential(*credential, &auth.info)) return BadQuery(*error);
  if (!ParseAmzDate(*date)) return BadQuery("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
  auth.amz_date = *date;
  auth.expires = kMaxPresignedExpires;
  if (expires != nullptr) {
    if (!AllDigits(*expires) || expires->size() > 7 || std::stol(*expires) > kMaxPresignedExpires) {
      return BadQuery("X-Amz-Expires must be a number of seconds from 0 to 604800 (7 days), not '" + *expires + "'.");
    }
    auth.expires = std::stol(*expires);
  }
  auth.signed_headers = *signed_headers;
  auth.signature = *signature;
  return auth;
}

std::variant<ParsedAuth, AuthError> Parse(const Request& request) {
  if (const std::string* header = request.Header("authorization")) return ParseHeaderAuth(request, *header);
  if (const std::string* algorithm = QueryParam(request, "X-Amz-Algorithm")) return ParsePresigned(request, *algorithm);
  return AuthError{"MissingAuthenticationTokenException", "Missing Authentication Token", 400};
}

std::string TimeOffMessage(system_clock::time_point request_time, system_clock::time_point now) {
  if (request_time < now) {
    return "Signature expired: " + FormatAmzDate(request_time) + " is now earlier than " +
           FormatAmzDate(now - kClockSkew) + " (" + FormatAmzDate(now) + " - 15 min.)";
  }
  return "Signature not yet current: " + FormatAmzDate(request_time) + " is still later than " +
         FormatAmzDate(now + kClockSkew) + " (" + FormatAmzDate(now) + " + 15 min.)";
}

}  // namespace

std::variant<AuthInfo, AuthError> ParseAuthorization(const Request& request) {
  auto parsed = Parse(request);
  if (auto* error = std::get_if<AuthError>(&parsed)) return std::move(*error);
  return std::get<ParsedAuth>(std::move(parsed)).info;
}

std::optional<AuthError> VerifySignature(const Request& request, const CredentialStore& store,
                                         system_clock::time_point now) {
  auto parsed = Parse(request);
  if (auto* error = std::get_if<AuthError>(&parsed)) return std::move(*error);
  const ParsedAuth& auth = std::get<ParsedAuth>(parsed);
  auto secret = store.secrets.find(auth.info.access_key_id);
  if (secret == store.secrets.end()) {
    return AuthError{"UnrecognizedClientException", "The security token included in the request is invalid.", 400};
  }
  system_clock::time_point request_time = *ParseAmzDate(auth.amz_date);
  if (auth.presigned) {
    if (request_time > now + kClockSkew)
      return AuthError{"InvalidSignatureException", TimeOffMessage(request_time, now), 400};
    if (now > request_time + std::chrono::seconds(auth.expires))
      return AuthError{"AccessDenied", "Request has expired", 403};
  } else if (request_time < now - kClockSkew || request_time > now + kClockSkew) {
    return AuthError{"InvalidSignatureException", TimeOffMessage(request_time, now), 400};
  }
  if (auth.amz_date.compare(0, 8, auth.info.date) != 0) {
    return AuthError{"InvalidSignatureException",
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                         auth.info.date + "' != '" + auth.amz_date.substr(0, 8) + "', from '" + auth.amz_date + "'.",
                     400};
  }

  bool s3 = auth.info.service == "s3";
  std::string payload_hash;
  if (const std::string* declared = request.Header("x-amz-content-sha256")) {
    payload_hash = *declared;
    bool is_hash = declared->size() == 64 && std::all_of(declared->begin(), declared->end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
    // A streamed body (Request::read_body) is not here yet: its reader checks the hash as it reads.
    if (is_hash && !request.read_body && *declared != sigv4::Sha256Hex(request.body)) {
      return AuthError{"XAmzContentSHA256Mismatch",
                       "The provided 'x-amz-content-sha256' header does not match what was computed.", 400};
    }
  } else if (auth.presigned && s3) {
    payload_hash = "UNSIGNED-PAYLOAD";
  } else if (request.read_body) {
    return AuthError{"InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400};
  } else {
    payload_hash = sigv4::Sha256Hex(request.body);
  }

  std::string canonical_request =
      sigv4::CanonicalRequest(request.method, request.raw_target, request.headers, auth.signed_headers, payload_hash,
                              s3, auth.presigned ? "X-Amz-Signature" : "");
  std::string scope = auth.info.date + "/" + auth.info.region + "/" + auth.info.service + "/aws4_request";
  std::string string_to_sign = sigv4::StringToSign(auth.amz_date, scope, canonical_request);
  std::string key = sigv4::SigningKey(secret->second, auth.info.date, auth.info.region, auth.info.service);
  std::string expected = sigv4::HexEncode(sigv4::HmacSha256(key, string_to_sign));
  if (sigv4::ConstantTimeEquals(expected, auth.signature)) return std::nullopt;
  return AuthError{"InvalidSignatureException",
                   "The request signature we calculated does not match the signature you provided. Check your AWS "
                   "Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                   "The Canonical String for this request should have been\n'" +
                       canonical_request + "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n",
                   400};
}

Result<CredentialStore> LoadCredentialsFile(const std::string& path) {
  FRESHET_ASSIGN_OR_RETURN(IniSections sections, ReadIniFile(path));
  CredentialStore store;
  for (const auto& [profile, keys] : sections) {
    auto id = keys.find("aws_access_key_id");
    auto secret = keys.find("aws_secret_access_key");
    if (id == keys.end() && secret == keys.end()) continue;
    if (id == keys.end() || secret == keys.end() || id->second.empty() || secret->second.empty()) {
      return Status::InvalidArgument(path + ": profile [" + profile +
                                     "] needs both aws_access_key_id and aws_secret_access_key");
    }
    store.secrets[id->second] = secret->second;
  }
  if (store.secrets.empty())
    return Status::InvalidArgument(path + ": no aws_access_key_id / aws_secret_access_key in any profile");
  return store;
}

}  // namespace freshet::http
