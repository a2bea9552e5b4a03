// Tests of tools/lambda/function_routes: storing routes and matching paths against templates.
#include "tools/lambda/function_routes.h"

#include <gtest/gtest.h>

#include "tests/tools/lambda/lambda_test_util.h"

namespace freshet::lambda {
namespace {

TEST(FunctionRoutesTest, StoreListDelete) {
  freshet::test::TempDir dir;
  auto db = test::OpenDb(dir.path());
  ASSERT_TRUE(PutRoute(db.get(), {"POST", "/customers", "api"}).ok());
  ASSERT_TRUE(PutRoute(db.get(), {"GET", "/customers/{id}", "api"}).ok());
  EXPECT_EQ(PutRoute(db.get(), {"FETCH", "/x", "api"}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(PutRoute(db.get(), {"GET", "no-slash", "api"}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(PutRoute(db.get(), {"GET", "/{rest+}/x", "api"}).code(), Status::Code::kInvalidArgument);
  auto routes = ListRoutes(*db);
  ASSERT_TRUE(routes.ok());
  ASSERT_EQ(routes.value().size(), 2u);
  ASSERT_TRUE(DeleteRoute(db.get(), "POST", "/customers").ok());
  EXPECT_EQ(DeleteRoute(db.get(), "POST", "/customers").code(), Status::Code::kNotFound);
  EXPECT_EQ(ListRoutes(*db).value().size(), 1u);
}

TEST(FunctionRoutesTest, MatchesTemplatesAndPrefersLiterals) {
  std::vector<Route> routes = {{"GET", "/customers/{id}", "by-id"},
                               {"GET", "/customers/vip", "vip"},
                               {"ANY", "/files/{path+}", "files"},
                               {"POST", "/customers", "create"}};
  auto m = MatchRoute(routes, "GET", "/customers/c7");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route.function, "by-id");
  EXPECT_EQ(m->path_parameters.at("id"), "c7");
  EXPECT_EQ(MatchRoute(routes, "GET", "/customers/vip")->route.function, "vip");
  auto files = MatchRoute(routes, "DELETE", "/files/a/b/c.txt");
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->path_parameters.at("path"), "a/b/c.txt");
  EXPECT_EQ(MatchRoute(routes, "POST", "/customers")->route.function, "create");
  EXPECT_FALSE(MatchRoute(routes, "GET", "/customers").has_value());      // POST only
  EXPECT_FALSE(MatchRoute(routes, "GET", "/customers/a/b").has_value());  // one segment only
  EXPECT_FALSE(MatchRoute(routes, "GET", "/files").has_value());          // {path+} needs one
  EXPECT_FALSE(MatchRoute(routes, "GET", "/other").has_value());
}

}  // namespace
}  // namespace freshet::lambda
