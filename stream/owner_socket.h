// The owner's socket: how other freshet processes reach the process that owns a data directory.
//
// The owner (`freshet serve`, or `consume --follow`) listens on the Unix domain socket
// <data dir>/freshet.sock, created with mode 0600 so only the directory's owner can connect.
// Each message is a frame: u32 big-endian length, then that many bytes of JSON.
//   request  := {"op": NAME, "request": {...}}           (operations: see api.h)
//   response := {"ok": true, "response": {...}} | {"ok": false, "error": {"code":..., "message":...}}
// A frame longer than kMaxFrameBytes is refused from its length alone, before its body is read,
// and the connection is closed; so is a connection that sends garbage or stays silent for
// kIdleTimeoutSeconds. Each connection is served by its own thread, so a bad client never holds
// up the others, and concurrent puts from several clients share fsyncs (Db group commit).
//
// Thread-safety: OwnerServer's methods are called from one thread; OwnerClient::Call from one
// thread at a time (one connection).
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "stream/api.h"

namespace freshet::api {

inline constexpr size_t kMaxFrameBytes = 8 << 20;  // a 5 MiB put batch, base64-encoded, fits
inline constexpr int kIdleTimeoutSeconds = 60;

std::string SocketPath(const std::string& data_dir);

class OwnerServer {
 public:
  // Listens on SocketPath(data_dir) and serves `api` (not owned; must outlive Stop()).
  // Errors: IOError if the socket cannot be created (e.g. the path is too long).
  static Result<std::unique_ptr<OwnerServer>> Start(const std::string& data_dir, Api* api);
  ~OwnerServer();  // calls Stop()

  // Stops accepting, removes the socket, lets in-flight requests finish, closes connections.
  void Stop();

 private:
  OwnerServer(std::string path, int listen_fd, Api* api);
  void AcceptLoop();
  void Serve(int fd);

  const std::string path_;
  int listen_fd_;
  Api* const api_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<std::pair<int, std::thread>> connections_;  // guarded by mu_
};

class OwnerClient : public Api {
 public:
  // Connects to the owner of `data_dir`. NotFound if there is no live owner; a socket left by an
  // owner that died is removed.
  static Result<std::unique_ptr<OwnerClient>> Connect(const std::string& data_dir);
  ~OwnerClient() override;

  Result<Json> Call(std::string_view op, const Json& request) override;

 private:
  explicit OwnerClient(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace freshet::api
