// Server (tools/http/http_server.h) on the wire: keep-alive, concurrency, the body limit, slow and
// idle clients, chunked bodies, routing of every method and path, and handler exceptions.
#include "tools/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/tools/http/raw_http.h"
#include "tools/http/http_client.h"

namespace freshet::http {
namespace {

using testing::RawConnection;
using testing::RawResponse;

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

std::unique_ptr<Server> StartOrDie(ServerOptions options, Handler handler) {
  options.port = 0;
  auto server = Server::Start(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(*server) : nullptr;
}

std::string Post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

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

TEST(HttpServerTest, HalfARequestIsDroppedAfterTheReadTimeout) {
  Echo echo;
  ServerOptions options;
  options.read_timeout_seconds = 1;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port(), /*read_timeout_seconds=*/20);
  ASSERT_TRUE(conn.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Le"));
  EXPECT_TRUE(conn.ClosedByPeer());  // within the 20 s the test waits, long before the idle timeout
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, TricklingHeadersAreDroppedAtTheHeaderDeadline) {
  // One byte every 200 ms never trips a per-read timeout of 1 s; the header deadline must.
  Echo echo;
  ServerOptions options;
  options.read_timeout_seconds = 1;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(40, 'a') + "\r\n\r\n";
  bool sent_all = true;
  for (char c : request) {
    if (!conn.Send(std::string(1, c))) {
      sent_all = false;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  RawResponse response;
  EXPECT_FALSE(sent_all && conn.Read(&response) && response.status == 200);
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, BodyThatStopsHalfWayIsDroppedAfterTheReadTimeout) {
  Echo echo;
  ServerOptions options;
  options.read_timeout_seconds = 1;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port(), 20);
  ASSERT_TRUE(conn.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part"));
  RawResponse response;
  // httplib answers 400 for the body it could not read, or just closes; either way no handler call.
  if (conn.Read(&response)) {
    EXPECT_EQ(response.status, 400);
  }
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_EQ(echo.calls.load(), 0);
}

TEST(HttpServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  Echo echo;
  ServerOptions options;
  options.idle_timeout_seconds = 1;
  auto server = StartOrDie(options, echo.handler());
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port(), 20);
  RawResponse response;
  ASSERT_TRUE(conn.Send(Post("x")));
  ASSERT_TRUE(conn.Read(&response));
  EXPECT_TRUE(conn.ClosedByPeer());
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
