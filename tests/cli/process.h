// Running the real freshet binary from tests: to completion (capturing its output) or in the
// background (to kill it). Output goes through temporary files, so a chatty child never blocks.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace freshet::test {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal if killed
  std::string out, err;
};

inline std::string FreshetBin() {
  const char* bin = std::getenv("FRESHET_BIN");
  return bin ? bin : "freshet";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts `freshet args...` with stdin from `stdin_path` (or /dev/null) and stdout/stderr into
// the given files. Returns the child's pid.
inline pid_t StartFreshet(const std::vector<std::string>& args, const std::string& stdin_path,
                          const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(stdin_path.empty() ? "/dev/null" : stdin_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::string bin = FreshetBin();
    std::vector<char*> argv{bin.data()};
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Runs `freshet args...` to completion, feeding it `input` on stdin.
inline ProcessResult RunFreshet(const std::vector<std::string>& args, const std::string& input = "") {
  TempDir io;
  std::string in_path = io.path() + "/in", out_path = io.path() + "/out", err_path = io.path() + "/err";
  std::ofstream(in_path, std::ios::binary) << input;
  ProcessResult r;
  r.exit_code = WaitExit(StartFreshet(args, in_path, out_path, err_path));
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

}  // namespace freshet::test
