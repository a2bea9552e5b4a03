// A damaged data directory: a garbled or truncated WAL, SST or MANIFEST file in a closed
// database. Opening or reading must report Corruption naming the damaged file; it must never
// look like a smaller, healthy database. The one exception is a WAL cut short: that is what a
// power cut leaves (the unsynced tail of the last log), so it is accepted and what survives is
// a prefix of the writes (see docs/durability.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "stream/consumer/consumer.h"
#include "stream/consumer/pipeline_spec.h"
#include "tests/fault/fault_test_util.h"
#include "tests/test_util.h"

namespace freshet::test {
namespace {

namespace fs = std::filesystem;

constexpr int kBatches = 20;
constexpr int kPerBatch = 50;

// The largest file in `dir` whose name ends with `suffix`, or "" if there is none.
std::string LargestFile(const std::string& dir, const std::string& suffix) {
  std::string best;
  uintmax_t best_size = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    if (e.file_size() > best_size) {
      best = e.path().string();
      best_size = e.file_size();
    }
  }
  return best;
}

void FlipByte(const std::string& path, uintmax_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

class CorruptionTest : public ::testing::Test {
 protected:
  // Writes kBatches acknowledged batches of incompressible records (so SSTs hold many data
  // blocks) with the sensors consumer's stream, then closes. With `flush`, they go to SSTs;
  // without, they are only in the WAL.
  void Populate(bool flush) {
    storage::OpenOptions options;
    options.flush_on_close = flush;  // without: close as a crash would, leaving the WAL
    auto db = storage::Db::Open(dir_.path(), options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    stream::StreamLog log(db->get());
    auto created = log.Create("sensors", 1, 24);
    ASSERT_TRUE(created.ok());
    stream_ = *created;
    std::mt19937_64 rng(7);
    for (int b = 0; b < kBatches; ++b) {
      std::vector<stream::PutRecord> records;
      for (int i = 0; i < kPerBatch; ++i) {
        std::string noise(200, ' ');
        for (char& c : noise) c = static_cast<char>('a' + rng() % 26);
        records.push_back({"s1",
                           R"({"sensor_id":"s1","current_time":)" + std::to_string(b * kPerBatch + i) +
                               R"(,"temperature":1,"noise":")" + noise + "\"}",
                           {}});
      }
      ASSERT_TRUE(log.Put(stream_, records).ok());
    }
    if (flush) {
      ASSERT_TRUE((*db)->Flush().ok());
    }
  }
  Result<std::unique_ptr<storage::Db>> Open() { return storage::Db::Open(dir_.path(), {}); }
  void ExpectCorruptionNaming(const Status& s, const std::string& path) {
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
    EXPECT_NE(s.message().find(fs::path(path).filename().string()), std::string::npos)
        << "does not name " << path << ": " << s.ToString();
  }

  TempDir dir_;
  stream::StreamDescription stream_;
};

TEST_F(CorruptionTest, GarbledWalRecordFailsOpenNamingTheLog) {
  Populate(/*flush=*/false);
  const std::string wal = LargestFile(dir_.path(), ".log");
  ASSERT_FALSE(wal.empty());
  // A byte in the middle: acknowledged records follow it, so skipping it would lose them.
  FlipByte(wal, fs::file_size(wal) / 2);
  auto db = Open();
  ASSERT_FALSE(db.ok()) << "a corrupt WAL record was silently skipped";
  ExpectCorruptionNaming(db.status(), wal);
}

TEST_F(CorruptionTest, WalCutShortIsAcceptedAsAPowerCut) {
  Populate(/*flush=*/false);
  const std::string wal = LargestFile(dir_.path(), ".log");
  ASSERT_FALSE(wal.empty());
  // Inside a record, as a power cut during a write leaves it.
  fs::resize_file(wal, fs::file_size(wal) * 2 / 3 + 3);
  auto db = Open();
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto records = ReadWholeShard(**db, stream_, 0);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  // A prefix of whole batches, numbered from 1.
  EXPECT_GT(records->size(), 0u);
  EXPECT_LT(records->size(), static_cast<size_t>(kBatches * kPerBatch));
  EXPECT_EQ(records->size() % kPerBatch, 0u);
  for (size_t i = 0; i < records->size(); ++i) {
    EXPECT_EQ((*records)[i].sequence, i + 1);
  }
}

TEST_F(CorruptionTest, GarbledSstDataBlockFailsReadsAndTheConsumer) {
  Populate(/*flush=*/true);
  const std::string sst = LargestFile(dir_.path(), ".sst");
  ASSERT_FALSE(sst.empty());
  FlipByte(sst, fs::file_size(sst) / 4);  // data blocks come first, index and footer last
  auto db = Open();
  ASSERT_TRUE(db.ok()) << db.status().ToString();  // only the data block is damaged
  stream::StreamLog log(db->get());
  auto read = ReadWholeShard(**db, stream_, 0);
  ASSERT_FALSE(read.ok()) << "read " << read->size() << " records past a corrupt block";
  ExpectCorruptionNaming(read.status(), sst);

  auto spec = stream::LoadPipeline("sensors");
  ASSERT_TRUE(spec.ok());
  stream::ConsumerOptions options;
  options.batch = kBatches * kPerBatch;
  auto consumer = stream::Consumer::Open(&log, *spec, options);
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  Status drained = (*consumer)->Drain(nullptr);
  ASSERT_FALSE(drained.ok()) << "the consumer skipped a corrupt block";
  ExpectCorruptionNaming(drained, sst);
}

TEST_F(CorruptionTest, GarbledSstFooterFailsOpen) {
  Populate(/*flush=*/true);
  const std::string sst = LargestFile(dir_.path(), ".sst");
  ASSERT_FALSE(sst.empty());
  FlipByte(sst, fs::file_size(sst) - 3);  // inside the footer's magic number
  auto db = Open();
  ASSERT_FALSE(db.ok());
  ExpectCorruptionNaming(db.status(), sst);
}

TEST_F(CorruptionTest, TruncatedSstFailsOpen) {
  Populate(/*flush=*/true);
  const std::string sst = LargestFile(dir_.path(), ".sst");
  ASSERT_FALSE(sst.empty());
  fs::resize_file(sst, fs::file_size(sst) / 2);
  auto db = Open();
  ASSERT_FALSE(db.ok());
  ExpectCorruptionNaming(db.status(), sst);
}

TEST_F(CorruptionTest, GarbledManifestFailsOpen) {
  Populate(/*flush=*/true);
  std::string found;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) found = e.path().string();
  }
  ASSERT_FALSE(found.empty());
  FlipByte(found, fs::file_size(found) / 2);
  auto db = Open();
  ASSERT_FALSE(db.ok());
  ExpectCorruptionNaming(db.status(), found);
}

}  // namespace
}  // namespace freshet::test
