// CBOR (tools/http/cbor.h): RFC 8949 appendix A examples (bytes from an independent encoder),
// AWS's conventions (blobs as base64, tag 1 timestamps), refusals, and round trips.
#include "tools/http/cbor.h"

#include <gtest/gtest.h>

#include "tools/http/base64.h"

namespace freshet::http {
namespace {

using nlohmann::json;

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

json Decode(std::string_view hex) {
  auto result = CborToJson(Hex(hex));
  EXPECT_TRUE(result.ok()) << hex << ": " << result.status().ToString();
  return result.ok() ? *result : json("decode failed");
}

TEST(CborTest, Rfc8949AppendixAExamples) {
  EXPECT_EQ(Decode("00"), json(0));
  EXPECT_EQ(Decode("17"), json(23));
  EXPECT_EQ(Decode("1818"), json(24));
  EXPECT_EQ(Decode("1903e8"), json(1000));
  EXPECT_EQ(Decode("1a000f4240"), json(1000000));
  EXPECT_EQ(Decode("1b000000e8d4a51000"), json(1000000000000));
  EXPECT_EQ(Decode("1bffffffffffffffff"), json(18446744073709551615ULL));
  EXPECT_EQ(Decode("20"), json(-1));
  EXPECT_EQ(Decode("29"), json(-10));
  EXPECT_EQ(Decode("3903e7"), json(-1000));
  EXPECT_EQ(Decode("f90000"), json(0.0));
  EXPECT_EQ(Decode("f93c00"), json(1.0));
  EXPECT_EQ(Decode("fb3ff199999999999a"), json(1.1));
  EXPECT_EQ(Decode("f93e00"), json(1.5));
  EXPECT_EQ(Decode("fa47c35000"), json(100000.0));
  EXPECT_EQ(Decode("fbc010666666666666"), json(-4.1));
  EXPECT_EQ(Decode("f4"), json(false));
  EXPECT_EQ(Decode("f5"), json(true));
  EXPECT_EQ(Decode("f6"), json(nullptr));
  EXPECT_EQ(Decode("f7"), json(nullptr));  // undefined
  // Tag 0 (date/time string) is dropped, its content kept; tag 1 becomes its number.
  EXPECT_EQ(Decode("c074323031332d30332d32315432303a30343a30305a"), json("2013-03-21T20:04:00Z"));
  EXPECT_EQ(Decode("c11a514b67b0"), json(1363896240));
  EXPECT_EQ(Decode("c1fb41d452d9ec200000"), json(1363896240.5));
  EXPECT_EQ(Decode("d74401020304"), json(Base64Encode(Hex("01020304"))));  // tag 23 dropped
  EXPECT_EQ(Decode("40"), json(""));
  EXPECT_EQ(Decode("4401020304"), json("AQIDBA=="));
  EXPECT_EQ(Decode("60"), json(""));
  EXPECT_EQ(Decode("6161"), json("a"));
  EXPECT_EQ(Decode("6449455446"), json("IETF"));
  EXPECT_EQ(Decode("62225c"), json("\"\\"));
  EXPECT_EQ(Decode("62c3bc"), json("\u00fc"));
  EXPECT_EQ(Decode("63e6b0b4"), json("\u6c34"));
  EXPECT_EQ(Decode("64f0908591"), json("\U00010151"));
  EXPECT_EQ(Decode("80"), json::array());
  EXPECT_EQ(Decode("83010203"), json({1, 2, 3}));
  EXPECT_EQ(Decode("8301820203820405"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(Decode("98190102030405060708090a0b0c0d0e0f101112131415161718181819")[24], json(25));
  EXPECT_EQ(Decode("a0"), json::object());
  EXPECT_EQ(Decode("a26161016162820203"), json::parse(R"({"a":1,"b":[2,3]})"));
  EXPECT_EQ(Decode("826161a161626163"), json::parse(R"(["a",{"b":"c"}])"));
  EXPECT_EQ(Decode("a56161614161626142616361436164614461656145"),
            json::parse(R"({"a":"A","b":"B","c":"C","d":"D","e":"E"})"));
  // Indefinite lengths.
  EXPECT_EQ(Decode("5f42010243030405ff"), json(Base64Encode(Hex("0102030405"))));
  EXPECT_EQ(Decode("7f657374726561646d696e67ff"), json("streaming"));
  EXPECT_EQ(Decode("9fff"), json::array());
  EXPECT_EQ(Decode("9f018202039f0405ffff"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(Decode("83018202039f0405ff"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(Decode("bf61610161629f0203ffff"), json::parse(R"({"a":1,"b":[2,3]})"));
  EXPECT_EQ(Decode("bf6346756ef563416d7421ff"), json::parse(R"({"Fun":true,"Amt":-2})"));
}

TEST(CborTest, RefusesWhatJsonCannotCarry) {
  const char* kBad[] = {
      "a201020304",          // integer map keys (RFC 8949 example {1: 2, 3: 4})
      "a1f56161",            // boolean key
      "a14161f5",            // byte-string key
      "62c328",              // invalid UTF-8
      "f97e00",              // NaN
      "f97c00",              // Infinity
      "3bffffffffffffffff",  // -2^64
      "",                    // nothing
      "1903",                // truncated integer
      "83010203"
      "00",  // trailing bytes
      "820102"
      "03",                  // trailing bytes
      "8301",                // unfinished array
      "9f01",                // unfinished indefinite array
      "ff",                  // break outside an indefinite item
      "bf6161ff",            // indefinite map ending after a key
      "5f6161ff",            // text chunk inside a byte string
      "5f5f4101ffff",        // indefinite string inside another
      "1c",                  // reserved additional information
      "9b7fffffffffffffff",  // array claiming more items than bytes
  };
  for (const char* hex : kBad) {
    auto result = CborToJson(Hex(hex));
    EXPECT_FALSE(result.ok()) << hex << " gave " << (result.ok() ? result->dump() : "");
    if (!result.ok()) {
      EXPECT_TRUE(result.status().IsInvalidArgument()) << hex;
    }
  }
  // Nesting: 64 levels are read, 65 refused.
  std::string deep_ok(63, '\x81');
  deep_ok.push_back('\x00');
  EXPECT_TRUE(CborToJson(deep_ok).ok());
  std::string too_deep(65, '\x81');
  too_deep.push_back('\x00');
  EXPECT_FALSE(CborToJson(too_deep).ok());
  std::string very_deep(100000, '\x9f');
  EXPECT_FALSE(CborToJson(very_deep).ok());
}

TEST(CborTest, EncodesBlobsAsByteStringsAndTimestampsWithTag1) {
  json value = {{"Data", "AQID"}, {"ApproximateArrivalTimestamp", 1363896240}, {"PartitionKey", "k"}};
  std::string bytes = JsonToCbor(value, {"Data"}, {"ApproximateArrivalTimestamp"});
  // nlohmann's object is a sorted map: members come out in name order.
  EXPECT_EQ(ToHex(bytes),
            "a3"  // map(3)
            "781b" +
                ToHex("ApproximateArrivalTimestamp") + "c11a514b67b0" +  // tag 1, 1363896240
                "6444617461"
                "43010203"  // "Data": h'010203'
                "6c" +
                ToHex("PartitionKey") + "616b");  // "PartitionKey": "k"
  auto back = CborToJson(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, value);
}

TEST(CborTest, EncodesScalarsAsRfc8949Does) {
  EXPECT_EQ(ToHex(JsonToCbor(json(0), {}, {})), "00");
  EXPECT_EQ(ToHex(JsonToCbor(json(1000), {}, {})), "1903e8");
  EXPECT_EQ(ToHex(JsonToCbor(json(-1000), {}, {})), "3903e7");
  EXPECT_EQ(ToHex(JsonToCbor(json(18446744073709551615ULL), {}, {})), "1bffffffffffffffff");
  EXPECT_EQ(ToHex(JsonToCbor(json(1.1), {}, {})), "fb3ff199999999999a");
  EXPECT_EQ(ToHex(JsonToCbor(json(true), {}, {})), "f5");
  EXPECT_EQ(ToHex(JsonToCbor(json(nullptr), {}, {})), "f6");
  EXPECT_EQ(ToHex(JsonToCbor(json("IETF"), {}, {})), "6449455446");
  EXPECT_EQ(ToHex(JsonToCbor(json::parse("[1,[2,3],[4,5]]"), {}, {})), "8301820203820405");
  EXPECT_EQ(ToHex(JsonToCbor(json::parse(R"({"a":1,"b":[2,3]})"), {}, {})), "a26161016162820203");
  EXPECT_EQ(ToHex(JsonToCbor(json::binary({1, 2, 3, 4}), {}, {})), "4401020304");
}

TEST(CborTest, BlobFieldsMatchAtAnyDepthAndBadBase64StaysText) {
  json value = json::parse(R"({"Records":[{"Data":"aGVsbG8=","SequenceNumber":"1"},{"Data":"not base64!"}]})");
  std::string bytes = JsonToCbor(value, {"Data"}, {});
  EXPECT_NE(bytes.find(std::string("\x45hello")), std::string::npos);        // byte string(5) "hello"
  EXPECT_NE(bytes.find(std::string("\x6bnot base64!")), std::string::npos);  // left a text string
  auto back = CborToJson(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, value);
}

TEST(CborTest, RoundTripsJsonValues) {
  const char* kDocs[] = {
      R"({"StreamName":"s","ShardCount":2,"Nested":{"a":[1,-2,3.5,"x",null,true,false,{}],"b":[]}})",
      R"([])",
      R"("just a string with \u00fc and \ud83d\ude00")",
      R"({"Big":9223372036854775807,"Small":-9223372036854775808,"Frac":-0.125})",
  };
  for (const char* doc : kDocs) {
    json value = json::parse(doc);
    auto back = CborToJson(JsonToCbor(value, {"Data"}, {"Timestamp"}));
    ASSERT_TRUE(back.ok()) << doc << ": " << back.status().ToString();
    EXPECT_EQ(*back, value) << doc;
  }
}

TEST(CborTest, Base64) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode("Zm9vYmE="), std::optional<std::string>("fooba"));
  EXPECT_EQ(Base64Decode("Zg=="), std::optional<std::string>("f"));
  EXPECT_EQ(Base64Decode(""), std::optional<std::string>(""));
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm9v!A==", "=Zm9", "Zg==Zg=="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  std::string all;
  for (int i = 0; i < 256; i++) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Decode(Base64Encode(all)), std::optional<std::string>(all));
}

}  // namespace
}  // namespace freshet::http
