// Fuzzes the parsing a network client reaches in freshet_http (tools/http/): SigV4
// (ParseAuthorization, VerifySignature, the canonical forms), the request-target and body-header
// checks of the server, and CBOR decoding. Nothing may crash, throw, hang or leak, and:
// - a CBOR body that decodes re-encodes (JsonToCbor) to bytes that decode to the same JSON;
// - a decoded JSON value always dumps (its text strings are UTF-8).
//
// Input: the first byte picks the path; the rest is
//   even: an HTTP request as text: "METHOD TARGET\n", header lines "Name: value\n", an empty line,
//         then the body. Verified against one known key (AKIDEXAMPLE, AWS's test-suite secret) at
//         the time of AWS's test suite (20150830T123600Z), so seeds signed then reach the
//         signature comparison.
//   odd:  a CBOR body.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "tools/http/cbor.h"
#include "tools/http/http_request_parts.h"
#include "tools/http/sigv4.h"

namespace freshet::http {
namespace {

std::chrono::system_clock::time_point TestSuiteTime() {
  tm t{};
  t.tm_year = 2015 - 1900;
  t.tm_mon = 7;
  t.tm_mday = 30;
  t.tm_hour = 12;
  t.tm_min = 36;
  return std::chrono::system_clock::from_time_t(timegm(&t));
}

std::string_view NextLine(std::string_view& text) {
  size_t newline = text.find('\n');
  std::string_view line = text.substr(0, newline);
  text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void FuzzRequest(std::string_view text) {
  std::string_view request_line = NextLine(text);
  size_t space = request_line.find(' ');
  std::string method(request_line.substr(0, space));
  std::string target(space == std::string_view::npos ? std::string_view() : request_line.substr(space + 1));
  std::vector<std::pair<std::string, std::string>> headers;
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(std::move(name), std::string(value));
  }
  Request request = MakeRequest(method, target, std::move(headers), std::string(text), "127.0.0.1");
  const std::string* content_length = request.Header("content-length");
  (void)CheckBodyHeaders(request.method, content_length, request.Header("transfer-encoding") != nullptr, 1 << 20);

  static const CredentialStore store{{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}}};
  static const auto now = TestSuiteTime();
  auto parsed = ParseAuthorization(request);
  auto error = VerifySignature(request, store, now);
  // A request ParseAuthorization refuses cannot verify.
  if (std::holds_alternative<AuthError>(parsed) && !error) abort();
}

void FuzzCbor(std::string_view bytes) {
  auto decoded = CborToJson(bytes);
  if (!decoded.ok()) return;
  std::string text = decoded->dump();  // throws (and so fails the run) on a non-UTF-8 string
  std::string encoded = JsonToCbor(*decoded, {"Data"}, {"Timestamp"});
  auto again = CborToJson(encoded);
  if (!again.ok() || *again != *decoded) abort();
}

}  // namespace
}  // namespace freshet::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    freshet::http::FuzzRequest(rest);
  } else {
    freshet::http::FuzzCbor(rest);
  }
  return 0;
}
