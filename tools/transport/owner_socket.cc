#include "tools/transport/owner_socket.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace freshet::transport {
namespace {

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool WriteFrame(int fd, const std::string& body) {
  uint32_t n = static_cast<uint32_t>(body.size());
  char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                    static_cast<char>(n)};
  return WriteAll(fd, header, 4) && WriteAll(fd, body.data(), body.size());
}

enum class FrameResult { kOk, kClosed, kTooLarge };

FrameResult ReadFrame(int fd, std::string* body) {
  unsigned char header[4];
  if (!ReadAll(fd, reinterpret_cast<char*>(header), 4)) return FrameResult::kClosed;
  uint32_t n = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) | header[3];
  if (n > kMaxFrameBytes) return FrameResult::kTooLarge;
  body->resize(n);
  return ReadAll(fd, body->data(), n) ? FrameResult::kOk : FrameResult::kClosed;
}

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("socket path " + path + " is too long for a Unix socket (" +
                                   std::to_string(sizeof(addr.sun_path) - 1) + " bytes at most)");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

std::string ReplyFrame(const Reply& reply) {
  return "{\"status\":" + std::to_string(reply.http_status) + ",\"body\":" + reply.Text() + "}";
}

std::string ErrorFrame(const std::string& type, const std::string& message) {
  return ReplyFrame(protocol::ErrorReply(protocol::AwsError::Client(type, message)));
}

}  // namespace

std::string SocketPath(const std::string& data_dir) { return data_dir + "/freshet.sock"; }

Result<std::unique_ptr<OwnerServer>> OwnerServer::Start(const std::string& data_dir,
                                                        const protocol::Dispatcher* dispatcher) {
  const std::string path = SocketPath(data_dir);
  // Bound and listening under a temporary name first, then renamed into place, so a client never
  // finds a socket that refuses connections (and takes it for a dead owner's).
  const std::string temp = data_dir + "/.freshet.sock." + std::to_string(getpid());
  FRESHET_RETURN_IF_ERROR(Address(path).status());
  FRESHET_ASSIGN_OR_RETURN(sockaddr_un addr, Address(temp));
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("cannot create a socket: " + std::string(std::strerror(errno)));
  unlink(temp.c_str());
  mode_t old_mask = umask(0177);  // the socket is created 0600: only the directory's owner connects
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old_mask);
  // We hold the data directory's lock, so a socket already at `path` was left by a dead owner.
  if (rc != 0 || listen(fd, 64) != 0 || rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    return Status::IOError("cannot listen on " + path + ": " + why);
  }
  std::unique_ptr<OwnerServer> server(new OwnerServer(path, fd, dispatcher));
  server->accept_thread_ = std::thread(&OwnerServer::AcceptLoop, server.get());
  return server;
}

OwnerServer::OwnerServer(std::string path, int listen_fd, const protocol::Dispatcher* dispatcher)
    : path_(std::move(path)), listen_fd_(listen_fd), dispatcher_(dispatcher) {}

OwnerServer::~OwnerServer() { Stop(); }

void OwnerServer::Stop() {
  if (stopping_.exchange(true)) return;
  unlink(path_.c_str());
  shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    // Requests in flight finish (their threads are mid-Dispatch); idle connections are woken.
    for (auto& c : connections_) {
      if (c.fd >= 0) shutdown(c.fd, SHUT_RD);
    }
  }
  for (;;) {
    std::thread t;
    {
      std::lock_guard lock(mu_);
      if (connections_.empty()) break;
      // Each Serve moves its entry to finished_ as it ends; wait for them one at a time.
      t = std::move(connections_.front().thread);
      connections_.front().thread = std::thread();
    }
    if (t.joinable()) t.join();
  }
  JoinFinished();
}

size_t OwnerServer::open_connections() {
  std::lock_guard lock(mu_);
  return connections_.size();
}

void OwnerServer::JoinFinished() {
  std::list<Connection> finished;
  {
    std::lock_guard lock(mu_);
    finished.swap(finished_);
  }
  for (auto& c : finished) {
    if (c.thread.joinable()) c.thread.join();
  }
}

void OwnerServer::AcceptLoop() {
  while (!stopping_) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;  // the listening socket was shut down
    }
    timeval timeout{kIdleTimeoutSeconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    JoinFinished();
    std::lock_guard lock(mu_);
    if (stopping_) {
      close(fd);
      break;
    }
    auto it = connections_.insert(connections_.end(), Connection{fd, std::thread()});
    it->thread = std::thread(&OwnerServer::Serve, this, it);
  }
}

void OwnerServer::Serve(std::list<Connection>::iterator connection) {
  const int fd = connection->fd;
  std::string body;
  while (!stopping_) {
    FrameResult r = ReadFrame(fd, &body);
    if (r == FrameResult::kTooLarge) {
      WriteFrame(fd, ErrorFrame("SerializationException",
                                "request larger than " + std::to_string(kMaxFrameBytes) + " bytes refused"));
      break;
    }
    if (r != FrameResult::kOk) break;
    Json request = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object() || !request.contains("target") ||
        !request["target"].is_string()) {
      WriteFrame(fd, ErrorFrame("SerializationException", "malformed request frame"));
      break;
    }
    auto target = request["target"].get<std::string>();
    protocol::RequestContext context;
    context.raw_ok = true;
    Reply reply = dispatcher_->Dispatch(target, request.value("body", Json::object()), context);
    if (!WriteFrame(fd, ReplyFrame(reply))) break;
  }
  // The client is gone (or misbehaved): close the descriptor now, not at Stop(), and hand the
  // thread to whoever joins finished threads.
  std::lock_guard lock(mu_);
  close(fd);
  connection->fd = -1;
  finished_.splice(finished_.end(), connections_, connection);
}

Result<std::unique_ptr<OwnerEndpoint>> OwnerEndpoint::Connect(const std::string& data_dir) {
  const std::string path = SocketPath(data_dir);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::NotFound("no owner");
  const ino_t inode = st.st_ino;
  FRESHET_ASSIGN_OR_RETURN(sockaddr_un addr, Address(path));
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("cannot create a socket: " + std::string(std::strerror(errno)));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(fd);
    if (err == ECONNREFUSED) {
      // The owner died without removing it. Remove it unless a new owner has replaced it since.
      if (stat(path.c_str(), &st) == 0 && st.st_ino == inode) unlink(path.c_str());
      return Status::NotFound("no owner (removed a dead owner's socket)");
    }
    return Status::IOError("cannot connect to the owner at " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<OwnerEndpoint>(new OwnerEndpoint(fd));
}

OwnerEndpoint::~OwnerEndpoint() { close(fd_); }

Reply OwnerEndpoint::Call(std::string_view target, const Json& request) {
  std::string frame = Json{{"target", target}, {"body", request}}.dump();
  if (frame.size() > kMaxFrameBytes) {
    return protocol::ErrorReply(protocol::AwsError::Client(
        "SerializationException", "request of " + std::to_string(frame.size()) + " bytes is over the " +
                                      std::to_string(kMaxFrameBytes) + "-byte limit"));
  }
  std::string body;
  if (!WriteFrame(fd_, frame) || ReadFrame(fd_, &body) != FrameResult::kOk) {
    protocol::AwsError e =
        protocol::AwsError::Internal("the owner of the data directory closed the connection (did it stop?)");
    e.engine_code = Status::Code::kAborted;
    return protocol::ErrorReply(e);
  }
  Json reply = Json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object() || !reply.contains("status") || !reply["status"].is_number()) {
    return protocol::ErrorReply(protocol::AwsError::Internal("malformed reply from the owner"));
  }
  return Reply{reply["status"].get<int>(), reply.value("body", Json::object()), {}};
}

}  // namespace freshet::transport
