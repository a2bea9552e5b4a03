// Worker (see worker.h).
#include "tools/lambda/worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/http/http_server.h"
#include "tools/http/http_types.h"

namespace freshet::lambda {
namespace {

using Json = nlohmann::json;
constexpr std::string_view kNext = "/2018-06-01/runtime/invocation/next";
constexpr std::string_view kInvocation = "/2018-06-01/runtime/invocation/";
constexpr std::string_view kInitError = "/2018-06-01/runtime/init/error";

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

// The error body a worker posted, as Lambda passes it on: JSON as sent, anything else wrapped.
std::string ErrorPayload(const http::Request& request) {
  if (Json::accept(request.body)) return request.body;
  const std::string* type = request.Header("lambda-runtime-function-error-type");
  return Json{{"errorMessage", request.body}, {"errorType", type ? *type : std::string("Unhandled")}}.dump();
}

uint64_t MaxMemoryMb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) / 1024;
  }
  return 0;
}

}  // namespace

Result<std::unique_ptr<Worker>> Worker::Start(WorkerSpec spec) {
  if (spec.argv.empty()) return Status::InvalidArgument("worker: no program to run");
  std::unique_ptr<Worker> w(new Worker());
  w->spec_ = std::move(spec);
  w->notify_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->notify_fd_ < 0) return Status::IOError(std::string("worker: eventfd: ") + std::strerror(errno));
  http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.worker_threads = 3;
  options.idle_timeout_seconds = 3600;
  options.max_body_bytes = 6 << 20;  // Lambda's synchronous payload limit
  Worker* raw = w.get();
  FRESHET_ASSIGN_OR_RETURN(w->server_,
                           http::Server::Start(options, [raw](const http::Request& r) { return raw->Serve(r); }));
  std::vector<std::string> env = w->spec_.environment;
  env.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(w->server_->port()));

  // Everything the child needs is built before fork: after it only async-signal-safe calls.
  std::vector<char*> argv, envp;
  for (auto& a : w->spec_.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IOError(std::string("worker: pipe: ") + std::strerror(errno));
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const char* cwd = w->spec_.cwd.c_str();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    if (devnull >= 0) ::close(devnull);
    return Status::Internal(std::string("worker: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
      for (int fd = 3; fd < 4096; ++fd) ::close(fd);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir(cwd) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    static const char kMessage[] = "freshet: cannot execute the function's runtime\n";
    (void)!::write(2, kMessage, sizeof(kMessage) - 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so a kill right away reaches the group
  ::close(fds[1]);
  if (devnull >= 0) ::close(devnull);
  w->pid_ = pid;
  w->output_fd_ = fds[0];
  ::fcntl(w->output_fd_, F_SETFL, ::fcntl(w->output_fd_, F_GETFL) | O_NONBLOCK);
  return w;
}

Worker::~Worker() { Kill(); }

http::Response Worker::Serve(const http::Request& request) {
  std::string_view path = request.path;
  if (request.method == "GET" && path == kNext) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopping_ || (!request_id_.empty() && !handed_); });
    if (stopping_)
      return JsonResponse(500, R"({"errorMessage":"the worker is stopping","errorType":"ServiceException"})");
    handed_ = true;
    http::Response r = JsonResponse(200, event_);
    r.headers = {{"Lambda-Runtime-Aws-Request-Id", request_id_},
                 {"Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms_)},
                 {"Lambda-Runtime-Invoked-Function-Arn", spec_.function_arn},
                 {"Lambda-Runtime-Trace-Id", "Root=1-00000000-" + request_id_.substr(0, 8) + ";Sampled=0"}};
    return r;
  }
  if (request.method == "POST" && path.substr(0, kInvocation.size()) == kInvocation) {
    std::string_view rest = path.substr(kInvocation.size());
    size_t slash = rest.find('/');
    std::string_view id = rest.substr(0, slash);
    std::string_view what = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (what != "response" && what != "error") {
      return JsonResponse(404, R"({"errorMessage":"unknown runtime API path","errorType":"NotFound"})");
    }
    std::lock_guard lock(mu_);
    if (id.empty() || id != request_id_ || !handed_ || answer_) {
      return JsonResponse(400, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})");
    }
    if (what == "response") {
      FinishLocked(request.body, false);
    } else {
      FinishLocked(ErrorPayload(request), true);
    }
    return JsonResponse(202, R"({"status":"OK"})");
  }
  if (request.method == "POST" && path == kInitError) {
    std::lock_guard lock(mu_);
    dead_ = true;  // a runtime that failed to start is not used again
    if (!request_id_.empty() && !answer_) FinishLocked(ErrorPayload(request), true);
    return JsonResponse(202, R"({"status":"OK"})");
  }
  return JsonResponse(404, R"({"errorMessage":"unknown runtime API path","errorType":"NotFound"})");
}

void Worker::FinishLocked(std::string payload, bool function_error) {
  answer_.emplace(std::move(payload), function_error);
  uint64_t one = 1;
  (void)!::write(notify_fd_, &one, sizeof(one));
}

void Worker::DrainOutput(const std::function<void(std::string_view)>& sink) {
  if (output_fd_ < 0) return;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(output_fd_, buffer, sizeof(buffer));
    if (n > 0) {
      sink(std::string_view(buffer, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {  // every writer closed: the process is gone (or closed its output)
      ::close(output_fd_);
      output_fd_ = -1;
    }
    return;
  }
}

void Worker::Reap(int* exit_status) {
  if (pid_ <= 0) return;
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_.load()) *exit_status = status;
  pid_ = -1;
}

WorkerAnswer Worker::Run(const std::string& request_id, const std::string& payload, uint64_t timeout_ms,
                         const std::function<void(std::string_view)>& sink) {
  auto start = std::chrono::steady_clock::now();
  const uint64_t deadline = NowMs() + timeout_ms;
  {
    std::lock_guard lock(mu_);
    request_id_ = request_id;
    event_ = payload;
    deadline_ms_ = deadline;
    handed_ = false;
    answer_.reset();
  }
  cv_.notify_all();
  WorkerAnswer out;
  bool finished = false, timed_out = false, died = false;
  while (!finished) {
    uint64_t now = NowMs();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{notify_fd_, POLLIN, 0}, {output_fd_, POLLIN, 0}};
    int wait_ms = static_cast<int>(std::min<uint64_t>(deadline - now, output_fd_ < 0 ? 50 : 60000));
    int n = ::poll(fds, output_fd_ < 0 ? 1 : 2, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (output_fd_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) DrainOutput(sink);
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      (void)!::read(notify_fd_, &count, sizeof(count));
    }
    {
      std::lock_guard lock(mu_);
      if (answer_) {
        out.payload = std::move(answer_->first);
        out.function_error = answer_->second;
        finished = true;
        break;
      }
    }
    if (output_fd_ < 0) {  // output closed: see whether the process is gone
      int status = 0;
      if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_.load()) {
        pid_ = -1;
        died = true;
        std::string reason = WIFSIGNALED(status) ? "signal: " + std::string(strsignal(WTERMSIG(status)))
                                                 : "exit status " + std::to_string(WEXITSTATUS(status));
        out.payload =
            Json{{"errorType", "Runtime.ExitError"},
                 {"errorMessage", "RequestId: " + request_id + " Error: Runtime exited with error: " + reason}}
                .dump();
        out.function_error = true;
        sink("RequestId: " + request_id + " Error: Runtime exited with error: " + reason + "\n");
        break;
      }
    }
  }
  if (finished) DrainOutput(sink);
  if (timed_out) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(timeout_ms) / 1000.0);
    std::string message = "Task timed out after " + std::string(seconds) + " seconds";
    sink(request_id + " " + message + "\n");
    out.payload =
        Json{{"errorType", "Sandbox.Timedout"}, {"errorMessage", "RequestId: " + request_id + " Error: " + message}}
            .dump();
    out.function_error = true;
  }
  if (!timed_out && !died && pid_ > 0) out.max_memory_mb = MaxMemoryMb(pid_);
  out.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  {
    std::lock_guard lock(mu_);
    request_id_.clear();
    event_.clear();
    handed_ = false;
    answer_.reset();
    if (died || timed_out) dead_ = true;
  }
  if (timed_out || died) Kill();
  return out;
}

bool Worker::alive() {
  std::lock_guard lock(mu_);
  if (dead_ || pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;
  dead_ = true;
  return false;
}

void Worker::Terminate() {
  pid_t pid = pid_;
  if (pid > 0) ::kill(-pid, SIGKILL);
}

std::string Worker::request_id() const {
  std::lock_guard lock(mu_);
  return request_id_;
}

void Worker::Kill() {
  {
    std::lock_guard lock(mu_);
    dead_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_.load(), SIGKILL);
    int status = 0;
    Reap(&status);
  }
  if (server_) server_->Stop();
  if (output_fd_ >= 0) ::close(output_fd_);
  output_fd_ = -1;
  if (notify_fd_ >= 0) ::close(notify_fd_);
  notify_fd_ = -1;
}

}  // namespace freshet::lambda
