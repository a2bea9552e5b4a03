// Object sinks (stream/delivery/object_sink.h): endpoint URLs, the local sink, how a runner picks
// a delivery's sink, and how it backs off a delivery whose sink keeps failing.
#include "stream/delivery/object_sink.h"

#include <gtest/gtest.h>

#include "stream/delivery/delivery_runner.h"
#include "tests/stream/delivery/delivery_test_util.h"

namespace freshet::stream::delivery {
namespace {

TEST(NormalizeS3EndpointTest, AcceptsSchemeHostAndPort) {
  EXPECT_EQ(*NormalizeS3Endpoint("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(*NormalizeS3Endpoint("HTTPS://s3.example.com/"), "https://s3.example.com");
  EXPECT_EQ(*NormalizeS3Endpoint("http://minio"), "http://minio");
  EXPECT_EQ(*NormalizeS3Endpoint("http://[::1]:4566"), "http://[::1]:4566");
}

TEST(NormalizeS3EndpointTest, RefusesWhatIsNotSchemeHostPort) {
  for (const char* bad :
       {"", "127.0.0.1:9000", "ftp://host", "http://", "http://:9000", "http://host:0", "http://host:65536",
        "http://host:", "http://host:9x", "http://host/bucket", "http://host:9000/path/", "http://host?x=1",
        "http://host#f", "http://user:pw@host", "http://ho st", "http://[::1", "http://[::1]x"}) {
    auto r = NormalizeS3Endpoint(bad);
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("S3 endpoint '" + std::string(bad) + "'"), std::string::npos);
    }
  }
  EXPECT_EQ(NormalizeS3Endpoint("http://host/bucket").status().message(),
            "S3 endpoint 'http://host/bucket' has a path, query or fragment (expected http://HOST[:PORT] or "
            "https://HOST[:PORT])");
}

using ObjectSinks = DeliveryFixture;

TEST_F(ObjectSinks, LocalSinkWritesADurableObjectWithItsType) {
  LocalObjectSink sink(buckets_.get());
  ASSERT_TRUE(sink.PutObject("bkt", "a/b.gz", "bytes", kObjectContentType).ok());
  EXPECT_EQ(Object("a/b.gz"), "bytes");
  EXPECT_EQ(buckets_->HeadObject("bkt", "a/b.gz")->content_type, "application/octet-stream");
  EXPECT_TRUE(sink.PutObject("missing", "k", "x", kObjectContentType).IsNotFound());
}

// A sink that keeps what it is given, standing in for an external endpoint.
class MemorySink : public ObjectSink {
 public:
  explicit MemorySink(std::map<std::string, std::string>* objects) : objects_(objects) {}
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes, std::string_view) override {
    (*objects_)[std::string(bucket) + "/" + std::string(key)] = std::string(bytes);
    return Status::OK();
  }
  Status DeleteObject(std::string_view bucket, std::string_view key) override {
    objects_->erase(std::string(bucket) + "/" + std::string(key));
    return Status::OK();
  }

 private:
  std::map<std::string, std::string>* objects_;
};

TEST_F(ObjectSinks, RunnerWritesADeliveryWithAnEndpointThroughTheRemoteSinkOnly) {
  DeliverySpec remote;
  remote.name = "remote";
  remote.destination.bucket_arn = "arn:aws:s3:::bkt";
  remote.destination.bucket = "bkt";
  remote.destination.endpoint = "HTTP://127.0.0.1:9000/";
  auto created = store_->Create(remote);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->destination.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(store_->Get("remote")->destination.endpoint, "http://127.0.0.1:9000");  // stored
  DeliverySpec local = MustCreate("local", 5, 60);
  ASSERT_TRUE(store_->Put(*created, {"r1\n", "r2\n"}).ok());
  ASSERT_TRUE(store_->Put(local, {"l1\n"}).ok());

  // Without a remote factory the delivery cannot run here, and says where its bucket is.
  DeliveryRunner plain(log_.get(), buckets_.get(), nullptr);
  auto refused = plain.Flush("remote", NowMs());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("http://127.0.0.1:9000"), std::string::npos);

  std::map<std::string, std::string> objects;
  std::vector<std::string> endpoints;
  DeliveryRunner runner(log_.get(), buckets_.get(), nullptr,
                        [&](const std::string& endpoint) -> Result<std::unique_ptr<ObjectSink>> {
                          endpoints.push_back(endpoint);
                          return std::unique_ptr<ObjectSink>(std::make_unique<MemorySink>(&objects));
                        });
  EXPECT_EQ(*runner.Flush("remote", NowMs()), 1u);
  EXPECT_EQ(*runner.Flush("local", NowMs()), 1u);
  EXPECT_EQ(endpoints, std::vector<std::string>{"http://127.0.0.1:9000"});
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects.begin()->second, "r1\nr2\n");
  EXPECT_EQ(objects.begin()->first, "bkt/" + (*store_->Objects(*created))[0].seal.key);
  // The local delivery's object is in the local bucket; the remote one's is not.
  ASSERT_EQ(Keys().size(), 1u);
  EXPECT_EQ(Object(Keys()[0]), "l1\n");

  DeliverySpec bad = remote;
  bad.name = "bad";
  bad.destination.endpoint = "s3.example.com";
  EXPECT_TRUE(store_->Create(bad).status().IsInvalidArgument());
}

// An endpoint that refuses every object while `down`, counting the attempts.
class FlakySink : public ObjectSink {
 public:
  FlakySink(bool* down, int* attempts, std::map<std::string, std::string>* objects)
      : down_(down), attempts_(attempts), objects_(objects) {}
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes, std::string_view) override {
    ++*attempts_;
    if (*down_) return Status::IOError("PUT http://127.0.0.1:9000/" + std::string(bucket) + ": connection refused");
    (*objects_)[std::string(bucket) + "/" + std::string(key)] = std::string(bytes);
    return Status::OK();
  }
  Status DeleteObject(std::string_view, std::string_view) override { return Status::OK(); }

 private:
  bool* down_;
  int* attempts_;
  std::map<std::string, std::string>* objects_;
};

// A delivery whose endpoint is down is tried again after 1 s, 2 s, 4 s ... up to 60 s, not at every
// poll; the runner's deadline says when; once the endpoint is back the object is delivered and the
// delivery waits no more. A delivery that works is polled as before meanwhile.
TEST_F(ObjectSinks, AFailingDeliveryBacksOffUntilItSucceeds) {
  DeliverySpec remote;
  remote.name = "remote";
  remote.destination.bucket_arn = "arn:aws:s3:::bkt";
  remote.destination.bucket = "bkt";
  remote.destination.endpoint = "http://127.0.0.1:9000";
  remote.destination.interval_seconds = 60;
  auto created = store_->Create(remote);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(store_->Put(*created, {"r1\n"}).ok());
  DeliverySpec local = MustCreate("local", 5, 60);
  bool down = true;
  int attempts = 0;
  std::map<std::string, std::string> objects;
  std::vector<std::string> notices;
  DeliveryRunner runner(
      log_.get(), buckets_.get(), [&](const std::string& m) { notices.push_back(m); },
      [&](const std::string&) -> Result<std::unique_ptr<ObjectSink>> {
        return std::unique_ptr<ObjectSink>(std::make_unique<FlakySink>(&down, &attempts, &objects));
      });
  uint64_t now = NowMs() + 120'000;  // past the 60 s interval: the buffer is due
  ASSERT_TRUE(runner.PollAll(now).ok());
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(runner.next_deadline_ms(), now + 1000);
  uint64_t wait = 1000;
  for (int round = 0; round < 8; ++round) {
    ASSERT_TRUE(runner.PollAll(now + wait - 1).ok());  // before the backoff ends: not tried
    EXPECT_EQ(attempts, 1 + round) << round;
    ASSERT_TRUE(store_->Put(local, {"l\n"}).ok());  // the other delivery is polled meanwhile
    now += wait;
    ASSERT_TRUE(runner.PollAll(now).ok());
    EXPECT_EQ(attempts, 2 + round) << round;
    wait = std::min<uint64_t>(2 * wait, 60'000);
    EXPECT_EQ(runner.next_deadline_ms(), now + wait) << round;
  }
  EXPECT_EQ(wait, 60'000u);       // capped
  EXPECT_EQ(notices.size(), 1u);  // one notice per new message
  EXPECT_TRUE(objects.empty());
  down = false;
  now += wait;
  ASSERT_TRUE(runner.PollAll(now).ok());
  EXPECT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects.begin()->second, "r1\n");
  ASSERT_TRUE(store_->Put(*created, {"r2\n"}).ok());
  ASSERT_TRUE(runner.PollAll(now + 61'000).ok());  // no backoff left: delivered at the next due poll
  EXPECT_EQ(objects.size(), 2u);
  // The local delivery went on: its buffer was delivered by the clock while the other waited.
  EXPECT_FALSE(Keys().empty());
}

}  // namespace
}  // namespace freshet::stream::delivery
