// Shared setup for stream tests: a database in a temp dir and a StreamLog over it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"

namespace freshet::stream {

class StreamFixture : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    log_.reset();
    db_.reset();
    auto db = storage::Db::Open(dir_.path(), {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db.value());
    log_ = std::make_unique<StreamLog>(db_.get());
  }
  StreamDescription MustCreate(const std::string& name, uint32_t shards, uint32_t retention_hours = 24) {
    auto d = log_->Create(name, shards, retention_hours);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : StreamDescription{};
  }
  std::vector<PutResult> MustPut(const StreamDescription& d, const std::vector<PutRecord>& records) {
    auto r = log_->Put(d, records);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<PutResult>{};
  }
  static std::vector<PutRecord> Records(int n, const std::string& prefix = "key-") {
    std::vector<PutRecord> out;
    for (int i = 0; i < n; ++i) out.push_back({prefix + std::to_string(i), "data-" + std::to_string(i), {}});
    return out;
  }

  test::TempDir dir_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<StreamLog> log_;
};

}  // namespace freshet::stream
