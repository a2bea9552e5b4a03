// Delivery streams as stored resources (stream/delivery/delivery_store.h).
#include "stream/delivery/delivery_store.h"

#include <gtest/gtest.h>

#include "stream/consumer/cursors.h"
#include "stream/delivery/deliverer.h"
#include "tests/stream/delivery/delivery_test_util.h"

namespace freshet::stream::delivery {
namespace {

using DeliveryStoreTest = DeliveryFixture;

TEST_F(DeliveryStoreTest, CreateDescribeListDelete) {
  DeliverySpec a = MustCreate("a", 5, 300);
  EXPECT_EQ(a.status, "CREATING");
  EXPECT_EQ(a.version, 1u);
  EXPECT_EQ(a.source_stream, BufferStreamName(a.id));
  auto again = store_->Create(a);
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
  // The buffer stream is hidden from the user's streams.
  EXPECT_TRUE(log_->Get(a.source_stream).ok());
  EXPECT_TRUE(log_->List()->empty());
  MustCreate("b", 1, 0, Compression::kSnappy);
  auto list = store_->List();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].destination.compression, Compression::kSnappy);
  ASSERT_TRUE(store_->Delete("a").ok());
  EXPECT_TRUE(store_->Get("a").status().IsNotFound());
  EXPECT_TRUE(log_->Get(a.source_stream).status().IsNotFound());
  EXPECT_TRUE(store_->Delete("a").IsNotFound());
}

TEST_F(DeliveryStoreTest, PutGoesToTheBufferDurably) {
  DeliverySpec a = MustCreate("a", 5, 300);
  auto ids = store_->Put(a, {"x", "y"});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<uint64_t>{1, 2}));
  Open();
  auto shards = log_->DescribeShards(*log_->Get(a.source_stream));
  EXPECT_EQ((*shards)[0].record_count, 2u);
  EXPECT_FALSE(store_->Put(a, {std::string(kMaxRecordBytes + 1, 'x')}).ok());
}

TEST_F(DeliveryStoreTest, KinesisSourceNeedsTheStreamAndRefusesPuts) {
  DeliverySpec s;
  s.name = "k";
  s.type = DeliverySpec::Type::kKinesisSource;
  s.source_stream = "missing";
  s.destination.bucket = "bkt";
  EXPECT_TRUE(store_->Create(s).status().IsNotFound());
  ASSERT_TRUE(log_->Create("obs", 1, 24).ok());
  DeliverySpec k = MustCreate("k", 5, 60, Compression::kUncompressed, "obs");
  EXPECT_TRUE(store_->Put(k, {"x"}).status().IsInvalidArgument());
}

TEST_F(DeliveryStoreTest, UpdateBumpsWhatTheChangeSays) {
  MustCreate("a", 5, 300);
  auto updated = store_->Update("a", [](DeliverySpec* s) {
    s->version++;
    s->destination.prefix = "p/";
    return Status::OK();
  });
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(store_->Get("a")->version, 2u);
  EXPECT_EQ(store_->Get("a")->destination.prefix, "p/");
}

TEST_F(DeliveryStoreTest, KinesisSourceStartsAtLatestDurably) {
  ASSERT_TRUE(log_->Create("obs", 2, 24).ok());
  for (int i = 0; i < 10; ++i) PutAt("obs", kT0 + i, {"before" + std::to_string(i) + "\n"}, "k" + std::to_string(i));
  // A shard closed before the delivery exists is skipped whole, so its children are readable.
  ASSERT_TRUE(log_->MergeShards("obs", 0, 1).ok());
  PutAt("obs", kT0 + 20, {"before-merged\n"});
  DeliverySpec spec = MustCreate("k", 5, 60, Compression::kUncompressed, "obs");
  // The cursors are in the store with the description: a restart changes nothing.
  Open();
  StreamDescription obs = *log_->Get("obs");
  for (uint32_t s = 0; s < obs.shard_count; ++s) {
    auto cursor = LoadCursor(*db_, spec.cursor_name(), obs.id, s);
    ASSERT_TRUE(cursor.ok() && cursor->has_value()) << "shard " << s;
  }
  std::string expected;
  for (int i = 0; i < 5; ++i) {
    std::string data = "after" + std::to_string(i) + "\n";
    PutAt("obs", kT0 + 100 + i, {data}, "k" + std::to_string(i));
    expected += data;
  }
  // A shard made by a later reshard starts at its beginning.
  ASSERT_TRUE(log_->SplitShard("obs", 2, HashKey{1} << 127).ok());
  for (int i = 5; i < 10; ++i) {
    std::string data = "after" + std::to_string(i) + "\n";
    PutAt("obs", kT0 + 200 + i, {data}, "k" + std::to_string(i));
    expected += data;
  }
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  ASSERT_GE(*deliverer.Poll(kT0 + 1000, true), 1u);
  std::string all;
  auto manifest = store_->Objects(spec);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  std::vector<ManifestEntry> entries = std::move(manifest.value());
  for (const ManifestEntry& e : entries) all += Object(e.seal.key);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(deliverer.stats().missed, 0u);
}

}  // namespace
}  // namespace freshet::stream::delivery
