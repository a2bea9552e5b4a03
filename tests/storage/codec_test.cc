#include "storage/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace freshet::codec {
namespace {

TEST(CodecTest, FixedIntegersRoundTripAndSortAsNumbers) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<uint64_t, std::string>> encoded;
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    std::string s;
    PutFixed64(&s, v);
    ASSERT_EQ(s.size(), 8u);
    std::string_view in(s);
    uint64_t back = 0;
    ASSERT_TRUE(GetFixed64(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty());
    encoded.emplace_back(v, s);
  }
  std::sort(encoded.begin(), encoded.end(), [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end(), [](auto& a, auto& b) { return a.first < b.first; }));

  std::string s32;
  PutFixed32(&s32, 0x01020304);
  EXPECT_EQ(s32, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(DecodeFixed32(s32.data()), 0x01020304u);
}

TEST(CodecTest, VarintRoundTrip) {
  for (uint32_t v : {0u, 1u, 127u, 128u, 300u, 16383u, 16384u, 0xffffffffu}) {
    std::string s;
    PutVarint32(&s, v);
    std::string_view in(s);
    uint32_t back;
    ASSERT_TRUE(GetVarint32(&in, &back));
    EXPECT_EQ(back, v);
  }
  std::string_view truncated("\x80\x80", 2);
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&truncated, &v));
}

std::string RandomBytes(std::mt19937_64& rng) {
  std::string s(rng() % 8, '\0');
  // A small alphabet with 0x00, 0x01 and 0xFF makes escapes and prefixes frequent.
  const char alphabet[] = {'\x00', '\x01', 'a', 'b', '\xff'};
  for (char& c : s) c = alphabet[rng() % 5];
  return s;
}

TEST(CodecTest, OrderedBytesRoundTripAndPreserveOrder) {
  std::mt19937_64 rng(7);
  std::vector<std::pair<std::string, std::string>> values;
  for (int i = 0; i < 5000; ++i) {
    std::string v = RandomBytes(rng);
    std::string enc;
    PutOrderedBytes(&enc, v);
    enc += "tail";  // decoding must stop at the terminator
    std::string_view in(enc);
    std::string back;
    ASSERT_TRUE(GetOrderedBytes(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_EQ(in, "tail");
    values.emplace_back(v, enc.substr(0, enc.size() - 4));
  }
  for (size_t i = 1; i < values.size(); ++i) {
    const auto& [a, ea] = values[i - 1];
    const auto& [b, eb] = values[i];
    EXPECT_EQ(a < b, ea < eb) << "order differs";
    // No encoded value is a proper prefix of another.
    if (a != b) {
      EXPECT_NE(ea, eb.substr(0, ea.size()));
    }
  }
}

TEST(CodecTest, OrderedBytesPrefixMatchesEveryExtension) {
  std::string prefix;
  PutOrderedBytesPrefix(&prefix, std::string("a\0", 2));
  for (std::string ext : {std::string(""), std::string("x"), std::string("\0", 1)}) {
    std::string enc;
    PutOrderedBytes(&enc, std::string("a\0", 2) + ext);
    EXPECT_EQ(enc.substr(0, prefix.size()), prefix);
    EXPECT_LT(enc, PrefixSuccessor(prefix));
  }
}

TEST(CodecTest, MalformedOrderedBytesAreRejected) {
  std::string value;
  for (std::string bad : {std::string("abc"), std::string("a\0", 2), std::string("a\0\x02", 3)}) {
    std::string_view in(bad);
    EXPECT_FALSE(GetOrderedBytes(&in, &value)) << bad.size();
  }
}

TEST(CodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(CodecTest, LogKeysSortByStreamShardSequence) {
  std::mt19937_64 rng(3);
  std::vector<LogKey> keys;
  for (int i = 0; i < 3000; ++i) {
    keys.push_back({static_cast<uint32_t>(rng() % 4), static_cast<uint32_t>(rng() % 300), rng() >> (rng() % 64)});
  }
  std::vector<std::string> enc;
  for (auto& k : keys) enc.push_back(k.Encode());
  std::vector<size_t> idx(keys.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return enc[a] < enc[b]; });
  for (size_t i = 1; i < idx.size(); ++i) {
    const auto& a = keys[idx[i - 1]];
    const auto& b = keys[idx[i]];
    EXPECT_LE(std::tie(a.stream_id, a.shard, a.sequence), std::tie(b.stream_id, b.shard, b.sequence));
  }
  LogKey back;
  ASSERT_TRUE(LogKey::Decode(enc[idx[0]], &back));
  EXPECT_EQ(back.sequence, keys[idx[0]].sequence);
  EXPECT_FALSE(LogKey::Decode("short", &back));
}

TEST(CodecTest, LogValueRoundTrip) {
  std::string hash(16, '\x7f');
  const std::string data("da\0ta", 5);
  LogValue v{1234567890123, "station-1", std::string_view(hash), data};
  std::string enc;
  v.AppendTo(&enc);
  LogValue back;
  ASSERT_TRUE(LogValue::Decode(enc, &back));
  EXPECT_EQ(back.arrival_ms, 1234567890123u);
  EXPECT_EQ(back.partition_key, "station-1");
  ASSERT_TRUE(back.explicit_hash_key.has_value());
  EXPECT_EQ(*back.explicit_hash_key, hash);
  EXPECT_EQ(back.data, std::string("da\0ta", 5));

  LogValue plain{5, "k", std::nullopt, ""};
  enc.clear();
  plain.AppendTo(&enc);
  ASSERT_TRUE(LogValue::Decode(enc, &back));
  EXPECT_FALSE(back.explicit_hash_key.has_value());
  EXPECT_TRUE(back.data.empty());
  EXPECT_FALSE(LogValue::Decode(enc.substr(0, 9), &back));
}

TEST(CodecTest, CursorKeyRoundTripAndGroupsByConsumer) {
  CursorKey k{std::string("wea\0ther", 8), 3, 9};
  CursorKey back;
  ASSERT_TRUE(CursorKey::Decode(k.Encode(), &back));
  EXPECT_EQ(back.consumer, k.consumer);
  EXPECT_EQ(back.stream_id, 3u);
  EXPECT_EQ(back.shard, 9u);
  // "a"'s cursors do not interleave with "ab"'s.
  std::string a = CursorKey{"a", 0xffffffff, 0xffffffff}.Encode();
  std::string ab = CursorKey{"ab", 0, 0}.Encode();
  EXPECT_LT(a, ab);
  EXPECT_EQ(a.substr(0, CursorKey::ConsumerPrefix("a").size()), CursorKey::ConsumerPrefix("a"));
  EXPECT_NE(ab.substr(0, CursorKey::ConsumerPrefix("a").size()), CursorKey::ConsumerPrefix("a"));
}

}  // namespace
}  // namespace freshet::codec
