// Server (see http_server.h) on Debian's cpp-httplib: its request-line, header and chunked-body
// parsing and its thread pool, with this file's own connection loop around them. The loop (an
// override of httplib::Server::process_and_close_socket) owns keep-alive, the idle timeout and the
// header deadline, and can close a connection after a response (httplib 0.11 cannot: a 413
// answered from the headers would otherwise leave the unread body to be parsed as the next
// request). The library reads through ConnectionStream, a buffered socket stream whose every wait
// is bounded by poll().
//
// This is the only file that includes <httplib.h> (slow to compile).
#include "tools/http/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tools/http/http_request_parts.h"
#include "tools/http/httplib_parts.h"
#include "tools/http/socket_wait.h"

namespace freshet::http {
namespace {
using server_internal::LowerCaseHeaders;
using server_internal::SetJsonError;
using server_internal::WorkerPool;

constexpr size_t kMaxRequestsPerConnection = 100000;
constexpr int kStopPollMillis = 100;  // how often an idle connection looks at the stop flag
// An idle kept-alive connection gives its worker up after this long when accepted connections
// are waiting for one (clients reopen closed idle connections by themselves).
constexpr auto kYieldWhenBusyAfter = std::chrono::seconds(1);

// One accepted connection as httplib reads and writes it. Used by one worker thread at a time.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int fd, const ServerOptions& options)
      : fd_(fd),
        read_timeout_ms_(options.read_timeout_seconds * 1000),
        write_timeout_ms_(options.write_timeout_seconds * 1000) {}

  // A new request starts: its line and headers must be in within the read timeout.
  void BeginRequest() {
    header_deadline_ = Clock::now() + std::chrono::milliseconds(read_timeout_ms_);
    in_headers_ = true;
    close_after_response_ = false;
    handled_ = false;
  }
  void HeadersDone() { in_headers_ = false; }
  void CloseAfterResponse() { close_after_response_ = true; }
  bool close_after_response() const { return close_after_response_; }
  // Set when this file's code answered the request (the Handler, or a rejection from the headers).
  // A response httplib wrote on its own (malformed request line or headers, a body it could not
  // read, an unknown method) leaves the stream at an unknown position, so the connection closes.
  void MarkHandled() { handled_ = true; }
  bool handled() const { return handled_; }
  bool HasBufferedData() const { return begin_ < end_; }

  bool is_readable() const override {
    if (HasBufferedData()) return true;
    int timeout = read_timeout_ms_;
    if (in_headers_) timeout = std::min(timeout, MillisUntil(header_deadline_));
    return timeout > 0 && WaitFor(fd_, POLLIN, timeout);
  }
  bool is_writable() const override { return WaitFor(fd_, POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (!HasBufferedData()) {
      if (!is_readable()) return -1;
      if (size >= sizeof(buffer_)) return Receive(ptr, size);
      ssize_t n = Receive(buffer_, sizeof(buffer_));
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    for (;;) {
      ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
      if (n >= 0 || errno != EINTR) return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = SocketAddressString(addr, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = SocketAddressString(addr, &port);
  }
  socket_t socket() const override { return fd_; }

 private:
  ssize_t Receive(char* ptr, size_t size) {
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, 0);
      if (n >= 0 || errno != EINTR) return n;
    }
  }

  int fd_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  Clock::time_point header_deadline_{};
  bool in_headers_ = false;
  bool close_after_response_ = false;
  bool handled_ = false;
  char buffer_[16 * 1024];
  size_t begin_ = 0;
  size_t end_ = 0;
};

// The connection the calling worker thread is serving (handlers reach it through this).
thread_local ConnectionStream* current_connection = nullptr;

void CloseCurrentConnectionAfterResponse() {
  if (current_connection != nullptr) current_connection->CloseAfterResponse();
}

void MarkCurrentRequestHandled() {
  if (current_connection != nullptr) current_connection->MarkHandled();
}

}  // namespace

class Server::Impl final : public httplib::Server {
 public:
  Impl(ServerOptions options, http::Handler handler) : options_(std::move(options)), handler_(std::move(handler)) {
    size_t workers = static_cast<size_t>(options_.worker_threads);
    new_task_queue = [this, workers] {
      auto* pool = new WorkerPool(workers);  // owned and shut down by httplib's listen loop
      pool_.store(pool);
      return pool;
    };
    set_keep_alive_max_count(kMaxRequestsPerConnection);
    set_keep_alive_timeout(options_.idle_timeout_seconds);
    set_read_timeout(options_.read_timeout_seconds);
    set_write_timeout(options_.write_timeout_seconds);
    // httplib's own limit would refuse a streamed body; the limits are this file's (CheckHeaders,
    // ReadBodyAndServe) and the Handler's for streamed bodies.
    set_payload_max_length(options_.stream_body ? std::numeric_limits<size_t>::max() : options_.max_body_bytes);
    set_tcp_nodelay(true);
    // Not httplib's default, which adds SO_REUSEPORT: that would let a second server bind the same
    // port and silently take half of the connections.
    set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });

    set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (current_connection != nullptr) current_connection->HeadersDone();
      if (!CheckHeaders(req, res)) return HandlerResponse::Handled;
      // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3), but
      // httplib 0.11 would read a POST/PUT/DELETE body until the peer closes: serve it here.
      if (!req.has_header("Transfer-Encoding") && req.get_header_value("Content-Length", 0).empty()) {
        Serve(req, {}, res);
        return HandlerResponse::Handled;
      }
      return HandlerResponse::Unhandled;
    });
    set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (current_connection != nullptr) current_connection->HeadersDone();
      return CheckHeaders(req, res) ? 100 : res.status;
    });
    auto without_body = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, {}, res); };
    auto with_body = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      ReadBodyAndServe(req, reader, res);
    };
    Get(".*", without_body);  // also HEAD
    Options(".*", without_body);
    Post(".*", with_body);
    Put(".*", with_body);
    Patch(".*", with_body);
    Delete(".*", with_body);
  }

  int port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> listen_returned{false};
  std::thread listener;

 private:
  // True when the request may proceed; otherwise fills `res` with the rejection and marks the
  // connection to close (its body, if any, is never read).
  bool CheckHeaders(const httplib::Request& req, httplib::Response& res) {
    std::string content_length = req.get_header_value("Content-Length");
    const size_t limit = Streamed(req) ? std::numeric_limits<size_t>::max() : options_.max_body_bytes;
    BodyCheck check = CheckBodyHeaders(req.method, req.has_header("Content-Length") ? &content_length : nullptr,
                                       req.has_header("Transfer-Encoding"), limit);
    if (check.ok) return true;
    MarkCurrentRequestHandled();
    CloseCurrentConnectionAfterResponse();
    SetJsonError(res, check.status, check.type, check.message);
    res.set_header("Connection", "close");
    return false;
  }

  // Whether options_.stream_body picks this request (its body is then the Handler's to read).
  bool Streamed(const httplib::Request& req) const {
    if (!options_.stream_body) return false;
    return options_.stream_body(
        MakeRequest(req.method, req.target, LowerCaseHeaders(req.headers), {}, req.remote_addr));
  }

  void ReadBodyAndServe(const httplib::Request& req, const httplib::ContentReader& reader, httplib::Response& res) {
    if (Streamed(req)) {
      bool called = false, body_read = false;
      auto read_body = [&reader, &called, &body_read](const Request::BodySink& sink) {
        if (called) return false;
        called = true;
        body_read = reader([&sink](const char* data, size_t length) { return sink(std::string_view(data, length)); });
        return body_read;
      };
      Serve(req, {}, res, read_body);
      // The Handler answered without the whole body (an error from the headers, a refused body):
      // what is left of it must not be taken for the next request.
      if (!body_read) {
        CloseCurrentConnectionAfterResponse();
        res.set_header("Connection", "close");
      }
      return;
    }
    std::string body;
    // Content-Length was checked against the limit from the headers (CheckHeaders).
    body.reserve(std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10));
    bool too_large = false;
    bool read = reader([&](const char* data, size_t length) {
      if (length > options_.max_body_bytes - body.size()) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    if (too_large || !read) {
      MarkCurrentRequestHandled();
      CloseCurrentConnectionAfterResponse();
      res.set_header("Connection", "close");
      if (too_large) {
        SetJsonError(res, 413, "RequestEntityTooLargeException", BodyTooLargeMessage(options_.max_body_bytes));
      } else {
        SetJsonError(res, 400, "SerializationException", "the request body could not be read");
      }
      return;
    }
    Serve(req, std::move(body), res);
  }

  void Serve(const httplib::Request& req, std::string body, httplib::Response& res,
             std::function<bool(const Request::BodySink&)> read_body = nullptr) {
    MarkCurrentRequestHandled();
    // A Range header is the handler's to apply (S3's GetObject answers 206 with the range it read);
    // httplib would otherwise cut every response body, errors included, by the request's range a
    // second time. The request object is httplib's own non-const local, so clearing is defined.
    const_cast<httplib::Request&>(req).ranges.clear();
    Request request =
        MakeRequest(req.method, req.target, LowerCaseHeaders(req.headers), std::move(body), req.remote_addr);
    request.read_body = std::move(read_body);
    Response response;
    try {
      response = handler_(request);
    } catch (const std::exception& e) {
      response = InternalErrorResponse(e.what());
    } catch (...) {
      response = InternalErrorResponse("unknown exception");
    }
    res.status = response.status;
    for (auto& [name, value] : response.headers) res.set_header(name, value);
    if (response.body_reader) {
      static constexpr size_t kPiece = 1 << 20;
      res.set_content_provider(response.body_length,
                               response.content_type.empty() ? "application/octet-stream" : response.content_type,
                               // One buffer for every piece of the body (a string per piece would be 1 MiB allocated
                               // and freed each time, which ASan's quarantine, for one, keeps).
                               [reader = std::move(response.body_reader), piece = std::string()](
                                   size_t offset, size_t length, httplib::DataSink& sink) mutable {
                                 if (!reader(offset, std::min(length, kPiece), &piece) || piece.empty()) return false;
                                 return sink.write(piece.data(), piece.size());
                               });
      return;
    }
    if (!response.content_type.empty()) {
      // What set_content does, without its copy of the body (httplib 0.11 has no move overload).
      res.headers.erase("Content-Type");
      res.set_header("Content-Type", response.content_type);
    }
    res.body = std::move(response.body);
  }

  // Serves one connection until it closes, idles out, misses a deadline or the server stops.
  bool process_and_close_socket(socket_t sock) override {
    int on = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    ConnectionStream stream(sock, options_);
    current_connection = &stream;
    for (size_t served = 0; served < kMaxRequestsPerConnection && WaitForRequest(stream); served++) {
      stream.BeginRequest();
      bool connection_closed = false;
      bool ok = process_request(stream, /*close_connection=*/false, connection_closed, nullptr);
      if (!ok || connection_closed || stream.close_after_response() || !stream.handled()) break;
    }
    current_connection = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return true;
  }

  // Waits for the next request's first byte: false on idle timeout, on Stop, or when connections
  // are waiting for a worker and this one has been idle for kYieldWhenBusyAfter.
  bool WaitForRequest(const ConnectionStream& stream) {
    if (stream.HasBufferedData()) return !stopping.load();
    auto start = Clock::now();
    auto deadline = start + std::chrono::seconds(options_.idle_timeout_seconds);
    while (!stopping.load()) {
      int left = MillisUntil(deadline);
      if (left == 0) return false;
      if (WaitFor(stream.socket(), POLLIN, std::min(left, kStopPollMillis))) return true;
      WorkerPool* pool = pool_.load();
      if (pool != nullptr && pool->waiting() > 0 && Clock::now() - start >= kYieldWhenBusyAfter) return false;
    }
    return false;
  }

  ServerOptions options_;
  http::Handler handler_;                   // (Handler alone would name httplib::Server::Handler here)
  std::atomic<WorkerPool*> pool_{nullptr};  // set when listening starts; lives as long as the loops
};

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  std::string where = options.address + ":" + std::to_string(options.port);
  if (options.port < 0 || options.port > 65535) return Status::InvalidArgument("HTTP port out of range: " + where);
  if (options.worker_threads < 1 || options.idle_timeout_seconds < 1 || options.read_timeout_seconds < 1 ||
      options.write_timeout_seconds < 1) {
    return Status::InvalidArgument("HTTP server: worker_threads and every timeout must be at least 1");
  }
  if (!handler) return Status::InvalidArgument("HTTP server: no handler");
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  errno = 0;
  if (options.port == 0) {
    impl->port = impl->bind_to_any_port(options.address);
    if (impl->port <= 0) impl->port = 0;
  } else if (impl->bind_to_port(options.address, options.port)) {
    impl->port = options.port;
  }
  if (impl->port == 0) {
    int err = errno;
    return Status::IOError("cannot listen on " + where + (err != 0 ? std::string(": ") + std::strerror(err) : "") +
                           " (address in use, or not an address of this machine)");
  }
  Impl* raw = impl.get();
  impl->listener = std::thread([raw] {
    raw->listen_after_bind();
    raw->listen_returned.store(true);
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

void Server::Stop() {
  if (!impl_->listener.joinable()) return;
  impl_->stopping.store(true);
  // httplib's stop() does nothing until the listener thread has marked itself running, so repeat
  // it until the listener has returned (it then shuts its worker pool down, which waits for the
  // connection loops to see the stop flag).
  while (!impl_->listen_returned.load()) {
    impl_->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->listener.join();
}

}  // namespace freshet::http
