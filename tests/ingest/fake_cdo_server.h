// Starts tests/ingest/fake_cdo_server.py (a local CDO API stand-in on 127.0.0.1) for one test.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

extern char** environ;

namespace freshet::ingest::test {

class FakeCdoServer {
 public:
  // Starts the server with `scenario` ("ok", "faults", "malformed", "bad-request"); waits for its port.
  explicit FakeCdoServer(const std::string& scenario, int page_size = 1000) {
    std::vector<std::string> args = {"python3",     SourceDir() + "/tests/ingest/fake_cdo_server.py",
                                     "--data",      BundledExport(),
                                     "--port-file", dir_.path() + "/port",
                                     "--log",       log_path(),
                                     "--dump",      dir_.path() + "/dump.json",
                                     "--scenario",  scenario,
                                     "--page-size", std::to_string(page_size)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 300 && pid_ > 0; ++i) {  // up to 30 s
      std::ifstream in(dir_.path() + "/port");
      if (in >> port_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~FakeCdoServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return port_ > 0; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return dir_.path() + "/requests.log"; }

  // The requests the server saw: {"t": seconds, "path": ..., "status": ...}.
  std::vector<nlohmann::json> Requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  // Every observation in the data set: [station, date, element, metric value text].
  nlohmann::json Dump() const {
    std::ifstream in(dir_.path() + "/dump.json");
    return nlohmann::json::parse(in);
  }

 private:
  freshet::test::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace freshet::ingest::test
