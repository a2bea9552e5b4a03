// The server's library-independent parsing (tools/http/http_request_parts.h).
#include "tools/http/http_request_parts.h"

#include <gtest/gtest.h>

namespace freshet::http {
namespace {

TEST(HttpRequestPartsTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("/a%20b/%E2%82%AC+c", false), "/a b/\u20ac+c");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(PercentDecode("%zz%4%", true), "%zz%4%");  // invalid escapes kept as written
  EXPECT_EQ(PercentDecode("%41%6a", false), "Aj");
}

TEST(HttpRequestPartsTest, MakeRequestSplitsTargetAndQuery) {
  Request request = MakeRequest("GET", "/p%3Aq?a=1&&b&c=%3D%26&a=2", {{"host", "h"}}, "", "::1");
  EXPECT_EQ(request.path, "/p:q");
  EXPECT_EQ(request.raw_target, "/p%3Aq?a=1&&b&c=%3D%26&a=2");
  std::vector<std::pair<std::string, std::string>> query = {{"a", "1"}, {"b", ""}, {"c", "=&"}, {"a", "2"}};
  EXPECT_EQ(request.query, query);
  ASSERT_NE(request.Header("host"), nullptr);
  EXPECT_EQ(*request.Header("host"), "h");
  EXPECT_EQ(request.Header("Host"), nullptr);  // names are matched lower-case
  EXPECT_TRUE(MakeRequest("GET", "/", {}, "", "").query.empty());
}

TEST(HttpRequestPartsTest, CheckBodyHeaders) {
  std::string length = "100";
  EXPECT_TRUE(CheckBodyHeaders("POST", &length, false, 100).ok);
  EXPECT_TRUE(CheckBodyHeaders("POST", nullptr, true, 100).ok);  // chunked: checked while read
  EXPECT_TRUE(CheckBodyHeaders("GET", nullptr, false, 100).ok);
  std::string zero = "0";
  EXPECT_TRUE(CheckBodyHeaders("GET", &zero, false, 100).ok);
  std::string over = "101";
  BodyCheck check = CheckBodyHeaders("PUT", &over, false, 100);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.status, 413);
  EXPECT_EQ(check.type, "RequestEntityTooLargeException");
  for (std::string bad : {"", "-1", "1x", " 5", "99999999999999999999999"}) {
    check = CheckBodyHeaders("POST", &bad, false, 100);
    EXPECT_FALSE(check.ok) << bad;
    EXPECT_EQ(check.status, 400) << bad;
  }
  for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_EQ(CheckBodyHeaders(method, &length, false, 1000).status, 400) << method;
    EXPECT_EQ(CheckBodyHeaders(method, nullptr, true, 1000).status, 400) << method;
  }
}

TEST(HttpRequestPartsTest, ErrorBodies) {
  EXPECT_EQ(ErrorBody("T", "m \"q\""), R"({"__type":"T","message":"m \"q\""})");
  Response internal = InternalErrorResponse("bad \xff byte");  // invalid UTF-8 from what() is replaced
  EXPECT_EQ(internal.status, 500);
  EXPECT_NE(internal.body.find("InternalFailure"), std::string::npos);
}

}  // namespace
}  // namespace freshet::http
