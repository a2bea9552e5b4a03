// The HTTP/1.1 server of `freshet serve --http`: every request, whatever its method and path, goes
// to one Handler (the AWS protocol layer routes by X-Amz-Target and path itself).
//
// Transport rules (docs/http.md):
// - Keep-alive: a connection serves requests until the client closes it, sends
//   "Connection: close", or stays idle for idle_timeout_seconds.
// - Bounded workers: worker_threads threads each serve one connection at a time; connections
//   accepted while all are busy wait until a worker is free. An idle kept-alive connection holds
//   its worker until the idle timeout, except that while connections are waiting, one idle for a
//   second is closed to make way (clients reopen closed idle connections by themselves).
// - Body limit: a Content-Length over max_body_bytes is answered 413 from the headers, without
//   reading the body, and the connection is closed (so is "Expect: 100-continue"); a chunked
//   body is cut off with 413 as soon as it passes the limit.
// - Slow clients: the request line and headers must arrive within read_timeout_seconds of the
//   request's first byte; while a body is read, and while a response is written, each read or
//   write may wait at most read_timeout_seconds / write_timeout_seconds. A client that misses a
//   deadline has its connection closed.
// - A Handler that throws is answered 500 with a JSON InternalFailure body.
//
// Thread-safety: Start, port and Stop may be called from any thread; Stop is idempotent and
// also run by the destructor. The Handler is called concurrently from the worker threads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "storage/status.h"
#include "tools/http/http_types.h"

namespace freshet::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  int port = 4566;  // 0 = pick a free port (see Server::port)
  size_t max_body_bytes = 16 << 20;
  // Whether a request's body is streamed to the Handler (Request::read_body) rather than read whole
  // into Request::body, decided from its method, target and headers alone (`head` has no body).
  // Called concurrently from the worker threads. Unset: no request is streamed.
  std::function<bool(const Request& head)> stream_body;
  int worker_threads = 16;
  int idle_timeout_seconds = 60;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
};

class Server {
 public:
  // Binds and listens on options.address:options.port before returning (a client may connect
  // right away), then serves on background threads until Stop. Errors: IOError naming
  // address:port when the address cannot be bound; InvalidArgument for options out of range.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port listened on (the one picked when options.port was 0).
  int port() const;

  // Stops accepting, closes every connection once its current request is answered (idle ones at
  // once) and joins all threads. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshet::http
