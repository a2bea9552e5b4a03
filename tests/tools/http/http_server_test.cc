// Server (tools/http/http_server.h) on the wire: keep-alive, concurrency, the body limit, chunked
// bodies, handler exceptions, binding and stopping. Slow and idle clients are in
// http_server_timeouts_test.cc, methods and paths in http_server_routing_test.cc.
#include "tools/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/tools/http/http_server_test_util.h"
#include "tests/tools/http/raw_http.h"
#include "tools/http/http_client.h"

namespace freshet::http {
namespace {

using testing::Echo;
using testing::Post;
using testing::RawConnection;
using testing::RawResponse;
using testing::StartOrDie;

TEST(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.connected());
  RawResponse response;
  ASSERT_TRUE(conn.Send(Post("first")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "first");
  EXPECT_EQ(response.headers.count("connection") ? response.headers["connection"] : "", "");
  ASSERT_TRUE(conn.Send(Post("second")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "second");
  EXPECT_EQ(echo.calls.load(), 2);
}

TEST(HttpServerTest, ServesSixteenClientsAtOnce) {
  // Each handler call waits until all 16 clients are inside the handler at the same time (or 20 s
  // pass): only a server running 16 requests concurrently lets every one of them see 16.
  constexpr int kClients = 16;
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  std::atomic<int> saw_all{0};
  auto server = StartOrDie({}, [&](const Request& request) {
    std::unique_lock<std::mutex> lock(mu);
    inside++;
    cv.notify_all();
    if (cv.wait_for(lock, std::chrono::seconds(20), [&] { return inside >= kClients; })) saw_all++;
    Response response;
    response.body = request.body;
    return response;
  });
  ASSERT_NE(server, nullptr);
  std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < kClients; i++) {
    clients.emplace_back([&, i] {
      auto client = Client::Create(url, std::nullopt, "us-east-1");
      if (!client.ok()) return;
      std::string body = "client " + std::to_string(i);
      for (int round = 0; round < 3; round++) {
        auto response = (*client)->Send("POST", "/", {{"Content-Type", "text/plain"}}, body, "kinesis");
        if (response.ok() && response->status == 200 && response->body == body) ok++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * 3);
  EXPECT_EQ(saw_all.load(), kClients * 3);
}

TEST(HttpServerTest, IdleConnectionsMakeWayForWaitingOnes) {
  // Two workers, both holding an idle kept-alive connection, 60 s idle timeout: a third client
  // is served once an idle connection has waited a second, not after 60 s.
  Echo echo;
  ServerOptions options;
  options.worker_threads = 2;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection a(server->port()), b(server->port());
  RawResponse response;
  ASSERT_TRUE(a.Send(Post("a")));
  ASSERT_TRUE(a.Read(&response));
  ASSERT_TRUE(b.Send(Post("b")));
  ASSERT_TRUE(b.Read(&response));
  RawConnection c(server->port(), /*read_timeout_seconds=*/15);
  ASSERT_TRUE(c.Send(Post("c")));
  ASSERT_TRUE(c.Read(&response));
  EXPECT_EQ(response.body, "c");
  EXPECT_EQ(echo.calls.load(), 3);
}

TEST(HttpServerTest, OverLimitContentLengthIs413WithoutReadingTheBody) {
  Echo echo;
  ServerOptions options;
  options.max_body_bytes = 1024;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  // Headers only: the 100 MB body is never sent, so a server waiting for it would time out instead.
  ASSERT_TRUE(conn.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("RequestEntityTooLargeException"), std::string::npos) << response.body;
  EXPECT_EQ(response.headers["connection"], "close");
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, ExpectContinueOverLimitIs413BeforeTheBody) {
  Echo echo;
  ServerOptions options;
  options.max_body_bytes = 1024;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("PUT /bucket/key HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 413);
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, BodyAtTheLimitIsServed) {
  Echo echo;
  ServerOptions options;
  options.max_body_bytes = 1024;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send(Post(std::string(1024, 'x'))));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), 1024u);
}

TEST(HttpServerTest, ChunkedBodyIsDecoded) {
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(
      conn.Send("PUT /bucket/object HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\nhello\r\n1\r\n \r\n6\r\nchunks\r\n0\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello chunks");
  EXPECT_EQ(response.headers["x-method"], "PUT");
  // The connection stays usable after a chunked request.
  ASSERT_TRUE(conn.Send(Post("after")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.body, "after");
}

TEST(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  Echo echo;
  ServerOptions options;
  options.max_body_bytes = 8;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(
      conn.Send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 413);
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, HandlerExceptionIs500) {
  auto server = StartOrDie({}, [](const Request&) -> Response { throw std::runtime_error("boom"); });
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send(Post("x")));
  RawResponse response;
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find("\"__type\":\"InternalFailure\""), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("boom"), std::string::npos) << response.body;
  // The connection survives the handler's failure.
  ASSERT_TRUE(conn.Send(Post("y")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_EQ(response.status, 500);
}

TEST(HttpServerTest, BindFailureNamesTheAddress) {
  Echo echo;
  auto first = StartOrDie({}, echo.handler());
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.port = first->port();
  auto second = Server::Start(options, echo.handler());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kIOError);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(first->port())), std::string::npos)
      << second.status().ToString();
}

TEST(HttpServerTest, StopClosesIdleConnectionsAndIsIdempotent) {
  Echo echo;
  auto server = StartOrDie({}, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  RawResponse response;
  ASSERT_TRUE(conn.Send(Post("x")));
  ASSERT_TRUE(conn.Read(&response));
  server->Stop();  // must not wait for the 60 s idle timeout of `conn`
  EXPECT_TRUE(conn.ClosedByPeer());
  server->Stop();
}

}  // namespace
}  // namespace freshet::http
