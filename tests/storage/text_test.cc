// The one JSON string escaper and UTF-8 validator (storage/text.h).
#include "storage/text.h"

#include <gtest/gtest.h>

#include <string>

namespace freshet::text {
namespace {

std::string Json(std::string_view s) {
  std::string out = "prefix:";
  AppendJsonString(s, &out);
  return out;
}

TEST(TextTest, JsonStringEscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(Json(""), "prefix:\"\"");
  EXPECT_EQ(Json("plain"), "prefix:\"plain\"");
  EXPECT_EQ(Json("a\"b\\c\n\r\t"), "prefix:\"a\\\"b\\\\c\\n\\r\\t\"");
  EXPECT_EQ(Json(std::string("\x01\x1f", 2)), "prefix:\"\\u0001\\u001f\"");
  EXPECT_EQ(Json(std::string("a\0b", 3)), "prefix:\"a\\u0000b\"");
  EXPECT_EQ(Json("é \x7f"), "prefix:\"é \x7f\"");  // UTF-8 and DEL as they are
  EXPECT_EQ(Json("\"\""), "prefix:\"\\\"\\\"\"");
}

// PutJsonString writes what AppendJsonString appends, for every byte, within 6 * size + 2.
TEST(TextTest, PutJsonStringWritesWhatAppendJsonStringAppends) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  for (const std::string& s :
       {std::string(), std::string("plain"), all, std::string(40, '\x01'), std::string(9, '"')}) {
    std::string appended;
    AppendJsonString(s, &appended);
    std::string buffer(6 * s.size() + 2 + 8, '#');
    char* end = PutJsonString(s, buffer.data());
    ASSERT_LE(static_cast<size_t>(end - buffer.data()), 6 * s.size() + 2);
    EXPECT_EQ(std::string(buffer.data(), end), appended);
    EXPECT_EQ(buffer.substr(6 * s.size() + 2), "########");  // nothing written past the room
  }
}

TEST(TextTest, Utf8AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii"));
  EXPECT_TRUE(IsValidUtf8("é"));                 // 2 bytes
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // € 3 bytes
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // 4 bytes
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(TextTest, Utf8RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("ok\xc3("));  // bad continuation
}

}  // namespace
}  // namespace freshet::text

namespace freshet::text {
namespace {

TEST(TextTest, Base64RoundTripsAndIsStrict) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");  // RFC 4648 section 10
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string back;
  ASSERT_TRUE(DecodeBase64(EncodeBase64(all), &back));
  EXPECT_EQ(back, all);
  ASSERT_TRUE(DecodeBase64("Zm8=", &back));
  EXPECT_EQ(back, "fo");
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zh==", "Zm9=", "Zm 8", "Zm8=Zm8=", "=Zm8", "Zm-_"}) {
    EXPECT_FALSE(DecodeBase64(bad, &back)) << bad;
  }
}

}  // namespace
}  // namespace freshet::text
