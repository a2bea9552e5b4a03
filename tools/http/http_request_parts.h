// The library-independent parts of the HTTP server (http_server.cc): turning a request-target
// into a decoded path and query, the body-size check made from the headers, and the JSON error
// bodies the transport itself answers with. Separate so they are unit-tested and fuzzed without
// a socket.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/http/http_types.h"

namespace freshet::http {

// Decodes %XX escapes (an invalid escape is kept as written); "+" becomes a space when
// plus_is_space (query strings), never in paths.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// Splits "a=1&b=x%20y&c" into decoded pairs {a,1},{b,"x y"},{c,""}; empty parts are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

// A Request from what the HTTP library parsed. `target` is the request-target as sent;
// `headers` already have lower-case names.
Request MakeRequest(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
                    std::string body, std::string remote_address);

// Whether a request may have its body read, decided from the headers alone.
struct BodyCheck {
  bool ok = true;
  int status = 0;  // when !ok: 413 (over the limit) or 400
  std::string type;
  std::string message;
};
// `content_length` is the Content-Length header or nullptr. GET, HEAD and OPTIONS may not carry a
// body (the server does not read one, so it would be taken for the next request).
BodyCheck CheckBodyHeaders(std::string_view method, const std::string* content_length, bool has_transfer_encoding,
                           size_t max_body_bytes);
std::string BodyTooLargeMessage(size_t max_body_bytes);

// {"__type":TYPE,"message":MESSAGE}, AWS's JSON error shape.
std::string ErrorBody(std::string_view type, std::string_view message);
// The 500 answered when a Handler throws.
Response InternalErrorResponse(std::string_view what);

}  // namespace freshet::http
