// Server (tools/http/http_server.h) with streamed bodies (ServerOptions::stream_body): the Handler
// reads a body over max_body_bytes piece by piece, other requests keep the limit, and a Handler that
// answers without reading the body has the connection closed.
#include <gtest/gtest.h>

#include <atomic>

#include "tests/tools/http/raw_http.h"
#include "tools/http/http_server.h"

namespace freshet::http {
namespace {

using testing::RawConnection;
using testing::RawResponse;

// Streams requests under /s/; answers "<bytes> <pieces> <sum of bytes>" from what read_body gave,
// or, for /s/refuse, 400 without reading.
struct Counter {
  std::atomic<int> heads_with_body{0};
  std::atomic<size_t> largest_piece{0};

  ServerOptions Options() {
    ServerOptions options;
    options.port = 0;
    options.max_body_bytes = 1024;
    options.stream_body = [this](const Request& head) {
      if (!head.body.empty()) heads_with_body++;
      return head.path.rfind("/s/", 0) == 0;
    };
    return options;
  }

  Handler handler() {
    return [this](const Request& request) {
      Response response;
      if (!request.read_body) {
        response.body = "whole " + std::to_string(request.body.size());
        return response;
      }
      if (request.path == "/s/refuse") {
        response.status = 400;
        response.body = "refused";
        return response;
      }
      uint64_t bytes = 0, sum = 0;
      int pieces = 0;
      bool ok = request.read_body([&](std::string_view piece) {
        bytes += piece.size();
        pieces++;
        size_t largest = largest_piece.load();
        if (piece.size() > largest) largest_piece.store(piece.size());
        for (unsigned char c : piece) sum += c;
        return true;
      });
      EXPECT_FALSE(request.read_body([](std::string_view) { return true; }));  // at most once
      response.status = ok ? 200 : 500;
      response.body = std::to_string(bytes) + " " + std::to_string(pieces) + " " + std::to_string(sum);
      return response;
    };
  }
};

std::string Put(const std::string& path, const std::string& body) {
  return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HttpServerStreamTest, StreamedBodyOverTheLimitReachesTheHandlerInPieces) {
  Counter counter;
  auto server = Server::Start(counter.Options(), counter.handler());
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  std::string body(3 << 20, '\0');
  uint64_t sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>(i * 7 % 251);
    sum += static_cast<unsigned char>(body[i]);
  }
  ASSERT_TRUE(conn.Send(Put("/s/object", body)));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  const std::string prefix = std::to_string(body.size()) + " ";
  ASSERT_EQ(response.body.rfind(prefix, 0), 0u) << response.body;
  EXPECT_GT(std::stoi(response.body.substr(prefix.size())), 1);  // in pieces, not whole
  EXPECT_EQ(response.body.substr(response.body.rfind(' ') + 1), std::to_string(sum));
  EXPECT_LE(counter.largest_piece.load(), 1u << 20);
  EXPECT_EQ(counter.heads_with_body.load(), 0);  // the decision sees the headers only
  // The connection stays usable, and requests that are not streamed keep the limit.
  ASSERT_TRUE(conn.Send(Put("/p", "small")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.body, "whole 5");
  ASSERT_TRUE(conn.Send(Put("/p", std::string(2000, 'x'))));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 413);
}

TEST(HttpServerStreamTest, ChunkedStreamedBody) {
  Counter counter;
  auto server = Server::Start(counter.Options(), counter.handler());
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  ASSERT_TRUE(
      conn.Send("PUT /s/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\nhello\r\n1\r\n \r\n6\r\nchunks\r\n0\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.substr(0, 3), "12 ");
  ASSERT_TRUE(conn.Send(Put("/s/k", "again")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.body.substr(0, 2), "5 ");
}

TEST(HttpServerStreamTest, HandlerThatDoesNotReadTheBodyClosesTheConnection) {
  Counter counter;
  auto server = Server::Start(counter.Options(), counter.handler());
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  // Only the headers of a 100 MB body: the reply comes without the server waiting for it.
  ASSERT_TRUE(conn.Send("PUT /s/refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "refused");
  EXPECT_EQ(response.headers["connection"], "close");
  EXPECT_TRUE(conn.ClosedByPeer());
}

}  // namespace
}  // namespace freshet::http
