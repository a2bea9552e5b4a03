#include "stream/shard_router.h"

#include <gtest/gtest.h>

namespace freshet::stream {
namespace {

HashKey Pow2_127() { return HashKey{1} << 127; }

TEST(ShardRouterTest, Md5MatchesKnownDigests) {
  // md5("A") = 7fc56270e7a70fa81a5935b72eacbe29; md5("") = d41d8cd98f00b204e9800998ecf8427e
  EXPECT_EQ(HashKeyBytes(Md5HashKey("A")),
            std::string("\x7f\xc5\x62\x70\xe7\xa7\x0f\xa8\x1a\x59\x35\xb7\x2e\xac\xbe\x29", 16));
  EXPECT_EQ(FormatHashKey(Md5HashKey("")), "281949768489412648962353822266799178366");
  // md5("USW00093721") = e77566b9c7924d19a8bc27bb3399c2fd (computed with coreutils md5sum)
  EXPECT_EQ(static_cast<uint8_t>(HashKeyBytes(Md5HashKey("USW00093721"))[0]), 0xe7);
  EXPECT_EQ(ShardForHashKey(Md5HashKey("USW00093721"), 4), 3u);
}

TEST(ShardRouterTest, RangesSplitTheKeySpaceEvenlyAsKinesisDoes) {
  EXPECT_EQ(ShardHashRange(0, 1).start, 0u);
  EXPECT_EQ(ShardHashRange(0, 1).end, ~HashKey{0});
  // Two shards: [0, 2^127 - 1], [2^127, 2^128 - 1].
  EXPECT_EQ(ShardHashRange(0, 2).end, Pow2_127() - 1);
  EXPECT_EQ(ShardHashRange(1, 2).start, Pow2_127());
  EXPECT_EQ(FormatHashKey(ShardHashRange(1, 4).start), "85070591730234615865843651857942052864");
  // Three shards: floor(2^128 / 3) = 113427455640312821154458202477256070485.
  EXPECT_EQ(FormatHashKey(ShardHashRange(1, 3).start), "113427455640312821154458202477256070485");
  EXPECT_EQ(ShardHashRange(2, 3).end, ~HashKey{0});
  for (uint32_t n : {1u, 2u, 3u, 7u, 1024u}) {
    for (uint32_t s = 0; s + 1 < n; ++s) EXPECT_EQ(ShardHashRange(s, n).end + 1, ShardHashRange(s + 1, n).start);
  }
}

TEST(ShardRouterTest, ShardForHashKeyUsesTheRanges) {
  for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 1024u}) {
    for (uint32_t s = 0; s < n; ++s) {
      auto r = ShardHashRange(s, n);
      EXPECT_EQ(ShardForHashKey(r.start, n), s);
      EXPECT_EQ(ShardForHashKey(r.end, n), s);
    }
  }
  EXPECT_EQ(ShardForHashKey(Md5HashKey("A"), 4), 1u);  // 0x7f... is in the second quarter
  EXPECT_EQ(ShardForHashKey(Md5HashKey("B"), 4), 2u);  // md5("B") = 9d5ed678...
  EXPECT_EQ(ShardForHashKey(Md5HashKey("C"), 4), 0u);  // md5("C") = 0d61f837...
}

TEST(ShardRouterTest, HashKeysParseAndFormat) {
  auto max = ParseHashKey("340282366920938463463374607431768211455");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, ~HashKey{0});
  EXPECT_EQ(FormatHashKey(*max), "340282366920938463463374607431768211455");
  EXPECT_FALSE(ParseHashKey("340282366920938463463374607431768211456").ok());  // 2^128
  EXPECT_FALSE(ParseHashKey("").ok());
  EXPECT_FALSE(ParseHashKey("-1").ok());
  EXPECT_FALSE(ParseHashKey("12a").ok());
  EXPECT_EQ(HashKeyFromBytes(HashKeyBytes(*max - 5)), *max - 5);
}

TEST(ShardRouterTest, ShardIds) {
  EXPECT_EQ(ShardId(7), "shardId-000000000007");
  EXPECT_EQ(*ParseShardId("shardId-000000000003", 4), 3u);
  EXPECT_EQ(*ParseShardId("2", 4), 2u);
  EXPECT_FALSE(ParseShardId("shardId-000000000004", 4).ok());
  EXPECT_FALSE(ParseShardId("shard-1", 4).ok());
}

}  // namespace
}  // namespace freshet::stream
