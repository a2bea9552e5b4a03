#include "storage/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "storage/codec.h"
#include "tests/test_util.h"

namespace freshet::storage {
namespace {

TEST(DbTest, WriteIsAtomicAndVisible) {
  test::TempDir dir;
  auto db = Db::Open(dir.path(), {});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Batch b;
  b.Put(Cf::kLog, "k1", "v1");
  b.Put(Cf::kItems, "k2", "v2");
  b.Put(Cf::kCursors, "k3", "v3");
  ASSERT_TRUE((*db)->Write(&b).ok());
  std::string v;
  ASSERT_TRUE((*db)->Get(Cf::kItems, "k2", &v).ok());
  EXPECT_EQ(v, "v2");
  EXPECT_TRUE((*db)->Get(Cf::kLog, "k2", &v).IsNotFound());  // column families are separate

  Batch del;
  del.DeleteRange(Cf::kLog, "k0", "k9");
  del.Delete(Cf::kCursors, "k3");
  ASSERT_TRUE((*db)->Write(&del).ok());
  EXPECT_TRUE((*db)->Get(Cf::kLog, "k1", &v).IsNotFound());
  EXPECT_TRUE((*db)->Get(Cf::kCursors, "k3", &v).IsNotFound());
}

TEST(DbTest, PrepareRunsInQueueOrderAndErrorsWriteNothing) {
  test::TempDir dir;
  auto db = std::move(Db::Open(dir.path(), {}).value());
  Batch b;
  Status s = db->Write(&b, [](Batch* batch) {
    batch->Put(Cf::kMeta, "never", "x");
    return Status::InvalidArgument("refused");
  });
  EXPECT_TRUE(s.IsInvalidArgument());
  std::string v;
  EXPECT_TRUE(db->Get(Cf::kMeta, "never", &v).IsNotFound());

  // Concurrent writers: keys numbered inside prepare must become visible in that order,
  // i.e. whenever key n is visible, every key below n is too.
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        Batch batch;
        ASSERT_TRUE(db->Write(&batch, [&](Batch* x) {
                        std::string key;
                        codec::PutFixed64(&key, next++);
                        x->Put(Cf::kLog, key, "v");
                        return Status::OK();
                      }).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto it = db->NewIterator(Cf::kLog, "", "");
  uint64_t expect = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) EXPECT_EQ(codec::DecodeFixed64(it->key().data()), expect++);
  EXPECT_EQ(expect, 800u);
}

TEST(DbTest, SecondWriterGetsClearErrorAndReadersWork) {
  test::TempDir dir;
  auto writer = Db::Open(dir.path(), {});
  ASSERT_TRUE(writer.ok());
  Batch b;
  b.Put(Cf::kMeta, "a", "1");
  ASSERT_TRUE((*writer)->Write(&b).ok());

  auto second = Db::Open(dir.path(), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(dir.path()), std::string::npos);
  EXPECT_EQ(second.status().message().find("LOCK:"), std::string::npos);

  OpenOptions ro;
  ro.mode = OpenOptions::Mode::kReadOnly;
  auto reader = Db::Open(dir.path(), ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::string v;
  ASSERT_TRUE((*reader)->Get(Cf::kMeta, "a", &v).ok());
  EXPECT_EQ(v, "1");
  Batch w;
  w.Put(Cf::kMeta, "b", "2");
  EXPECT_EQ((*reader)->Write(&w).code(), Status::Code::kFailedPrecondition);

  // The reader catches up with later writes.
  ASSERT_TRUE((*writer)->Write(&w).ok());
  ASSERT_TRUE((*reader)->CatchUp().ok());
  ASSERT_TRUE((*reader)->Get(Cf::kMeta, "b", &v).ok());
}

TEST(DbTest, AReadViewIsASecondaryWhileAWriterHoldsTheDirectory) {
  test::TempDir dir;
  auto writer = Db::Open(dir.path(), {});
  ASSERT_TRUE(writer.ok());
  Batch b;
  b.Put(Cf::kMeta, "a", "1");
  ASSERT_TRUE((*writer)->Write(&b).ok());
  OpenOptions view;
  view.mode = OpenOptions::Mode::kReadView;
  auto reader = Db::Open(dir.path(), view);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_FALSE((*reader)->plain_view());  // this process's own writer lock is seen, and kept:
  auto second = Db::Open(dir.path(), {});
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  std::string v;
  ASSERT_TRUE((*reader)->Get(Cf::kMeta, "a", &v).ok());
  EXPECT_EQ(v, "1");
}

TEST(DbTest, AReadViewWithoutAWriterIsPlainAndOutlivesALaterWritersCompaction) {
  test::TempDir dir;
  {
    auto writer = Db::Open(dir.path(), {});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 100; ++i) {
      Batch b;
      b.Put(Cf::kItems, "k" + std::to_string(1000 + i), std::string(100, 'x'));
      ASSERT_TRUE((*writer)->Write(&b).ok());
    }
    ASSERT_TRUE((*writer)->Flush().ok());
    Batch tail;  // left in the write-ahead log only
    tail.Put(Cf::kItems, "k2000", "wal");
    ASSERT_TRUE((*writer)->Write(&tail).ok());
  }
  OpenOptions view;
  view.mode = OpenOptions::Mode::kReadView;
  auto reader = Db::Open(dir.path(), view);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->plain_view());

  // A writer starts, rewrites and compacts everything away from under the view.
  auto writer = Db::Open(dir.path(), {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Batch more;
  more.Put(Cf::kItems, "k3000", "new");
  for (int i = 0; i < 100; ++i) more.Delete(Cf::kItems, "k" + std::to_string(1000 + i));
  ASSERT_TRUE((*writer)->Write(&more).ok());
  ASSERT_TRUE((*writer)->Flush().ok());
  ASSERT_TRUE((*writer)->CompactRange(Cf::kItems, "", "").ok());

  // The view still reads what it saw at open, all of it, and nothing later.
  ASSERT_TRUE((*reader)->CatchUp().ok());
  size_t count = 0;
  auto it = (*reader)->NewIterator(Cf::kItems, "k", "l");
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  EXPECT_EQ(count, 101u);
  std::string v;
  ASSERT_TRUE((*reader)->Get(Cf::kItems, "k2000", &v).ok());
  EXPECT_EQ(v, "wal");
  EXPECT_TRUE((*reader)->Get(Cf::kItems, "k3000", &v).IsNotFound());
}

TEST(DbTest, ReadOnlyOpenOfMissingDirectoryIsNotFound) {
  test::TempDir dir;
  OpenOptions ro;
  ro.mode = OpenOptions::Mode::kReadOnly;
  auto reader = Db::Open(dir.path() + "/absent", ro);
  ASSERT_FALSE(reader.ok());
  EXPECT_TRUE(reader.status().IsNotFound());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/absent"));
}

TEST(DbTest, IteratorStaysWithinBounds) {
  test::TempDir dir;
  auto db = std::move(Db::Open(dir.path(), {}).value());
  Batch b;
  for (char c = 'a'; c <= 'z'; ++c) b.Put(Cf::kItems, std::string(1, c), "v");
  ASSERT_TRUE(db->Write(&b).ok());
  auto it = db->NewIterator(Cf::kItems, "d", "h");
  std::string seen;
  for (it->Seek("a"); it->Valid(); it->Next()) seen += it->key();
  EXPECT_EQ(seen, "defg");
  it->SeekForPrev("z");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "g");
  EXPECT_TRUE(it->status().ok());

  StartKeyReadCount();
  auto bounded = db->NewIterator(Cf::kItems, "m", "p");
  int n = 0;
  for (bounded->Seek("m"); bounded->Valid(); bounded->Next()) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_LE(KeysReadSinceStart(), 5u);
}

TEST(DbTest, DataSurvivesReopen) {
  test::TempDir dir;
  {
    auto db = std::move(Db::Open(dir.path(), {}).value());
    Batch b;
    b.Put(Cf::kCursors, "c", "42");
    ASSERT_TRUE(db->Write(&b).ok());
  }
  auto db = std::move(Db::Open(dir.path(), {}).value());
  std::string v;
  ASSERT_TRUE(db->Get(Cf::kCursors, "c", &v).ok());
  EXPECT_EQ(v, "42");
}

TEST(DbTest, PutPartsAndOverwritePatchTheBatchBeforeTheWrite) {
  test::TempDir dir;
  auto db = std::move(Db::Open(dir.path(), {}).value());
  Batch b;
  b.Put(Cf::kMeta, "first", "unchanged");
  Batch::Location at = b.PutParts(Cf::kLog, "key-0000", {"head:", "", "body"});
  b.Put(Cf::kItems, "last", "unchanged too");
  b.Overwrite(at.key + 4, "XY");
  b.Overwrite(at.value, "HEAD");
  EXPECT_EQ(b.Count(), 3u);
  ASSERT_TRUE(db->Write(&b).ok());
  std::string v;
  ASSERT_TRUE(db->Get(Cf::kLog, "key-XY00", &v).ok());
  EXPECT_EQ(v, "HEAD:body");
  EXPECT_TRUE(db->Get(Cf::kLog, "key-0000", &v).IsNotFound());
  ASSERT_TRUE(db->Get(Cf::kMeta, "first", &v).ok());
  EXPECT_EQ(v, "unchanged");
  ASSERT_TRUE(db->Get(Cf::kItems, "last", &v).ok());
  EXPECT_EQ(v, "unchanged too");
}

TEST(DbTest, ConcurrentWritersGroupedIntoOneBatchAllLand) {
  test::TempDir dir;
  auto db = std::move(Db::Open(dir.path(), {}).value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Batch b;
        std::string k = std::to_string(t) + "-" + std::to_string(i);
        b.Put(Cf::kLog, k, "log");
        b.Put(Cf::kCursors, k, "cursor");
        ASSERT_TRUE(db->Write(&b).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string v;
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      std::string k = std::to_string(t) + "-" + std::to_string(i);
      ASSERT_TRUE(db->Get(Cf::kLog, k, &v).ok()) << k;
      EXPECT_EQ(v, "log");
      ASSERT_TRUE(db->Get(Cf::kCursors, k, &v).ok()) << k;
      EXPECT_EQ(v, "cursor");
    }
  }
}

}  // namespace
}  // namespace freshet::storage
