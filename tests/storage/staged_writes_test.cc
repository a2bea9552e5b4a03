// StagedWrites: staged writes are invisible outside their scope, visible inside (point reads and
// iterators, bounded), committed whole with another batch, or discarded.
#include "storage/staged_writes.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace freshet::storage {
namespace {

class StagedWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(dir_.path(), {});
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    Batch b;
    b.Put(Cf::kItems, "a", "1");
    b.Put(Cf::kItems, "c", "3");
    ASSERT_TRUE(db_->Write(&b).ok());
  }
  std::vector<std::string> Keys(std::string lower, std::string upper, bool reverse = false) {
    auto it = db_->NewIterator(Cf::kItems, std::move(lower), std::move(upper));
    std::vector<std::string> out;
    if (reverse) {
      for (it->SeekToLast(); it->Valid(); it->Prev())
        out.emplace_back(std::string(it->key()) + "=" + std::string(it->value()));
    } else {
      for (it->SeekToFirst(); it->Valid(); it->Next())
        out.emplace_back(std::string(it->key()) + "=" + std::string(it->value()));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }
  test::TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(StagedWritesTest, ReadsInsideTheScopeSeeStagedWritesAndOutsideDoNot) {
  auto staged = std::make_shared<StagedWrites>(db_.get());
  {
    StagingScope scope(staged.get());
    Batch b;
    b.Put(Cf::kItems, "b", "2");
    b.Delete(Cf::kItems, "c");
    b.Put(Cf::kItems, "a", "1x");
    ASSERT_TRUE(db_->Write(&b).ok());
    std::string v;
    ASSERT_TRUE(db_->Get(Cf::kItems, "b", &v).ok());
    EXPECT_EQ(v, "2");
    EXPECT_TRUE(db_->Get(Cf::kItems, "c", &v).IsNotFound());
    EXPECT_EQ(Keys("", ""), (std::vector<std::string>{"a=1x", "b=2"}));
    EXPECT_EQ(Keys("", "", true), (std::vector<std::string>{"b=2", "a=1x"}));
    EXPECT_EQ(Keys("b", "c"), (std::vector<std::string>{"b=2"}));
    EXPECT_EQ(Keys("a", "b", true), (std::vector<std::string>{"a=1x"}));
  }
  EXPECT_EQ(staged->count(), 3u);
  EXPECT_EQ(Keys("", ""), (std::vector<std::string>{"a=1", "c=3"}));
  // The commit: the staged writes and a cursor, in one write.
  Batch commit;
  ASSERT_TRUE(staged->AppendTo(&commit).ok());
  commit.Put(Cf::kCursors, "cursor", "9");
  ASSERT_TRUE(db_->Write(&commit).ok());
  EXPECT_EQ(Keys("", ""), (std::vector<std::string>{"a=1x", "b=2"}));
  std::string v;
  ASSERT_TRUE(db_->Get(Cf::kCursors, "cursor", &v).ok());
}

TEST_F(StagedWritesTest, DiscardedWritesLeaveNoTrace) {
  auto staged = std::make_shared<StagedWrites>(db_.get());
  {
    StagingScope scope(staged.get());
    Batch b;
    b.Put(Cf::kItems, "z", "26");
    ASSERT_TRUE(db_->Write(&b).ok());
  }
  staged->Clear();
  EXPECT_EQ(staged->count(), 0u);
  std::string v;
  EXPECT_TRUE(db_->Get(Cf::kItems, "z", &v).IsNotFound());
}

TEST_F(StagedWritesTest, RangeDeletesAreRefusedAndPreparedWritesGoThrough) {
  auto staged = std::make_shared<StagedWrites>(db_.get());
  StagingScope scope(staged.get());
  Batch range;
  range.Put(Cf::kItems, "q", "1");
  range.DeleteRange(Cf::kItems, "a", "z");
  EXPECT_TRUE(db_->Write(&range).code() == Status::Code::kFailedPrecondition);
  EXPECT_EQ(staged->count(), 0u);
  Batch prepared;
  prepared.Put(Cf::kLog, "l", "1");
  ASSERT_TRUE(db_->Write(&prepared, [](Batch*) { return Status::OK(); }).ok());
  EXPECT_EQ(staged->count(), 0u);
}

TEST_F(StagedWritesTest, TheRegistryFindsASessionByName) {
  auto staged = std::make_shared<StagedWrites>(db_.get());
  StagingRegistry::Global().Bind("AKID1", staged);
  EXPECT_EQ(StagingRegistry::Global().Find("AKID1"), staged);
  EXPECT_EQ(StagingRegistry::Global().Find("AKID2"), nullptr);
  StagingRegistry::Global().Unbind("AKID1");
  EXPECT_EQ(StagingRegistry::Global().Find("AKID1"), nullptr);
}

}  // namespace
}  // namespace freshet::storage
