// The owner's socket: the same AWS requests as HTTP, and descriptors that do not leak.
#include "tools/transport/owner_socket.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"
#include "tests/tools/protocol/protocol_test_util.h"

namespace freshet::transport {
namespace {

size_t OpenDescriptors() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d)) ++n;
  closedir(d);
  return n;
}

class OwnerSocketTest : public protocol::test::DispatcherTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DispatcherTest::SetUp());
    auto server = OwnerServer::Start(dir_.path(), dispatcher_.get());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override { server_->Stop(); }
  // Waits until the server has closed its side of every finished connection.
  void WaitForNoConnections() {
    for (int i = 0; i < 500 && server_->open_connections() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::unique_ptr<OwnerServer> server_;
};

TEST_F(OwnerSocketTest, CarriesAwsRequestsAndReplies) {
  auto client = OwnerEndpoint::Connect(dir_.path());
  ASSERT_TRUE(client.ok());
  Reply created = (*client)->Call("Kinesis_20131202.CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  EXPECT_EQ(created.http_status, 200);
  Reply again = (*client)->Call("Kinesis_20131202.CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  EXPECT_EQ(again.http_status, 400);
  EXPECT_EQ(again.body["__type"], "ResourceInUseException");
  Reply unknown = (*client)->Call("Nope.Nope", Json::object());
  EXPECT_EQ(unknown.body["__type"], "UnknownOperationException");
}

TEST_F(OwnerSocketTest, ThousandsOfShortConnectionsKeepDescriptorsFlat) {
  {  // warm up: the first connection starts threads and opens files once
    auto client = OwnerEndpoint::Connect(dir_.path());
    ASSERT_TRUE(client.ok());
    ASSERT_EQ((*client)->Call("Kinesis_20131202.ListStreams", Json::object()).http_status, 200);
  }
  WaitForNoConnections();
  const size_t before = OpenDescriptors();
  for (int i = 0; i < 3000; ++i) {
    auto client = OwnerEndpoint::Connect(dir_.path());
    ASSERT_TRUE(client.ok()) << "connection " << i << ": " << client.status().ToString();
    ASSERT_EQ((*client)->Call("Kinesis_20131202.ListStreams", Json::object()).http_status, 200);
  }
  WaitForNoConnections();
  EXPECT_EQ(server_->open_connections(), 0u);
  // Before the fix every finished connection kept its descriptor until Stop: +3000 here.
  EXPECT_LE(OpenDescriptors(), before + 2);
}

}  // namespace
}  // namespace freshet::transport
