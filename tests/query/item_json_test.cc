#include "query/item_json.h"

#include <gtest/gtest.h>

namespace freshet::query {
namespace {

TEST(ItemJsonTest, TypedRoundTripIsExact) {
  const std::string typed =
      R"({"B":{"B":"AAH/"},"BS":{"BS":["AQ==","Ag=="]},"L":{"L":[{"N":"1"},{"S":"x"},{"NULL":true}]},)"
      R"("M":{"M":{"a":{"BOOL":false},"b":{"N":"-1.250E-7"}}},"NS":{"NS":["1","2.50"]},)"
      R"("SS":{"SS":["a","b"]},"TMAX":{"N":"22.80"},"flag":{"BOOL":true},"station":{"S":"USW00093721"}})";
  auto item = ParseItemJson(typed);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->Find("TMAX")->type(), AttributeValue::Type::kN);
  EXPECT_EQ(item->Find("TMAX")->scalar(), "22.80");
  EXPECT_EQ(item->Find("B")->scalar(), std::string("\x00\x01\xff", 3));
  EXPECT_EQ(ItemToTypedJson(*item), typed);
  auto again = ParseItemJson(ItemToTypedJson(*item));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *item);
}

TEST(ItemJsonTest, PlainNumbersKeepTheirText) {
  auto item = ParseItemJson(
      R"({"station":"USW00093721","TMAX":22.80,"n":-7,"big":123456789012345678901234567890,"e":1.5e-3,"b":true,"z":null,"l":[1,"a"],"m":{"k":0.10}})");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->Find("TMAX")->scalar(), "22.80");
  EXPECT_EQ(item->Find("n")->scalar(), "-7");
  EXPECT_EQ(item->Find("big")->scalar(), "123456789012345678901234567890");
  EXPECT_EQ(item->Find("e")->scalar(), "1.5e-3");
  EXPECT_EQ(item->Find("b")->type(), AttributeValue::Type::kBool);
  EXPECT_EQ(item->Find("z")->type(), AttributeValue::Type::kNull);
  EXPECT_EQ(item->Find("l")->type(), AttributeValue::Type::kL);
  EXPECT_EQ(item->Find("m")->map().Find("k")->scalar(), "0.10");
  EXPECT_EQ(
      ItemToPlainJson(*item),
      R"({"TMAX":22.80,"b":true,"big":123456789012345678901234567890,"e":1.5e-3,"l":[1,"a"],"m":{"k":0.10},"n":-7,"station":"USW00093721","z":null})");
  auto again = ParseItemJson(ItemToPlainJson(*item));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *item);
}

TEST(ItemJsonTest, PlainAndTypedFormsGiveTheSameItem) {
  auto plain = ParseItemJson(R"({"station":"USW00093721","TMAX":22.8})");
  auto typed = ParseItemJson(R"({"station":{"S":"USW00093721"},"TMAX":{"N":"22.8"}})");
  ASSERT_TRUE(plain.ok() && typed.ok());
  EXPECT_EQ(*plain, *typed);
}

TEST(ItemJsonTest, MixedFormIsPlain) {
  // Not every value is a type descriptor, so the whole item is plain.
  auto item = ParseItemJson(R"({"a":{"S":"x"},"b":1})");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->Find("a")->type(), AttributeValue::Type::kM);
}

TEST(ItemJsonTest, ErrorsNameWhatAndWhere) {
  auto bad_json = ParseItemJson(R"({"a":1,)");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_TRUE(bad_json.status().IsInvalidArgument());
  EXPECT_NE(bad_json.status().message().find("byte"), std::string::npos) << bad_json.status().message();

  auto bad_number = ParseItemJson(R"({"TMAX":{"N":"abc"}})");
  ASSERT_FALSE(bad_number.ok());
  EXPECT_NE(bad_number.status().message().find("TMAX"), std::string::npos);

  auto bad_b64 = ParseItemJson(R"({"x":{"B":"!!"}})");
  EXPECT_FALSE(bad_b64.ok());
  auto bad_null = ParseItemJson(R"({"x":{"NULL":false}})");
  EXPECT_FALSE(bad_null.ok());
  auto not_object = ParseItemJson("[1]");
  EXPECT_FALSE(not_object.ok());
  std::string deep(40, '[');
  deep = "{\"a\":" + deep + std::string(40, ']') + "}";
  EXPECT_FALSE(ParseItemJson(deep).ok());
}

TEST(ItemJsonTest, EscapesStrings) {
  Item item;
  item.Set("s", AttributeValue::S("a\"b\\c\n\x01"));
  EXPECT_EQ(ItemToPlainJson(item), R"({"s":"a\"b\\c\n\u0001"})");
  auto back = ParseItemJson(ItemToTypedJson(item));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, item);
}

TEST(ItemJsonTest, Base64RoundTrips) {
  for (std::string s :
       {std::string(), std::string("a"), std::string("ab"), std::string("abc"), std::string("\0\xff\x10\x20", 4)}) {
    std::string back;
    ASSERT_TRUE(DecodeBase64(EncodeBase64(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(DecodeBase64("abc", &out));
  EXPECT_FALSE(DecodeBase64("a=bc", &out));
}

}  // namespace
}  // namespace freshet::query
