// Small helpers for the benchmarks: timing, temp dirs, machine description.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

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

}  // namespace freshet::bench
