// A Dispatcher over a fresh writer Db, for tests of the registry's handlers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tests/test_util.h"
#include "tools/protocol/dispatcher.h"

namespace freshet::protocol::test {

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(Settings{}); }
  void Open(Settings settings) {
    dispatcher_.reset();
    engine_.reset();
    log_.reset();
    db_.reset();
    storage::OpenOptions options;
    options.sync = false;
    auto db = storage::Db::Open(dir_.path() + "/data", options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    log_ = std::make_unique<stream::StreamLog>(db_.get());
    engine_ = std::make_unique<Engine>(log_.get());
    dispatcher_ = std::make_unique<Dispatcher>(engine_.get(), settings);
  }
  Reply K(const std::string& op, const Json& request, uint64_t now_ms = 0) {
    RequestContext context;
    context.now_ms = now_ms;
    return dispatcher_->Dispatch(Target(Service::kKinesis, op), request, context);
  }
  static uint64_t NowPlus(uint64_t ms) { return stream::NowMs() + ms; }
  // The body of a successful call (the test fails otherwise).
  Json Ok(const std::string& op, const Json& request) {
    Reply r = K(op, request);
    EXPECT_EQ(r.http_status, 200) << op << ": " << r.body.dump();
    return r.body;
  }
  // The __type of a failed call.
  std::string ErrorType(const Reply& r) { return r.http_status == 200 ? "(ok)" : r.body.value("__type", "?"); }
  std::string Message(const Reply& r) { return r.body.value("message", ""); }

  freshet::test::TempDir dir_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<stream::StreamLog> log_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace freshet::protocol::test
