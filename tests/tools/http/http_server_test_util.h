// Helpers of the HTTP server tests (http_server_test.cc, http_server_timeouts_test.cc,
// http_server_routing_test.cc): an echoing handler that counts its calls, a server on an ephemeral
// loopback port, and a raw POST request.
//
// Thread-safety: Echo's handler may be called from the server's threads; `last` is guarded by `mu`.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "tools/http/http_server.h"

namespace freshet::http::testing {

// Echoes what it was given, and counts calls.
struct Echo {
  std::atomic<int> calls{0};
  std::mutex mu;
  Request last;

  Handler handler() {
    return [this](const Request& request) {
      calls++;
      {
        std::lock_guard<std::mutex> lock(mu);
        last = request;
      }
      Response response;
      response.content_type = "application/octet-stream";
      response.headers.emplace_back("x-method", request.method);
      response.body = request.body;
      return response;
    };
  }
};

// A server on 127.0.0.1 and a free port, or nullptr (and a test failure) if it cannot start.
inline std::unique_ptr<Server> StartOrDie(ServerOptions options, Handler handler) {
  options.port = 0;
  auto server = Server::Start(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(*server) : nullptr;
}

// A raw HTTP/1.1 POST of `body` to /p, with `extra_headers` ("Name: value\r\n" each).
inline std::string Post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

}  // namespace freshet::http::testing
