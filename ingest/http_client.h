// HttpClient: HTTP(S) GET over libcurl, one connection kept alive between requests.
//
// Thread-safety: one thread per HttpClient (libcurl easy handles are not shared).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace freshet::ingest {

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string body;
};

class HttpClient {
 public:
  // `timeout_ms` bounds a whole request (connect + transfer).
  explicit HttpClient(long timeout_ms);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs `url` with extra `headers` ("name: value"). Any HTTP status is a response; IOError
  // ("GET <url>: <curl's reason>") only when no response arrived (DNS, connect, TLS, timeout).
  Result<HttpResponse> Get(const std::string& url, const std::vector<std::string>& headers);

  // Percent-encodes a query parameter value.
  static std::string Escape(const std::string& value);

 private:
  void* curl_;  // CURL*
  long timeout_ms_;
};

}  // namespace freshet::ingest
