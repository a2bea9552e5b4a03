// BucketStore layout: keys that are both an object and a folder ("a" and "a/b", in either order),
// folder markers ("dir/"), empty, "." and ".." segments; where each is on disk, reads, deletes,
// listings in key byte order, paging, and the durability steps of moving an object into a folder.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/buckets/bucket_store.h"
#include "storage/buckets/multipart_store.h"
#include "tests/test_util.h"

namespace freshet::storage {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> Keys(const ObjectList& list) {
  std::vector<std::string> keys;
  for (const auto& o : list.objects) keys.push_back(o.key);
  return keys;
}

// Every entry under `dir`, relative, sorted ("a", "a/.freshet-object", "a/b").
std::vector<std::string> Tree(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

class BucketLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store_.CreateBucket("data").ok()); }
  std::string Get(const std::string& key) {
    auto got = store_.GetObject("data", key);
    return got.ok() ? *got : "<" + got.status().message() + ">";
  }
  std::vector<std::string> AllKeys() {
    auto list = store_.ListObjects("data", "", "", "", 1000);
    return list.ok() ? Keys(*list) : std::vector<std::string>{"<error>"};
  }

  test::TempDir dir_;
  std::string root_ = dir_.path() + "/buckets";
  std::string bucket_ = root_ + "/data";
  BucketStore store_{root_};
};

TEST_F(BucketLayoutTest, ObjectThenKeyBelowIt) {
  ASSERT_TRUE(store_.PutObject("data", "a", "object a", PutOptions{"text/plain", ""}).ok());
  EXPECT_EQ(ReadFile(bucket_ + "/a"), "object a");  // no clash yet: a plain file
  ASSERT_TRUE(store_.PutObject("data", "a/b", "object a/b").ok());
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"a", "a/.freshet-object", "a/b"}));
  EXPECT_EQ(ReadFile(bucket_ + "/a/.freshet-object"), "object a");
  EXPECT_EQ(Get("a"), "object a");
  EXPECT_EQ(Get("a/b"), "object a/b");
  auto head = store_.HeadObject("data", "a");  // metadata moved with it (same inode)
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(head->etag, "53884be6c525456ea3dbf652588e4138");  // md5("object a")
  EXPECT_EQ(head->size, 8u);
  EXPECT_EQ(AllKeys(), (std::vector<std::string>{"a", "a/b"}));
  // Replacing "a" now replaces the object entry.
  ASSERT_TRUE(store_.PutObject("data", "a", "new a").ok());
  EXPECT_EQ(ReadFile(bucket_ + "/a/.freshet-object"), "new a");
  EXPECT_EQ(Get("a"), "new a");
}

TEST_F(BucketLayoutTest, KeyBelowThenObject) {
  ASSERT_TRUE(store_.PutObject("data", "c/d", "object c/d").ok());
  ASSERT_TRUE(store_.PutObject("data", "c", "object c").ok());
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"c", "c/.freshet-object", "c/d"}));
  EXPECT_EQ(Get("c"), "object c");
  EXPECT_EQ(Get("c/d"), "object c/d");
  EXPECT_EQ(AllKeys(), (std::vector<std::string>{"c", "c/d"}));
}

TEST_F(BucketLayoutTest, DeletingOneKeepsTheOther) {
  ASSERT_TRUE(store_.PutObject("data", "a", "A").ok());
  ASSERT_TRUE(store_.PutObject("data", "a/b", "AB").ok());
  // Deleting the folder's key leaves its object, which becomes a plain file again.
  ASSERT_TRUE(store_.DeleteObject("data", "a/b").ok());
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(fs::is_regular_file(bucket_ + "/a"));
  EXPECT_EQ(Get("a"), "A");
  // And the other way round: deleting the object keeps the key below it.
  ASSERT_TRUE(store_.PutObject("data", "a/b", "AB").ok());
  ASSERT_TRUE(store_.DeleteObject("data", "a").ok());
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"a", "a/b"}));
  EXPECT_TRUE(store_.GetObject("data", "a").status().IsNotFound());
  EXPECT_TRUE(store_.HeadObject("data", "a").status().IsNotFound());
  EXPECT_EQ(Get("a/b"), "AB");
  EXPECT_TRUE(store_.DeleteObject("data", "a").ok());  // nothing left to delete
  ASSERT_TRUE(store_.DeleteObject("data", "a/b").ok());
  EXPECT_TRUE(fs::is_empty(bucket_));
  EXPECT_TRUE(store_.DeleteBucket("data").ok());
}

TEST_F(BucketLayoutTest, ThreeLevelsInEveryOrder) {
  const std::vector<std::string> keys = {"x", "x/y", "x/y/z"};
  std::vector<int> order = {0, 1, 2};
  do {
    for (int i : order) ASSERT_TRUE(store_.PutObject("data", keys[i], "v" + keys[i]).ok());
    EXPECT_EQ(AllKeys(), keys);
    for (const auto& k : keys) EXPECT_EQ(Get(k), "v" + k);
    std::vector<int> del = order;
    std::reverse(del.begin(), del.end());
    std::vector<std::string> left = keys;
    for (int i : del) {
      ASSERT_TRUE(store_.DeleteObject("data", keys[i]).ok());
      left.erase(std::find(left.begin(), left.end(), keys[i]));
      EXPECT_EQ(AllKeys(), left);
      for (const auto& k : left) EXPECT_EQ(Get(k), "v" + k);
    }
    EXPECT_TRUE(fs::is_empty(bucket_));
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_F(BucketLayoutTest, FolderMarkersAndOddSegmentsStayInsideTheBucket) {
  ASSERT_TRUE(store_.CreateBucket("other").ok());
  const std::vector<std::string> keys = {"/lead", ".", "..", "../other/x", "a/../b", "dir/", "dir//x", "dir/file"};
  for (const auto& k : keys) ASSERT_TRUE(store_.PutObject("data", k, "v:" + k).ok()) << k;
  for (const auto& k : keys) EXPECT_EQ(Get(k), "v:" + k) << k;
  EXPECT_TRUE(fs::is_empty(root_ + "/other"));
  EXPECT_FALSE(fs::exists(root_ + "/lead"));
  EXPECT_EQ(ReadFile(bucket_ + "/dir/.freshet-empty/.freshet-object"), "v:dir/");  // "dir/" beside "dir//x"
  EXPECT_EQ(ReadFile(bucket_ + "/.freshet-dotdot/other/x"), "v:../other/x");
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(AllKeys(), sorted);
  auto top = store_.ListObjects("data", "", "/", "", 1000);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Keys(*top), (std::vector<std::string>{".", ".."}));
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"../", "/", "a/", "dir/"}));
  auto in_dir = store_.ListObjects("data", "dir/", "/", "", 1000);
  ASSERT_TRUE(in_dir.ok());
  EXPECT_EQ(Keys(*in_dir), (std::vector<std::string>{"dir/", "dir/file"}));
  EXPECT_EQ(in_dir->common_prefixes, (std::vector<std::string>{"dir//"}));
  for (const auto& k : keys) ASSERT_TRUE(store_.DeleteObject("data", k).ok()) << k;
  EXPECT_TRUE(fs::is_empty(bucket_));
}

TEST_F(BucketLayoutTest, ListingIsInKeyByteOrderWithPagingAndDelimiter) {
  // "a" < "a!" < "a/" < "a0": the object "a" (a folder's object entry) sorts before "a!", which
  // sorts before everything in the folder "a".
  const std::vector<std::string> keys = {"a", "a!", "a/b", "a/c", "a/c/d", "a0", "b/", "b/x"};
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) ASSERT_TRUE(store_.PutObject("data", *it, *it).ok());
  EXPECT_EQ(AllKeys(), keys);
  for (size_t page_size : {1u, 2u, 3u}) {
    std::vector<std::string> seen;
    std::string token;
    for (;;) {
      auto page = store_.ListObjects("data", "", "", token, page_size);
      ASSERT_TRUE(page.ok());
      for (auto& k : Keys(*page)) seen.push_back(k);
      if (!page->truncated) break;
      token = page->next_token;
    }
    EXPECT_EQ(seen, keys) << page_size;
  }
  auto top = store_.ListObjects("data", "", "/", "", 1000);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Keys(*top), (std::vector<std::string>{"a", "a!", "a0"}));
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  std::vector<std::string> entries;  // paged one at a time with the delimiter
  std::string token;
  for (;;) {
    auto page = store_.ListObjects("data", "", "/", token, 1);
    ASSERT_TRUE(page.ok());
    for (auto& k : Keys(*page)) entries.push_back(k);
    for (auto& p : page->common_prefixes) entries.push_back(p);
    if (!page->truncated) break;
    token = page->next_token;
  }
  EXPECT_EQ(entries, (std::vector<std::string>{"a", "a!", "a/", "a0", "b/"}));
  auto in_a = store_.ListObjects("data", "a/", "/", "", 1000);
  ASSERT_TRUE(in_a.ok());
  EXPECT_EQ(Keys(*in_a), (std::vector<std::string>{"a/b", "a/c"}));
  EXPECT_EQ(in_a->common_prefixes, (std::vector<std::string>{"a/c/"}));
  auto prefix_a = store_.ListObjects("data", "a", "", "", 1000);
  ASSERT_TRUE(prefix_a.ok());
  EXPECT_EQ(Keys(*prefix_a), (std::vector<std::string>{"a", "a!", "a/b", "a/c", "a/c/d", "a0"}));
  auto after_a = store_.ListObjects("data", "", "", "a", 1000);
  ASSERT_TRUE(after_a.ok());
  EXPECT_EQ(Keys(*after_a).front(), "a!");
  auto sized = store_.ListObjects("data", "", "", "", 1000);
  ASSERT_TRUE(sized.ok());
  for (const auto& o : sized->objects) EXPECT_EQ(o.size, o.key.size());
}

TEST_F(BucketLayoutTest, MovingAnObjectIntoAFolderIsDurableInOrder) {
  ASSERT_TRUE(store_.PutObject("data", "k", "v").ok());
  std::vector<std::pair<std::string, std::string>> steps;
  store_.SetSyncObserver([&](std::string_view step, const std::string& path) { steps.emplace_back(step, path); });
  ASSERT_TRUE(store_.PutObject("data", "k/child", "c").ok());
  std::vector<std::pair<std::string, std::string>> expected = {{"promote", bucket_ + "/k"},
                                                               {"fsync-dir", bucket_},
                                                               {"rename", bucket_ + "/k/child"},
                                                               {"fsync-dir", bucket_ + "/k"}};
  ASSERT_GE(steps.size(), 1u);
  EXPECT_EQ(steps[0].first, "fsync-file");
  EXPECT_EQ(std::vector(steps.begin() + 1, steps.end()), expected);
  steps.clear();
  ASSERT_TRUE(store_.DeleteObject("data", "k/child").ok());
  expected = {{"unlink", bucket_ + "/k/child"},
              {"fsync-dir", bucket_ + "/k"},
              {"demote", bucket_ + "/k"},
              {"fsync-dir", bucket_}};
  EXPECT_EQ(steps, expected);
  // No temp is left behind in the bucket's folder.
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"k"}));
}

TEST_F(BucketLayoutTest, MultipartCompleteBesideAnObject) {
  ASSERT_TRUE(store_.PutObject("data", "m", "small").ok());
  MultipartStore uploads(&store_);
  auto id = uploads.Create("data", "m/big", "");
  ASSERT_TRUE(id.ok());
  auto etag = uploads.PutPart(*id, "data", "m/big", 1, "part one");
  ASSERT_TRUE(etag.ok());
  auto done = uploads.Complete(*id, "data", "m/big", {{1, *etag}});
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(Get("m"), "small");
  EXPECT_EQ(Get("m/big"), "part one");
  // And an object completed over an existing folder.
  id = uploads.Create("data", "m/big", "");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_.DeleteObject("data", "m").ok());
  auto id2 = uploads.Create("data", "m", "");
  ASSERT_TRUE(id2.ok());
  etag = uploads.PutPart(*id2, "data", "m", 1, "m again");
  ASSERT_TRUE(etag.ok());
  ASSERT_TRUE(uploads.Complete(*id2, "data", "m", {{1, *etag}}).ok());
  EXPECT_EQ(Get("m"), "m again");
  EXPECT_EQ(AllKeys(), (std::vector<std::string>{"m", "m/big"}));
}

TEST_F(BucketLayoutTest, ConcurrentPutsAndDeletesOfAKeyAndItsChildren) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        const std::string key = (t % 2 == 0 ? "p" : "p/q" + std::to_string(t)) + std::string(i % 3 == 0 ? "" : "/r");
        if (!store_.PutObject("data", key, key).ok()) ++failures;
        if (i % 2 == 1 && !store_.DeleteObject("data", key).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto list = store_.ListObjects("data", "", "", "", 1000);
  ASSERT_TRUE(list.ok());
  for (const auto& o : list->objects) EXPECT_EQ(Get(o.key), o.key);
  for (const auto& o : list->objects) ASSERT_TRUE(store_.DeleteObject("data", o.key).ok());
  EXPECT_TRUE(fs::is_empty(bucket_));
}

TEST_F(BucketLayoutTest, ExistingFoldersWrittenByHandKeepWorking) {
  fs::create_directories(bucket_ + "/old/2025");
  std::ofstream(bucket_ + "/old/2025/file.csv") << "1,2";
  EXPECT_EQ(Get("old/2025/file.csv"), "1,2");
  ASSERT_TRUE(store_.PutObject("data", "old", "marker").ok());
  EXPECT_EQ(AllKeys(), (std::vector<std::string>{"old", "old/2025/file.csv"}));
  ASSERT_TRUE(store_.DeleteObject("data", "old/2025/file.csv").ok());
  EXPECT_EQ(Tree(bucket_), (std::vector<std::string>{"old"}));
  EXPECT_EQ(ReadFile(bucket_ + "/old"), "marker");
}

TEST_F(BucketLayoutTest, StaleTempFolderOfAMoveCutShortIsRemovedOnOpen) {
  // What a Promote leaves when the process dies between its link and its exchange: a temp folder
  // holding a second link of the object, which is still in its place.
  ASSERT_TRUE(store_.PutObject("data", "k", "v").ok());
  const std::string stale = bucket_ + "/.freshet-tmp-2147483646-3";
  fs::create_directory(stale);
  fs::create_hard_link(bucket_ + "/k", stale + "/.freshet-object");
  EXPECT_EQ(AllKeys(), (std::vector<std::string>{"k"}));
  BucketStore reopened(root_);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(BucketLayoutTest, FolderMarkersAndObjectEntriesKeepABucketFromBeingEmpty) {
  ASSERT_TRUE(store_.PutObject("data", "dir/", "").ok());
  EXPECT_EQ(store_.DeleteBucket("data").code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(store_.DeleteObject("data", "dir/").ok());
  ASSERT_TRUE(store_.PutObject("data", "a/b", "").ok());
  ASSERT_TRUE(store_.PutObject("data", "a", "").ok());
  ASSERT_TRUE(store_.DeleteObject("data", "a/b").ok());
  EXPECT_EQ(store_.DeleteBucket("data").code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(store_.DeleteObject("data", "a").ok());
  EXPECT_TRUE(store_.DeleteBucket("data").ok());
}

}  // namespace
}  // namespace freshet::storage
