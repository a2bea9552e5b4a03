// The delivery commands without an owner: create, put (data and file), flush (run in process),
// list, describe with the delivered objects, errors and exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/process.h"

namespace freshet::test {
namespace {

class DeliveryCliTest : public ::testing::Test {
 protected:
  ProcessResult Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", dir_.path() + "/data"});
    return RunFreshet(args, input);
  }
  TempDir dir_;
};

TEST_F(DeliveryCliTest, CreatePutFlushDescribe) {
  auto r = Run({"delivery", "create", "logs", "--bucket", "logs", "--prefix", "app/", "--interval", "60"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"delivery", "create", "logs", "--bucket", "logs"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  r = Run({"delivery", "put", "logs", "--data", "first\n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"delivery", "put", "logs", "--file", "-"}, "second\nthird\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "put 2 records\n");
  // No bucket yet: the flush fails and nothing is lost.
  r = Run({"delivery", "flush", "logs"});
  EXPECT_NE(r.exit_code, 0);
  std::filesystem::create_directories(dir_.path() + "/data/buckets/logs");
  r = Run({"delivery", "flush", "logs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "flushed logs: 1 objects written\n");
  r = Run({"delivery", "describe", "logs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("delivered: 1 objects, 3 records"), std::string::npos) << r.out;
  std::string key;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() + "/data/buckets/logs")) {
    if (e.is_regular_file()) key = e.path().string();
  }
  ASSERT_FALSE(key.empty());
  EXPECT_NE(key.find("/app/"), std::string::npos) << key;
  std::ifstream in(key);
  std::stringstream body;
  body << in.rdbuf();
  EXPECT_EQ(body.str(), "first\nsecond\nthird\n");
  r = Run({"delivery", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("logs  DirectPut  ACTIVE"), std::string::npos) << r.out;
  r = Run({"delivery", "delete", "logs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"delivery", "describe", "logs"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(key));  // objects stay
}

}  // namespace
}  // namespace freshet::test
