// FaultInjectionFs::NewEnv: the Env a test passes to storage::Db::Open.
#include <rocksdb/system_clock.h>

#include <algorithm>
#include <memory>

#include "tests/fault/fault_injection_fs.h"

namespace freshet::test {
namespace {

// RocksDB sleeps a hard-coded second after a failed background flush before it retries, and
// Close waits for that sleep; a test cuts the power hundreds of times, so sleeps are capped.
class ShortSleepClock : public rocksdb::SystemClockWrapper {
 public:
  ShortSleepClock() : SystemClockWrapper(rocksdb::SystemClock::Default()) {}
  const char* Name() const override { return "ShortSleepClock"; }
  void SleepForMicroseconds(int micros) override { target_->SleepForMicroseconds(std::min(micros, 1000)); }
};

class FaultEnv : public rocksdb::EnvWrapper {
 public:
  explicit FaultEnv(std::unique_ptr<rocksdb::Env> composite) : EnvWrapper(std::move(composite)) {
    // One clock for the whole process, never destroyed: RocksDB keeps a pointer to the clock of
    // the first database that uses a block cache in that cache's statistics collector, and
    // freshet's block cache is shared by every Db in the process, so the clock must outlive
    // every Env (a per-Env clock crashed a later DumpStats).
    static const auto* clock = new std::shared_ptr<rocksdb::SystemClock>(std::make_shared<ShortSleepClock>());
    system_clock_ = *clock;
  }
  const char* Name() const override { return "FaultEnv"; }
  void SleepForMicroseconds(int micros) override { system_clock_->SleepForMicroseconds(micros); }
};

}  // namespace

std::unique_ptr<rocksdb::Env> FaultInjectionFs::NewEnv(const std::shared_ptr<FaultInjectionFs>& fs) {
  return std::make_unique<FaultEnv>(rocksdb::NewCompositeEnv(fs));
}

}  // namespace freshet::test
