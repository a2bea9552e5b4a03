// The HTTP request and response freshet's AWS protocol layer sees, independent of the HTTP
// library underneath (tools/http/http_server.cc is the one file that includes <httplib.h>).
//
// A Request is what one HTTP request carried, decoded once by the server: the method, the
// percent-decoded path, the request-target exactly as sent (SigV4 signs that, not the decoded
// form), the decoded query parameters, the headers with lower-cased names, and the whole body
// (chunked transfer coding already removed), or for a request the server streams
// (ServerOptions::stream_body), a way to read the body as it arrives. A Handler turns a Request
// into a Response.
//
// Thread-safety: plain values. A Handler is called concurrently from the server's worker
// threads, one call per request, so whatever it shares must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace freshet::http {

struct Request {
  std::string method;  // "POST"
  // Percent-decoded path without the query: "/" or "/2015-03-31/functions/f/invocations".
  std::string path;
  // The request-target as sent (undecoded path + "?" + query), for SigV4.
  std::string raw_target;
  // Decoded query parameters ("+" and %XX decoded), in the order sent.
  std::vector<std::pair<std::string, std::string>> query;
  // Names lower-cased. Repeated headers keep the order they were sent in; distinct names are in
  // name order (the HTTP library keeps them in a sorted map), which SigV4 does not depend on.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address
  // Set (and `body` left empty) when the server streams this request's body: calls `sink` with
  // each piece of the body, in order, as it arrives (chunked transfer coding removed), and returns
  // true once the body has ended, false when it could not be read (client gone, timeout) or `sink`
  // returned false. Call at most once, from the Handler's thread, before the Handler returns. A
  // Handler that answers without reading the whole body has the connection closed after its reply.
  using BodySink = std::function<bool(std::string_view piece)>;
  std::function<bool(const BodySink& sink)> read_body;

  // First header with this lower-case name, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: none sent (with an empty body) or text/plain
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set instead of `body` for a body too large to hold at once (S3's GetObject of a large object):
  // the server sends body_length bytes, asking for them piece by piece as the connection takes
  // them. Called on the Handler's worker thread with an offset into the body and the most bytes
  // wanted; sets *piece to the bytes there (1 to `max` of them) and returns true, or returns false
  // when they cannot be read (the connection is then closed, and the client sees a short body).
  // Whatever it captures lives until the body is sent or the connection fails.
  using BodyReader = std::function<bool(uint64_t offset, size_t max, std::string* piece)>;
  BodyReader body_reader;
  uint64_t body_length = 0;  // with body_reader
};

// Called concurrently from worker threads. An exception it throws becomes a 500 response.
using Handler = std::function<Response(const Request&)>;

}  // namespace freshet::http
