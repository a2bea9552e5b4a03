// The owner's socket: how other freshet processes reach the process that owns a data directory.
//
// The owner (`freshet serve`, or `consume --follow`) listens on the Unix domain socket
// <data dir>/freshet.sock, created with mode 0600 so only the directory's owner can connect.
// It carries exactly the AWS requests of the registry (no second request format), framed:
// each message is a u32 big-endian length, then that many bytes of JSON:
//   request  := {"target": "Kinesis_20131202.PutRecords", "body": {...AWS request...}}
//   reply    := {"status": 200, "body": {...AWS response...}}
//             | {"status": 400, "body": {"__type": "...", "message": "..."}}
// A frame longer than kMaxFrameBytes is refused from its length alone, before its body is read,
// and the connection is closed; so is a connection that sends garbage or stays silent for
// kIdleTimeoutSeconds. Each connection is served by its own thread, so a bad client never holds
// up the others; a connection's thread closes its descriptor when the client goes away, and
// finished threads are joined as new clients arrive, so descriptors and threads stay bounded by
// the number of connected clients.
//
// Thread-safety: OwnerServer's methods are called from one thread; OwnerEndpoint::Call from one
// thread at a time (one connection).
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tools/transport/endpoint.h"

namespace freshet::transport {

inline constexpr size_t kMaxFrameBytes = 8 << 20;  // a 5 MiB put batch, base64-encoded, fits
inline constexpr int kIdleTimeoutSeconds = 60;

std::string SocketPath(const std::string& data_dir);

class OwnerServer {
 public:
  // Listens on SocketPath(data_dir) and serves `dispatcher` (not owned; must outlive Stop()).
  // Errors: IOError if the socket cannot be created (e.g. the path is too long).
  static Result<std::unique_ptr<OwnerServer>> Start(const std::string& data_dir,
                                                    const protocol::Dispatcher* dispatcher);
  ~OwnerServer();  // calls Stop()

  // Stops accepting, removes the socket, lets in-flight requests finish, closes connections.
  void Stop();
  // Connections currently open (for tests of descriptor use).
  size_t open_connections();

 private:
  struct Connection {
    int fd = -1;  // -1 once its thread closed it
    std::thread thread;
  };
  OwnerServer(std::string path, int listen_fd, const protocol::Dispatcher* dispatcher);
  void AcceptLoop();
  void Serve(std::list<Connection>::iterator connection);
  void JoinFinished();

  const std::string path_;
  int listen_fd_;
  const protocol::Dispatcher* const dispatcher_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<Connection> connections_;  // guarded by mu_
  std::list<Connection> finished_;     // guarded by mu_: threads that ended, to join
};

class OwnerEndpoint : public Endpoint {
 public:
  // Connects to the owner of `data_dir`. NotFound if there is no live owner; a socket left by an
  // owner that died is removed.
  static Result<std::unique_ptr<OwnerEndpoint>> Connect(const std::string& data_dir);
  ~OwnerEndpoint() override;

  Reply Call(std::string_view target, const Json& request) override;

 private:
  explicit OwnerEndpoint(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace freshet::transport
