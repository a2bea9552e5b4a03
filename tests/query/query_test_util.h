// Shared fixtures for the query tests: a database in a temporary directory with a TableStore.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "query/table_store.h"
#include "storage/db.h"
#include "tests/test_util.h"

namespace freshet::query {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::OpenOptions options;
    options.sync = false;
    auto db = storage::Db::Open(dir_.path(), options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    store_ = std::make_unique<TableStore>(db_.get());
  }

  TableDescription MakeTable(const std::string& name, const std::string& pk, const std::string& sk) {
    auto spec = TableFromFlags(name, pk, sk);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    auto t = store_->Create(*spec);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }

  // Every page of `request`, concatenated; fails the test on error.
  std::vector<Item> QueryAll(const TableDescription& t, QueryRequest request) {
    std::vector<Item> all;
    for (int pages = 0; pages < 100000; ++pages) {
      auto page = store_->Query(t, request);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      all.insert(all.end(), page->items.begin(), page->items.end());
      if (!page->next_token) break;
      request.start_after = *page->next_token;
    }
    return all;
  }

  test::TempDir dir_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<TableStore> store_;
};

}  // namespace freshet::query
