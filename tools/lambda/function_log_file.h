// FunctionLogFile: one function's log file (<data dir>/functions/<name>/log), appended to by every
// worker of the function and by FunctionRuntime's START / END / REPORT lines.
//
// Contract: logs are best effort; a file that cannot be opened or written (full disk) is skipped
// silently, never failing an invocation. Thread-safety: Write may be called from any thread; each
// call's text is appended whole (a mutex serializes writers).
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace freshet::lambda {

class FunctionLogFile {
 public:
  // Opens (creating it and its directories) `path` for appending.
  explicit FunctionLogFile(const std::string& path);
  ~FunctionLogFile();
  FunctionLogFile(const FunctionLogFile&) = delete;
  FunctionLogFile& operator=(const FunctionLogFile&) = delete;

  // Appends `text`.
  void Write(std::string_view text);

 private:
  std::mutex mu_;
  int fd_ = -1;
};

}  // namespace freshet::lambda
