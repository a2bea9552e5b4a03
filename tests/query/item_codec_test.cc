#include "query/item_codec.h"

#include <gtest/gtest.h>

#include "query/item_json.h"

namespace freshet::query {
namespace {

Item RichItem() {
  Item inner;
  inner.Set("x", AttributeValue::N("-0.000120"));
  inner.Set("y", AttributeValue::L({AttributeValue::Null(), AttributeValue::Bool(false)}));
  Item item;
  item.Set("station", AttributeValue::S("USW00093721"));
  item.Set("TMAX", AttributeValue::N("22.80"));
  item.Set("raw", AttributeValue::B(std::string("\0\x01\xff", 3)));
  item.Set("ok", AttributeValue::Bool(true));
  item.Set("none", AttributeValue::Null());
  item.Set("nested", AttributeValue::M(inner));
  item.Set("tags", AttributeValue::Set(AttributeValue::Type::kSS, {AttributeValue::S("a"), AttributeValue::S("b")}));
  item.Set("nums", AttributeValue::Set(AttributeValue::Type::kNS, {AttributeValue::N("1E+3"), AttributeValue::N("7")}));
  item.Set("bins", AttributeValue::Set(AttributeValue::Type::kBS, {AttributeValue::B("\x01")}));
  item.Set("empty", AttributeValue::S(""));
  return item;
}

TEST(ItemCodecTest, RoundTripsEveryType) {
  const Item item = RichItem();
  std::string encoded;
  EncodeItemValue(item, "", "", &encoded);
  Item decoded;
  ASSERT_TRUE(DecodeItemValue(encoded, &decoded));
  EXPECT_EQ(decoded, item) << ItemToTypedJson(decoded);
}

TEST(ItemCodecTest, SkipsKeyAttributes) {
  std::string encoded;
  EncodeItemValue(RichItem(), "station", "TMAX", &encoded);
  Item decoded;
  ASSERT_TRUE(DecodeItemValue(encoded, &decoded));
  EXPECT_EQ(decoded.Find("station"), nullptr);
  EXPECT_EQ(decoded.Find("TMAX"), nullptr);
  EXPECT_EQ(decoded.size(), RichItem().size() - 2);
}

TEST(ItemCodecTest, IsCompact) {
  Item item;
  item.Set("PRCP", AttributeValue::N("0.5"));
  item.Set("TMAX", AttributeValue::N("22.8"));
  item.Set("TMIN", AttributeValue::N("11.1"));
  std::string encoded;
  EncodeItemValue(item, "", "", &encoded);
  EXPECT_LE(encoded.size(), 2u + 3 * 11);  // version, count, then ~10 bytes per attribute
}

TEST(ItemCodecTest, RejectsEveryTruncation) {
  std::string encoded;
  EncodeItemValue(RichItem(), "", "", &encoded);
  for (size_t n = 0; n < encoded.size(); ++n) {
    Item decoded;
    EXPECT_FALSE(DecodeItemValue(encoded.substr(0, n), &decoded)) << n;
  }
  Item decoded;
  EXPECT_FALSE(DecodeItemValue(encoded + "x", &decoded));
  EXPECT_FALSE(DecodeItemValue("\x02\x00", &decoded));
}

}  // namespace
}  // namespace freshet::query
