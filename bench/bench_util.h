// Small helpers for the benchmarks: timing, temp dirs, machine description, running the CLI.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace freshet::bench {

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// "2 cores, Intel(R) Xeon(R) ..." from /proc/cpuinfo.
inline std::string Machine() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return std::to_string(std::thread::hardware_concurrency()) + " cores, " + model;
}

// A fresh directory under $FRESHET_BENCH_DIR (default /tmp), removed on destruction.
class BenchDir {
 public:
  explicit BenchDir(const std::string& name) {
    const char* base = std::getenv("FRESHET_BENCH_DIR");
    path_ = std::string(base && *base ? base : "/tmp") + "/freshet-bench-" + name + "-" + std::to_string(::getpid());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// VmHWM (peak resident set) of a running process in kB, 0 if it cannot be read.
inline long VmHwmKb(pid_t pid, const std::string& exe) {
  // Before its exec the child still runs this program's copied memory: not counted.
  std::error_code ec;
  if (std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) != exe) return 0;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (!f) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb;
}

// Runs `bin args...` as a child with its stdout sent to /dev/null (stderr kept) and waits for it.
// True if it exited 0; then *cpu (if given) gets its user + system seconds and *max_rss_kb (if
// given) its peak resident set.
inline bool RunQuietly(const std::string& bin, const std::vector<std::string>& args, double* cpu = nullptr,
                       long* max_rss_kb = nullptr) {
  std::fflush(stdout);  // or the child would write our buffered output again
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string path = bin;
    argv.push_back(path.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  // The child's peak RSS is its own VmHWM, sampled every 10 ms until it exits: wait4's ru_maxrss
  // would report this (parent) process's RSS, which a forked child holds until its exec.
  int status = 0;
  struct rusage ru {};
  long peak_kb = 0;
  std::error_code ec;
  const std::string exe = std::filesystem::canonical(bin, ec).string();
  for (;;) {
    const pid_t done = wait4(pid, &status, WNOHANG, &ru);
    if (done == pid) break;
    if (done < 0) return false;
    if (max_rss_kb) peak_kb = std::max(peak_kb, VmHwmKb(pid, exe));
    usleep(10000);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return false;
  if (max_rss_kb) *max_rss_kb = peak_kb;
  if (cpu) {
    *cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return true;
}

}  // namespace freshet::bench
