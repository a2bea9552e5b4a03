// BucketStore: buckets and objects as files, key rules (escape attempts), listing order, prefixes
// and paging, ranges, temp files, and the durability order of a put.
#include "storage/buckets/bucket_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/test_util.h"

namespace freshet::storage {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class BucketStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::string root_ = dir_.path() + "/buckets";
  BucketStore store_{root_};
};

TEST_F(BucketStoreTest, CreateListHeadDeleteBuckets) {
  EXPECT_TRUE(store_.HeadBucket("data").IsNotFound());
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  ASSERT_TRUE(store_.CreateBucket("logs.2026").ok());
  EXPECT_EQ(store_.CreateBucket("data").code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(store_.HeadBucket("data").ok());
  EXPECT_TRUE(fs::is_directory(root_ + "/data"));
  auto list = store_.ListBuckets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].first, "data");
  EXPECT_EQ((*list)[1].first, "logs.2026");
  EXPECT_GT((*list)[0].second, 1'600'000'000'000u);
  ASSERT_TRUE(store_.PutObject("data", "a/b.txt", "x").ok());
  EXPECT_EQ(store_.DeleteBucket("data").code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(store_.DeleteObject("data", "a/b.txt").ok());
  EXPECT_TRUE(store_.DeleteBucket("data").ok());
  EXPECT_TRUE(store_.HeadBucket("data").IsNotFound());
  EXPECT_TRUE(store_.DeleteBucket("data").IsNotFound());
}

TEST_F(BucketStoreTest, BucketNamesFollowS3Rules) {
  for (const char* bad : {"ab", "Data", "a_b", "-ab", "ab-", "a..b", "192.168.1.1", "../x", "a/b", ""}) {
    EXPECT_TRUE(BucketStore::ValidateBucketName(bad).IsInvalidArgument()) << bad;
    EXPECT_TRUE(store_.CreateBucket(bad).IsInvalidArgument()) << bad;
  }
  EXPECT_TRUE(BucketStore::ValidateBucketName(std::string(64, 'a')).IsInvalidArgument());
  EXPECT_TRUE(BucketStore::ValidateBucketName(std::string(63, 'a')).ok());
  EXPECT_TRUE(BucketStore::ValidateBucketName("my-bucket.1").ok());
}

TEST_F(BucketStoreTest, KeysThatCannotBeStoredAreRefused) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  const std::string nul("a\0b", 3);
  for (const std::string& key : {nul, std::string(), std::string(".freshet-tmp-1-1"), std::string("x/.freshet-tmp-1"),
                                 std::string("a/.freshet-object"), std::string(".freshet-empty/x"),
                                 std::string(1025, 'k'), std::string(256, 's'), std::string("\xff\xfe")}) {
    EXPECT_TRUE(BucketStore::ValidateKey(key).IsInvalidArgument()) << key;
    EXPECT_TRUE(store_.PutObject("data", key, "refused").IsInvalidArgument()) << key;
    EXPECT_FALSE(store_.GetObject("data", key).ok()) << key;
    EXPECT_TRUE(store_.DeleteObject("data", key).IsInvalidArgument()) << key;
  }
  EXPECT_TRUE(fs::is_empty(root_ + "/data"));
  std::string longest(1024, 'k');
  for (size_t at : {200, 400, 600, 800, 1000}) longest[at] = '/';
  EXPECT_TRUE(BucketStore::ValidateKey(longest).ok());
  EXPECT_TRUE(BucketStore::ValidateKey("a..b/c.d/..e/\xc3\xa9t\xc3\xa9 2026.txt").ok());
}

TEST_F(BucketStoreTest, PutGetHeadAreFilesUnderTheBucket) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  ASSERT_TRUE(store_.PutObject("data", "2026/11/29/part-1.txt", "hello world").ok());
  EXPECT_EQ(ReadFile(root_ + "/data/2026/11/29/part-1.txt"), "hello world");
  auto got = store_.GetObject("data", "2026/11/29/part-1.txt");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "hello world");
  auto head = store_.HeadObject("data", "2026/11/29/part-1.txt");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");  // md5("hello world")
  EXPECT_GT(head->modified_ms, 1'600'000'000'000u);
  // Replaced whole.
  auto put = store_.PutObject("data", "2026/11/29/part-1.txt", "bye", PutOptions{"text/plain", ""});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->etag, "bfa99df33b137bc8fb5f5407d7e58da8");  // md5("bye")
  head = store_.HeadObject("data", "2026/11/29/part-1.txt");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(*store_.GetObject("data", "2026/11/29/part-1.txt"), "bye");
  // Missing things.
  EXPECT_TRUE(store_.GetObject("data", "2026/11/29/nope").status().IsNotFound());
  EXPECT_TRUE(store_.HeadObject("data", "2026/11").status().IsNotFound());  // a folder is not an object
  EXPECT_TRUE(store_.GetObject("nobucket", "k").status().IsNotFound());
  EXPECT_TRUE(store_.PutObject("nobucket", "k", "v").IsNotFound());
  EXPECT_FALSE(fs::exists(root_ + "/nobucket"));
}

TEST_F(BucketStoreTest, FileAddedByHandHasItsMd5AsEtag) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  std::ofstream(root_ + "/data/hand.txt") << "hello world";
  auto head = store_.HeadObject("data", "hand.txt");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(head->content_type, "");
}

TEST_F(BucketStoreTest, Ranges) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  ASSERT_TRUE(store_.PutObject("data", "k", "0123456789").ok());
  EXPECT_EQ(*store_.GetObject("data", "k", std::pair<uint64_t, uint64_t>{2, 4}), "234");
  EXPECT_EQ(*store_.GetObject("data", "k", std::pair<uint64_t, uint64_t>{8, 100}), "89");
  EXPECT_TRUE(store_.GetObject("data", "k", std::pair<uint64_t, uint64_t>{10, 12}).status().IsInvalidArgument());
  auto suffix = store_.ReadObject("data", "k", ByteRange{{}, {}, 3});
  ASSERT_TRUE(suffix.ok());
  EXPECT_EQ(suffix->bytes, "789");
  EXPECT_EQ(suffix->first, 7u);
  EXPECT_EQ(suffix->info.size, 10u);
  auto open_end = store_.ReadObject("data", "k", ByteRange{5, {}, {}});
  ASSERT_TRUE(open_end.ok());
  EXPECT_EQ(open_end->bytes, "56789");
  EXPECT_EQ(store_.ReadObject("data", "k", ByteRange{{}, {}, 50})->bytes, "0123456789");
  EXPECT_TRUE(store_.ReadObject("data", "k", ByteRange{{}, {}, 0}).status().IsInvalidArgument());
}

TEST_F(BucketStoreTest, DeleteRemovesEmptiedFolders) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  ASSERT_TRUE(store_.PutObject("data", "a/b/c/d.txt", "1").ok());
  ASSERT_TRUE(store_.PutObject("data", "a/e.txt", "2").ok());
  ASSERT_TRUE(store_.DeleteObject("data", "a/b/c/d.txt").ok());
  EXPECT_FALSE(fs::exists(root_ + "/data/a/b"));
  EXPECT_TRUE(fs::exists(root_ + "/data/a/e.txt"));
  EXPECT_TRUE(store_.DeleteObject("data", "a/b/c/d.txt").ok());  // deleting nothing is fine, as in S3
  EXPECT_TRUE(store_.DeleteObject("data", "a").ok());            // a folder is not deleted as an object
  EXPECT_TRUE(fs::exists(root_ + "/data/a/e.txt"));
  EXPECT_TRUE(store_.DeleteObject("nobucket", "a").IsNotFound());
}

std::vector<std::string> Keys(const ObjectList& list) {
  std::vector<std::string> keys;
  for (const auto& o : list.objects) keys.push_back(o.key);
  return keys;
}

TEST_F(BucketStoreTest, ListIsInByteOrderWithPrefixAndDelimiter) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  // "a-c" < "a/b" in byte order ('-' is 0x2d, '/' 0x2f): the walk must not list folders first.
  for (const char* k : {"a/b", "a-c", "a/c/d", "b", "a0", "logs/2026/01/x", "logs/2026/02/y", "logs/readme"}) {
    ASSERT_TRUE(store_.PutObject("data", k, k).ok()) << k;
  }
  auto all = store_.ListObjects("data", "", "", "", 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"a-c", "a/b", "a/c/d", "a0", "b", "logs/2026/01/x", "logs/2026/02/y",
                                                  "logs/readme"}));
  EXPECT_FALSE(all->truncated);
  EXPECT_EQ(all->objects[0].size, 3u);

  auto top = store_.ListObjects("data", "", "/", "", 1000);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Keys(*top), (std::vector<std::string>{"a-c", "a0", "b"}));
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"a/", "logs/"}));

  auto logs = store_.ListObjects("data", "logs/", "/", "", 1000);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(Keys(*logs), (std::vector<std::string>{"logs/readme"}));
  EXPECT_EQ(logs->common_prefixes, (std::vector<std::string>{"logs/2026/"}));

  auto partial = store_.ListObjects("data", "logs/2026/0", "", "", 1000);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(Keys(*partial), (std::vector<std::string>{"logs/2026/01/x", "logs/2026/02/y"}));

  auto other_delimiter = store_.ListObjects("data", "logs/", "0", "", 1000);
  ASSERT_TRUE(other_delimiter.ok());
  EXPECT_EQ(Keys(*other_delimiter), (std::vector<std::string>{"logs/readme"}));
  EXPECT_EQ(other_delimiter->common_prefixes, (std::vector<std::string>{"logs/20"}));

  auto after = store_.ListObjects("data", "", "", "a0", 1000);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Keys(*after).front(), "b");
  EXPECT_TRUE(store_.ListObjects("nobucket", "", "", "", 10).status().IsNotFound());
}

TEST_F(BucketStoreTest, PagingVisitsEveryKeyOnceWithAndWithoutDelimiter) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  std::vector<std::string> expected;
  for (int d = 0; d < 4; ++d) {
    for (int f = 0; f < 5; ++f) {
      std::string key = "d" + std::to_string(d) + "/f" + std::to_string(f);
      ASSERT_TRUE(store_.PutObject("data", key, "v").ok());
      expected.push_back(key);
    }
  }
  ASSERT_TRUE(store_.PutObject("data", "z", "v").ok());
  expected.push_back("z");
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  for (;;) {
    auto page = store_.ListObjects("data", "", "", token, 3);
    ASSERT_TRUE(page.ok());
    ++pages;
    for (auto& k : Keys(*page)) seen.push_back(k);
    if (!page->truncated) break;
    EXPECT_EQ(page->objects.size(), 3u);
    token = page->next_token;
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 7);

  std::vector<std::string> prefixes, keys;
  token.clear();
  for (;;) {
    auto page = store_.ListObjects("data", "", "/", token, 2);
    ASSERT_TRUE(page.ok());
    for (auto& p : page->common_prefixes) prefixes.push_back(p);
    for (auto& k : Keys(*page)) keys.push_back(k);
    if (!page->truncated) break;
    token = page->next_token;
  }
  EXPECT_EQ(prefixes, (std::vector<std::string>{"d0/", "d1/", "d2/", "d3/"}));
  EXPECT_EQ(keys, (std::vector<std::string>{"z"}));
}

TEST_F(BucketStoreTest, TempFilesAreNeverListedAndStaleOnesAreRemovedOnOpen) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  ASSERT_TRUE(store_.PutObject("data", "real", "1").ok());
  // A temp of a process that no longer runs (pid 0x7fffffff is above pid_max), and one of ours.
  const std::string stale = root_ + "/data/.freshet-tmp-2147483646-9";
  const std::string live = root_ + "/data/.freshet-tmp-" + std::to_string(::getpid()) + "-999999";
  std::ofstream(stale) << "half";
  std::ofstream(live) << "in flight";
  auto list = store_.ListObjects("data", "", "", "", 100);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Keys(*list), (std::vector<std::string>{"real"}));
  {
    auto writer = store_.NewObjectWriter("data", "pending");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("abc").ok());
    EXPECT_EQ(Keys(*store_.ListObjects("data", "", "", "", 100)), (std::vector<std::string>{"real"}));
    EXPECT_TRUE(store_.HeadObject("data", "pending").status().IsNotFound());
  }  // dropped uncommitted: its temp is gone
  BucketStore reopened(root_);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(root_ + "/data")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{fs::path(live).filename().string(), "real"}));
  // A bucket holding only temps is empty.
  fs::remove(live);
  ASSERT_TRUE(store_.DeleteObject("data", "real").ok());
  std::ofstream(stale) << "half";
  EXPECT_TRUE(store_.DeleteBucket("data").ok());
}

TEST_F(BucketStoreTest, WriterInPiecesAndFromFile) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  const std::string part = dir_.path() + "/part";
  std::ofstream(part) << std::string(3 << 20, 'p');
  auto writer = store_.NewObjectWriter("data", "big/object", PutOptions{"application/x-test", "abc-2"});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("head:").ok());
  ASSERT_TRUE((*writer)->AppendFile(part).ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 5u + (3u << 20));
  EXPECT_EQ(info->etag, "abc-2");
  EXPECT_FALSE((*writer)->Append("more").ok());
  auto head = store_.HeadObject("data", "big/object");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, "abc-2");
  EXPECT_EQ(head->content_type, "application/x-test");
  EXPECT_EQ(store_.GetObject("data", "big/object", std::pair<uint64_t, uint64_t>{0, 5})->substr(0, 6), "head:p");
  EXPECT_TRUE((*writer)->AppendFile(dir_.path() + "/missing").code() != Status::Code::kOk);
}

TEST_F(BucketStoreTest, PutIsDurableInOrder) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  std::vector<std::pair<std::string, std::string>> steps;
  store_.SetSyncObserver([&](std::string_view step, const std::string& path) { steps.emplace_back(step, path); });
  ASSERT_TRUE(store_.PutObject("data", "x/y/z.txt", "v").ok());
  const std::string b = root_ + "/data";
  ASSERT_GE(steps.size(), 8u);
  EXPECT_EQ(steps[0].first, "fsync-file");
  EXPECT_EQ(fs::path(steps[0].second).parent_path().string(), b);  // the temp lives in the bucket folder
  EXPECT_EQ(fs::path(steps[0].second).filename().string().rfind(".freshet-tmp-", 0), 0u);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"mkdir", b + "/x"},          {"fsync-dir", b + "/x"},   {"fsync-dir", b},
      {"mkdir", b + "/x/y"},        {"fsync-dir", b + "/x/y"}, {"fsync-dir", b + "/x"},
      {"rename", b + "/x/y/z.txt"}, {"fsync-dir", b + "/x/y"}};
  EXPECT_EQ(std::vector(steps.begin() + 1, steps.end()), expected);
  steps.clear();
  ASSERT_TRUE(store_.PutObject("data", "x/y/w.txt", "v").ok());  // folders exist: no mkdir
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1], (std::pair<std::string, std::string>{"rename", b + "/x/y/w.txt"}));
  EXPECT_EQ(steps[2], (std::pair<std::string, std::string>{"fsync-dir", b + "/x/y"}));
}

TEST_F(BucketStoreTest, ConcurrentPutsAndDeletesInSharedFolders) {
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = "shared/" + std::to_string(i % 3) + "/t" + std::to_string(t) + "-" + std::to_string(i);
        if (!store_.PutObject("data", key, key).ok()) ++failures;
        if (i % 2 == 0 && !store_.DeleteObject("data", key).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto list = store_.ListObjects("data", "", "", "", 1000);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->objects.size(), 4u * 25u);
  for (const auto& o : list->objects) EXPECT_EQ(*store_.GetObject("data", o.key), o.key);
}

TEST_F(BucketStoreTest, TwoStoresOnOneRootCoordinate) {
  // The S3 service and the delivery streams each open a store on <data dir>/buckets: one deletes
  // the last object of a folder (removing the folder) while the other puts into it.
  ASSERT_TRUE(store_.CreateBucket("data").ok());
  BucketStore other(root_);
  std::atomic<int> failures{0};
  std::thread deleter([&] {
    for (int i = 0; i < 200; ++i) {
      if (!store_.PutObject("data", "hour/a/x", "x").ok()) ++failures;
      if (!store_.DeleteObject("data", "hour/a/x").ok()) ++failures;
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      if (!other.PutObject("data", "hour/a/y" + std::to_string(i), "y").ok()) ++failures;
      if (!other.DeleteObject("data", "hour/a/y" + std::to_string(i)).ok()) ++failures;
    }
  });
  deleter.join();
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(store_.ListObjects("data", "", "", "", 10)->objects.empty());
}

}  // namespace
}  // namespace freshet::storage
