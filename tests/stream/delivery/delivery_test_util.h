// Shared setup for delivery tests: a Db, a StreamLog, a BucketStore with bucket "bkt", and records
// put with chosen arrival times (StreamLog::AppendRecords inside a write's prepare step).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/buckets/bucket_store.h"
#include "storage/db.h"
#include "stream/delivery/delivery_store.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"

namespace freshet::stream::delivery {

inline constexpr uint64_t kT0 = 1714566896000;  // 2024-05-01T12:34:56Z

class DeliveryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    Status made = buckets_->CreateBucket("bkt");
    ASSERT_TRUE(made.ok()) << made.ToString();
  }
  void Open() {
    store_.reset();
    log_.reset();
    db_.reset();
    auto db = storage::Db::Open(dir_.path() + "/db", {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db.value());
    log_ = std::make_unique<StreamLog>(db_.get());
    store_ = std::make_unique<DeliveryStore>(log_.get());
    buckets_ = std::make_unique<storage::BucketStore>(dir_.path() + "/buckets");
  }
  DeliverySpec MustCreate(const std::string& name, uint32_t size_mb, uint32_t interval_s,
                          Compression c = Compression::kUncompressed, const std::string& source = "") {
    DeliverySpec s;
    s.name = name;
    s.type = source.empty() ? DeliverySpec::Type::kDirectPut : DeliverySpec::Type::kKinesisSource;
    s.source_stream = source;
    s.destination.bucket_arn = "arn:aws:s3:::bkt";
    s.destination.bucket = "bkt";
    s.destination.size_mb = size_mb;
    s.destination.interval_seconds = interval_s;
    s.destination.compression = c;
    auto created = store_->Create(s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : s;
  }
  // Appends `data` records to `stream` arriving at `arrival_ms` (must not go back in time).
  std::vector<PutResult> PutAt(const std::string& stream, uint64_t arrival_ms, const std::vector<std::string>& data,
                               const std::string& key = "k") {
    auto d = log_->Get(stream);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    std::vector<PutRecord> records;
    for (const std::string& x : data) records.push_back({key, x, {}});
    std::vector<PutResult> results;
    storage::Batch batch;
    Status s = db_->Write(&batch,
                          [&](storage::Batch* b) { return log_->AppendRecords(*d, records, arrival_ms, b, &results); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return results;
  }
  // The bucket's objects, by key.
  std::vector<std::string> Keys() {
    auto list = buckets_->ListObjects("bkt", "", "", "", 10000);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> keys;
    if (list.ok()) {
      for (const auto& o : list->objects) keys.push_back(o.key);
    }
    return keys;
  }
  std::string Object(const std::string& key) {
    auto bytes = buckets_->GetObject("bkt", key);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : "";
  }

  test::TempDir dir_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<StreamLog> log_;
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<storage::BucketStore> buckets_;
};

}  // namespace freshet::stream::delivery
