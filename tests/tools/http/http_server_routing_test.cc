// Server (tools/http/http_server.h) routing: every method and path reaches the handler, long paths,
// requests without Content-Length, and a GET with a body.
#include <gtest/gtest.h>

#include <vector>

#include "tests/tools/http/http_server_test_util.h"
#include "tests/tools/http/raw_http.h"
#include "tools/http/http_server.h"

namespace freshet::http {
namespace {

using testing::Echo;
using testing::RawConnection;
using testing::RawResponse;
using testing::StartOrDie;

TEST(HttpServerTest, EveryMethodAndPathReachesTheHandler) {
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  RawResponse response;
  for (std::string method : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    bool with_body = method != "GET" && method != "HEAD" && method != "OPTIONS";
    std::string body = with_body ? "b" : "";
    ASSERT_TRUE(conn.Send(method + " /a%20b/c%2Fd?x=1&y=two+words&z=%26&flag HTTP/1.1\r\nHost: x\r\n" +
                          "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
    ASSERT_TRUE(conn.Read(&response)) << method;  // (the echo's HEAD response is empty anyway)
    EXPECT_EQ(response.status, 200) << method;
    EXPECT_EQ(response.headers["x-method"], method);
    EXPECT_EQ(response.body, body);
    std::lock_guard<std::mutex> lock(echo.mu);
    EXPECT_EQ(echo.last.method, method);
    EXPECT_EQ(echo.last.path, "/a b/c/d");
    EXPECT_EQ(echo.last.raw_target, "/a%20b/c%2Fd?x=1&y=two+words&z=%26&flag");
    std::vector<std::pair<std::string, std::string>> query = {{"x", "1"}, {"y", "two words"}, {"z", "&"}, {"flag", ""}};
    EXPECT_EQ(echo.last.query, query);
    ASSERT_NE(echo.last.Header("x-amz-target"), nullptr);
    EXPECT_EQ(*echo.last.Header("x-amz-target"), "Kinesis_20131202.ListStreams");
    EXPECT_EQ(echo.last.Header("remote_addr"), nullptr);  // httplib's own additions are not passed on
    EXPECT_EQ(echo.last.Header("REMOTE_ADDR"), nullptr);
    EXPECT_EQ(echo.last.remote_address, "127.0.0.1");
  }
  EXPECT_EQ(echo.calls.load(), 7);
}

TEST(HttpServerTest, LongPathIsServedAndOverlongOneRefused) {
  // Routing matches the path against a regex: a long path must not exhaust the worker's stack.
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  RawResponse response;
  std::string path = "/" + std::string(8000, 'p');
  ASSERT_TRUE(conn.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  {
    std::lock_guard<std::mutex> lock(echo.mu);
    EXPECT_EQ(echo.last.path, path);
  }
  RawConnection conn2(server->port());
  ASSERT_TRUE(conn2.Send("GET /" + std::string(9000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn2.Read(&response));
  EXPECT_EQ(response.status, 414);
  EXPECT_TRUE(conn2.ClosedByPeer());
}

TEST(HttpServerTest, RequestsWithoutContentLengthHaveNoBody) {
  // botocore sends DELETE without Content-Length; the server must not wait for a body.
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port(), /*read_timeout_seconds=*/3);  // under the server's 10 s read timeout
  RawResponse response;
  for (std::string method : {"DELETE", "POST", "PUT", "GET", "HEAD"}) {
    ASSERT_TRUE(conn.Send(method + " /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(conn.Read(&response)) << method;
    EXPECT_EQ(response.status, 200) << method;
    EXPECT_EQ(response.headers["x-method"], method);
  }
  EXPECT_EQ(echo.calls.load(), 5);
}

TEST(HttpServerTest, GetWithABodyIsRefused) {
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 400);
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_EQ(echo.calls.load(), 0);
}

}  // namespace
}  // namespace freshet::http
