// FunctionLogFile (function_log_file.h).
#include "tools/lambda/function_log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace freshet::lambda {

FunctionLogFile::FunctionLogFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

FunctionLogFile::~FunctionLogFile() {
  if (fd_ >= 0) ::close(fd_);
}

void FunctionLogFile::Write(std::string_view text) {
  if (fd_ < 0) return;
  std::lock_guard lock(mu_);
  while (!text.empty()) {
    ssize_t n = ::write(fd_, text.data(), text.size());
    if (n <= 0) return;  // logs are best effort: a full disk must not fail invocations
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace freshet::lambda
