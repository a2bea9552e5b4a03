// Batch::Append and Batch::PutSequenced: appended operations are written with the batch (range
// deletes included), and sequenced keys are numbered by Db::Write in commit order, continuing
// after a reopen from the largest stored number.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "storage/codec.h"
#include "storage/db.h"
#include "tests/test_util.h"

namespace freshet::storage {
namespace {

std::vector<uint64_t> Numbers(const Db& db, const std::string& prefix) {
  std::vector<uint64_t> out;
  auto it = db.NewIterator(Cf::kItems, prefix, codec::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    EXPECT_EQ(it->key().size(), prefix.size() + 8);
    out.push_back(codec::DecodeFixed64(it->key().data() + prefix.size()));
  }
  return out;
}

TEST(BatchTest, AppendWritesBothBatchesAndRangeDeletes) {
  test::TempDir dir;
  auto db = Db::Open(dir.path(), {});
  ASSERT_TRUE(db.ok());
  Batch seed;
  seed.Put(Cf::kItems, "b1", "x");
  seed.Put(Cf::kItems, "b2", "x");
  ASSERT_TRUE((*db)->Write(&seed).ok());
  Batch a, b;
  a.Put(Cf::kItems, "a", "1");
  b.DeleteRange(Cf::kItems, "b", "c");
  b.Put(Cf::kMeta, "m", "2");
  a.Append(b);
  EXPECT_EQ(a.Count(), 3u);
  ASSERT_TRUE((*db)->Write(&a).ok());
  std::string v;
  EXPECT_TRUE((*db)->Get(Cf::kItems, "a", &v).ok());
  EXPECT_TRUE((*db)->Get(Cf::kMeta, "m", &v).ok());
  EXPECT_TRUE((*db)->Get(Cf::kItems, "b1", &v).IsNotFound());
}

TEST(BatchTest, SequencedPutsAreNumberedInCommitOrderAndContinueAfterReopen) {
  test::TempDir dir;
  const std::string prefix = "chg";
  {
    auto db = Db::Open(dir.path(), {});
    ASSERT_TRUE(db.ok());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          Batch b;
          b.Put(Cf::kItems, "other", "v");
          Batch part;
          part.PutSequenced(Cf::kItems, prefix, "r");
          b.Append(part);  // the slot moves with the appended bytes
          b.PutSequenced(Cf::kItems, prefix, "r");
          ASSERT_TRUE((*db)->Write(&b).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    std::vector<uint64_t> n = Numbers(**db, prefix);
    ASSERT_EQ(n.size(), 400u);
    for (size_t i = 0; i < n.size(); ++i) EXPECT_EQ(n[i], i + 1);
  }
  auto db = Db::Open(dir.path(), {});
  ASSERT_TRUE(db.ok());
  Batch b;
  b.PutSequenced(Cf::kItems, prefix, "r");
  b.PutSequenced(Cf::kItems, "zzz", "r");  // another prefix counts on its own
  ASSERT_TRUE((*db)->Write(&b).ok());
  EXPECT_EQ(Numbers(**db, prefix).back(), 401u);
  EXPECT_EQ(Numbers(**db, "zzz"), std::vector<uint64_t>{1});
}

}  // namespace
}  // namespace freshet::storage
