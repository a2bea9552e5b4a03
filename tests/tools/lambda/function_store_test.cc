// Tests of tools/lambda/function_store: definitions in meta, code on disk, updates, validation.
#include "tools/lambda/function_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/tools/lambda/lambda_test_util.h"

namespace freshet::lambda {
namespace {

FunctionConfig Config(const std::string& name) {
  FunctionConfig c;
  c.name = name;
  c.runtime = "python3.12";
  c.handler = "app.handler";
  c.role = "arn:aws:iam::000000000000:role/x";
  c.environment = {{"TABLE", "t"}};
  return c;
}

TEST(FunctionStoreTest, CreateGetListUpdateDelete) {
  freshet::test::TempDir dir;
  auto db = test::OpenDb(dir.path());
  FunctionStore store(db.get(), dir.path());
  auto created = store.Create(Config("f1"), test::ZipOf({{"app.py", "def handler(e, c):\n  return 1\n"}}));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created.value().code_sha256.size(), 64u);
  EXPECT_TRUE(std::filesystem::exists(store.CodeDir(created.value()) + "/app.py"));
  EXPECT_EQ(store.Create(Config("f1"), test::ZipOf({{"app.py", ""}})).status().code(), Status::Code::kAlreadyExists);

  auto got = store.Get("f1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value().environment.at("TABLE"), "t");
  EXPECT_EQ(got.value().revision_id, created.value().revision_id);

  ASSERT_TRUE(store.Create(Config("f0"), test::ZipOf({{"app.py", "x=0\n"}})).ok());
  auto list = store.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 2u);
  EXPECT_EQ(list.value()[0].name, "f0");

  std::string old_dir = store.CodeDir(created.value());
  auto updated = store.UpdateCode("f1", test::ZipOf({{"app.py", "def handler(e, c):\n  return 2\n"}}));
  ASSERT_TRUE(updated.ok());
  EXPECT_NE(updated.value().code_sha256, created.value().code_sha256);
  EXPECT_NE(updated.value().revision_id, created.value().revision_id);
  EXPECT_FALSE(std::filesystem::exists(old_dir));
  EXPECT_TRUE(std::filesystem::exists(store.CodeDir(updated.value()) + "/app.py"));

  auto configured = store.UpdateConfiguration("f1", [](FunctionConfig* c) {
    c->timeout_seconds = 9;
    return Status::OK();
  });
  ASSERT_TRUE(configured.ok());
  EXPECT_EQ(store.Get("f1").value().timeout_seconds, 9);
  EXPECT_EQ(store
                .UpdateConfiguration("f1",
                                     [](FunctionConfig* c) {
                                       c->timeout_seconds = 0;
                                       return Status::OK();
                                     })
                .status()
                .code(),
            Status::Code::kInvalidArgument);

  ASSERT_TRUE(store.Delete("f1").ok());
  EXPECT_EQ(store.Get("f1").status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/functions/f1"));
  EXPECT_EQ(store.Delete("f1").code(), Status::Code::kNotFound);
}

TEST(FunctionStoreTest, RuntimeNamesMapToLocalInterpreters) {
  EXPECT_EQ(RuntimeKindFor("python3.12").value(), RuntimeKind::kPython);
  EXPECT_EQ(RuntimeKindFor("python3.9").value(), RuntimeKind::kPython);
  EXPECT_EQ(RuntimeKindFor("nodejs20.x").value(), RuntimeKind::kNode);
  EXPECT_EQ(RuntimeKindFor("nodejs18.x").value(), RuntimeKind::kNode);
  EXPECT_EQ(RuntimeKindFor("provided.al2023").value(), RuntimeKind::kProvided);
  EXPECT_FALSE(RuntimeKindFor("java21").ok());
  EXPECT_FALSE(RuntimeKindFor("python2.7").ok());
}

TEST(FunctionStoreTest, ValidatesFields) {
  FunctionConfig c = Config("bad name");
  EXPECT_EQ(ValidateFunction(c).code(), Status::Code::kInvalidArgument);
  c = Config("ok");
  c.handler = "nodot";
  EXPECT_EQ(ValidateFunction(c).code(), Status::Code::kInvalidArgument);
  c = Config("ok");
  c.memory_mb = 64;
  EXPECT_EQ(ValidateFunction(c).code(), Status::Code::kInvalidArgument);
  c = Config("ok");
  c.environment["1BAD"] = "x";
  EXPECT_EQ(ValidateFunction(c).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(ValidateFunction(Config("ok")).ok());
}

}  // namespace
}  // namespace freshet::lambda
