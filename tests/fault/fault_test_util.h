// Shared setup for the fault suites: a Db and StreamLog on a FaultInjectionFs, iteration
// counts and seeds from the environment, and reading a whole shard back.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"
#include "tests/fault/fault_injection_fs.h"

namespace freshet::test {

// `base` scaled by FRESHET_FAULT_ITERATIONS / 100 (so FRESHET_FAULT_ITERATIONS=1000 runs ten
// times the default); at least 1.
inline int Iterations(int base) {
  const char* env = std::getenv("FRESHET_FAULT_ITERATIONS");
  if (!env || !*env) return base;
  long scaled = static_cast<long>(base) * std::atol(env) / 100;
  return scaled < 1 ? 1 : static_cast<int>(scaled);
}

// FRESHET_FAULT_SEED reproduces a run; otherwise a fixed seed per test, so CI is repeatable.
inline uint64_t Seed(uint64_t fallback) {
  const char* env = std::getenv("FRESHET_FAULT_SEED");
  return env && *env ? std::strtoull(env, nullptr, 10) : fallback;
}

// A Db (and a StreamLog over it) running on its own FaultInjectionFs. Members are destroyed
// in reverse order: the log, then the Db, then the env it runs on.
struct FaultDb {
  std::shared_ptr<FaultInjectionFs> fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = FaultInjectionFs::NewEnv(fs);
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;

  Status Open(const std::string& dir, bool sync) {
    storage::OpenOptions options;
    options.sync = sync;
    options.env = env.get();
    auto opened = storage::Db::Open(dir, options);
    if (!opened.ok()) return opened.status();
    db = std::move(opened.value());
    log = std::make_unique<stream::StreamLog>(db.get());
    return Status::OK();
  }
  void Close() {
    log.reset();
    db.reset();
  }
  // Power off, shut the database down (its writes fail), drop what was not durable.
  // With `torn_tails`, files keep a random part of their unsynced tails (see SimulatePowerCut).
  void CutPower(std::mt19937_64* torn_tails = nullptr) {
    fs->SetActive(false);
    Close();
    rocksdb::IOStatus s = fs->SimulatePowerCut(torn_tails);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
};

// Every record of the shard, from the trim horizon, in sequence order.
inline Result<std::vector<stream::Record>> ReadWholeShard(const storage::Db& db,
                                                          const stream::StreamDescription& stream, uint32_t shard) {
  std::vector<stream::Record> out;
  uint64_t from = 0;
  while (true) {
    FRESHET_ASSIGN_OR_RETURN(auto batch, stream::ReadShard(db, stream, shard, from, 1000));
    if (batch.empty()) return out;
    from = batch.back().sequence + 1;
    for (auto& r : batch) out.push_back(std::move(r));
  }
}

}  // namespace freshet::test
