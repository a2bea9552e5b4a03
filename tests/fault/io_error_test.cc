// Injected I/O errors: a failing fsync, a failing write and a full disk (ENOSPC), on the WAL
// (hit by a put) and on SST files (hit by a flush).
//
// For each: the operation returns a non-OK Status that says what failed (no crash, no abort);
// what was acknowledged before is intact, both in this process and after a reopen; and the
// store's behaviour afterwards is pinned down: RocksDB records a background error and from
// then on refuses every write (the store is read-only: reads work, writes fail with the same
// error) until the database is reopened; after the reopen it is writable again and sequence
// numbers continue without a hole.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fault/fault_test_util.h"
#include "tests/test_util.h"

namespace freshet::test {
namespace {

using Fault = FaultInjectionFs::Fault;

struct Case {
  const char* name;
  Fault fault;
  const char* file_suffix;  // ".log": the WAL (a put hits it); ".sst": a table file (a flush)
  const char* message;      // what the error must say
  // Whether the failed put is found after a restart. A put whose WAL fsync failed was written
  // to the file all the same, so a restart replays it: the client saw an error, and if it
  // retries, the records are in the log twice (at-least-once, as Kinesis). A failed append
  // never reached the file.
  bool failed_put_survives_restart;
};

std::string PrintCase(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

class IoErrorTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(f_.Open(dir_.path(), /*sync=*/true).ok());
    auto created = f_.log->Create("s", 2, 24);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    stream_ = *created;
  }
  // Puts one acknowledged batch of `n` records and remembers them.
  void PutAcked(int n) {
    auto r = f_.log->Put(stream_, Batch(n));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    acked_ += n;
  }
  std::vector<stream::PutRecord> Batch(int n) {
    std::vector<stream::PutRecord> records;
    for (int i = 0; i < n; ++i) records.push_back({"k" + std::to_string(next_++), "v" + std::to_string(next_), {}});
    return records;
  }
  // Every record in both shards, checking numbers are contiguous from 1.
  size_t CountContiguous(const storage::Db& db) {
    size_t total = 0;
    for (uint32_t shard = 0; shard < 2; ++shard) {
      auto records = ReadWholeShard(db, stream_, shard);
      EXPECT_TRUE(records.ok()) << records.status().ToString();
      if (!records.ok()) return total;
      for (size_t i = 0; i < records->size(); ++i) {
        EXPECT_EQ((*records)[i].sequence, i + 1) << "hole";
      }
      total += records->size();
    }
    return total;
  }

  TempDir dir_;
  FaultDb f_;
  stream::StreamDescription stream_;
  size_t acked_ = 0;
  int next_ = 0;
};

TEST_P(IoErrorTest, ReportsErrorKeepsAckedDataAndRefusesWritesUntilReopen) {
  const Case& c = GetParam();
  for (int i = 0; i < 5; ++i) PutAcked(20);
  if (std::string(c.file_suffix) == ".sst") {
    ASSERT_TRUE(f_.db->Flush().ok());  // some acknowledged data in SSTs too
  }
  PutAcked(20);

  f_.fs->Inject(c.fault, 1, c.file_suffix);
  const int failed_batch = 30;
  Status failed;
  if (std::string(c.file_suffix) == ".log") {
    failed = f_.log->Put(stream_, Batch(failed_batch)).status();
  } else {
    failed = f_.db->Flush();
  }
  ASSERT_EQ(f_.fs->faults_fired(), 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), Status::Code::kIOError) << failed.ToString();
  EXPECT_NE(failed.message().find(c.message), std::string::npos) << failed.ToString();
  EXPECT_NE(failed.message().find(dir_.path()), std::string::npos) << "names the directory: " << failed.ToString();

  // Read-only until reopen: the fault fired once and is gone, yet writes are still refused.
  auto again = f_.log->Put(stream_, Batch(1));
  ASSERT_FALSE(again.ok()) << "the store stayed writable after an I/O error";
  EXPECT_EQ(again.status().code(), Status::Code::kIOError) << again.status().ToString();
  // Reads work and see every acknowledged record.
  const size_t before = CountContiguous(*f_.db);
  EXPECT_GE(before, acked_);

  // Restart: everything acknowledged is there, numbers have no hole, and writes work again.
  f_.Close();
  FaultDb reopened;
  Status s = reopened.Open(dir_.path(), true);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const size_t after = CountContiguous(*reopened.db);
  EXPECT_EQ(after, acked_ + (c.failed_put_survives_restart ? failed_batch : 0));
  auto put = reopened.log->Put(stream_, Batch(10));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(CountContiguous(*reopened.db), after + 10);
}

// A disk that stays full: every put, flush and even a reopen fails with a clear error, none
// crashes, and once space is back a reopen finds every acknowledged record.
TEST(IoErrorDiskFullTest, PersistentDiskFullNeverCrashesAndLosesNothing) {
  TempDir dir;
  FaultDb f;
  ASSERT_TRUE(f.Open(dir.path(), true).ok());
  auto stream = f.log->Create("s", 1, 24);
  ASSERT_TRUE(stream.ok());
  std::vector<stream::PutRecord> records(50, stream::PutRecord{"k", "v", {}});
  ASSERT_TRUE(f.log->Put(*stream, records).ok());
  f.fs->Inject(Fault::kNoSpace, -1);
  for (int i = 0; i < 20; ++i) {
    auto put = f.log->Put(*stream, records);
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.status().code(), Status::Code::kIOError) << put.status().ToString();
  }
  EXPECT_FALSE(f.db->Flush().ok());
  f.Close();

  // Still full: opening needs to write (a new MANIFEST and WAL) and fails cleanly.
  Status reopen = f.Open(dir.path(), true);
  EXPECT_FALSE(reopen.ok());
  EXPECT_EQ(reopen.code(), Status::Code::kIOError) << reopen.ToString();
  EXPECT_NE(reopen.message().find("No space left on device"), std::string::npos) << reopen.ToString();
  f.Close();

  f.fs->ClearFaults();
  ASSERT_TRUE(f.Open(dir.path(), true).ok());
  auto read = ReadWholeShard(*f.db, *stream, 0);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->size(), 50u);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, IoErrorTest,
    ::testing::Values(Case{"WalFsyncFails", Fault::kSyncError, ".log", "injected fsync failure", true},
                      Case{"WalWriteFails", Fault::kWriteError, ".log", "injected write failure", false},
                      Case{"WalDiskFull", Fault::kNoSpace, ".log", "No space left on device", false},
                      Case{"SstFsyncFails", Fault::kSyncError, ".sst", "injected fsync failure", false},
                      Case{"SstWriteFails", Fault::kWriteError, ".sst", "injected write failure", false},
                      Case{"SstDiskFull", Fault::kNoSpace, ".sst", "No space left on device", false}),
    PrintCase);

}  // namespace
}  // namespace freshet::test
