// MultipartStore: parts as files, completion into one object with S3's multipart ETag, the rules
// on part order, sizes and ETags, and abort.
#include "storage/buckets/multipart_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_util.h"

namespace freshet::storage {
namespace {

class MultipartStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(buckets_.CreateBucket("data").ok()); }
  test::TempDir dir_;
  BucketStore buckets_{dir_.path() + "/buckets"};
  MultipartStore uploads_{&buckets_};
};

TEST_F(MultipartStoreTest, CompleteConcatenatesPartsInOrder) {
  auto id = uploads_.Create("data", "big/file.bin", "application/x-test");
  ASSERT_TRUE(id.ok());
  const std::string a(MultipartStore::kMinPartBytes, 'a'), b = "tail";
  auto ea = uploads_.PutPart(*id, "data", "big/file.bin", 1, a);
  auto eb = uploads_.PutPart(*id, "data", "big/file.bin", 3, b);
  ASSERT_TRUE(ea.ok() && eb.ok());
  EXPECT_TRUE(buckets_.HeadObject("data", "big/file.bin").status().IsNotFound());  // nothing visible yet
  auto info = uploads_.Complete(*id, "data", "big/file.bin", {{1, "\"" + *ea + "\""}, {3, *eb}});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, a.size() + b.size());
  EXPECT_EQ(info->etag.substr(info->etag.size() - 2), "-2");
  EXPECT_EQ(*buckets_.GetObject("data", "big/file.bin"), a + b);
  EXPECT_EQ(buckets_.HeadObject("data", "big/file.bin")->content_type, "application/x-test");
  EXPECT_TRUE(uploads_.Get(*id, "data", "big/file.bin").status().IsNotFound());  // the upload is gone
  // Uploads never list as buckets or objects.
  auto bucket_names = buckets_.ListBuckets();
  ASSERT_EQ(bucket_names->size(), 1u);
  EXPECT_EQ(buckets_.ListObjects("data", "", "", "", 100)->objects.size(), 1u);
}

TEST_F(MultipartStoreTest, RulesOfCompletion) {
  auto id = uploads_.Create("data", "k", "");
  ASSERT_TRUE(id.ok());
  auto e1 = uploads_.PutPart(*id, "data", "k", 1, "small");
  auto e2 = uploads_.PutPart(*id, "data", "k", 2, "last");
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_EQ(uploads_.Complete(*id, "data", "k", {{1, *e1}, {2, *e2}}).status().code(), Status::Code::kLimitExceeded);
  EXPECT_TRUE(uploads_.Complete(*id, "data", "k", {{2, *e2}, {1, *e1}}).status().IsInvalidArgument());
  EXPECT_TRUE(uploads_.Complete(*id, "data", "k", {{1, "\"0000\""}}).status().IsInvalidArgument());
  EXPECT_TRUE(uploads_.Complete(*id, "data", "k", {{7, *e1}}).status().IsInvalidArgument());
  EXPECT_TRUE(uploads_.PutPart(*id, "data", "k", 0, "x").status().IsInvalidArgument());
  EXPECT_TRUE(uploads_.PutPart(*id, "data", "other", 1, "x").status().IsNotFound());  // another key's upload
  EXPECT_TRUE(uploads_.PutPart("../../etc", "data", "k", 1, "x").status().IsNotFound());
  auto one = uploads_.Complete(*id, "data", "k", {{2, *e2}});  // a single last part may be small
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*buckets_.GetObject("data", "k"), "last");
  auto id2 = uploads_.Create("data", "k2", "");
  ASSERT_TRUE(uploads_.PutPart(*id2, "data", "k2", 1, "x").ok());
  ASSERT_TRUE(uploads_.Abort(*id2, "data", "k2").ok());
  EXPECT_TRUE(uploads_.Abort(*id2, "data", "k2").IsNotFound());
  EXPECT_TRUE(uploads_.Create("missing", "k", "").status().IsNotFound());
}

}  // namespace
}  // namespace freshet::storage
