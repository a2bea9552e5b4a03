#include "tools/protocol/kinesis_codec.h"

#include <gtest/gtest.h>

namespace freshet::protocol::kinesis {
namespace {

TEST(KinesisCodecTest, SequenceNumbersAreLongDecimalsNamingTheirShard) {
  EXPECT_EQ(SequenceNumberText(0, 1), "21267647932558653966460912964485513217");  // 2^124 + 1
  EXPECT_EQ(SequenceNumberText(1, 1), "21267647932558653984907657038195064833");  // + 2^64
  EXPECT_EQ(SequenceNumberText(3, 42), "21267647932558654021801145185614168106");
  auto p = ParseSequenceNumber("21267647932558654021801145185614168106");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->shard, 3u);
  EXPECT_EQ(p->sequence, 42u);
  // Within a shard, text order is numeric order (all are 38 digits).
  EXPECT_LT(SequenceNumberText(2, 9), SequenceNumberText(2, 10));
  EXPECT_EQ(SequenceNumberText(7, UINT64_MAX).size(), 38u);
  for (const char* bad :
       {"", "12", "abc", "2126764793255865396646091296448551321x", "99999999999999999999999999999999999999999"}) {
    EXPECT_FALSE(ParseSequenceNumber(bad)) << bad;
  }
}

TEST(KinesisCodecTest, SequenceNumbersRoundTripAcrossTheirDigitParts) {
  // The text is written and read 19 digits at a time: check every shard/sequence around the parts'
  // boundaries against a digit-by-digit reference.
  auto reference = [](uint32_t shard, uint64_t sequence) {
    unsigned __int128 v =
        (static_cast<unsigned __int128>(1) << 124) + (static_cast<unsigned __int128>(shard) << 64) + sequence;
    std::string digits;
    for (; v > 0; v /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    return digits;
  };
  for (uint32_t shard : {0u, 1u, 9u, 1000u, UINT32_MAX}) {
    for (uint64_t sequence : {uint64_t{0}, uint64_t{1}, uint64_t{9'999'999'999'999'999'999ULL},
                              uint64_t{10'000'000'000'000'000'000ULL}, UINT64_MAX}) {
      const std::string text = SequenceNumberText(shard, sequence);
      EXPECT_EQ(text, reference(shard, sequence));
      auto back = ParseSequenceNumber(text);
      ASSERT_TRUE(back) << text;
      EXPECT_EQ(back->shard, shard);
      EXPECT_EQ(back->sequence, sequence);
    }
  }
  EXPECT_FALSE(ParseSequenceNumber("340282366920938463463374607431768211456"));  // 2^128: does not wrap to 0
  EXPECT_FALSE(ParseSequenceNumber("999999999999999999999999999999999999999"));
}

TEST(KinesisCodecTest, IteratorsRoundTripAndRefuseGarbage) {
  IteratorState s{"weather", 7, 3, 1234, 1795977924640};
  std::string text = EncodeIterator(s);
  EXPECT_EQ(text.find("weather"), std::string::npos) << "opaque";
  auto back = DecodeIterator(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->stream, "weather");
  EXPECT_EQ(back->stream_id, 7u);
  EXPECT_EQ(back->shard, 3u);
  EXPECT_EQ(back->next, 1234u);
  EXPECT_EQ(back->issued_ms, 1795977924640u);
  EXPECT_FALSE(DecodeIterator("not an iterator"));
  EXPECT_FALSE(DecodeIterator(""));
  EXPECT_FALSE(DecodeIterator("MnxzfDF8MXwxfDE="));  // "2|s|1|1|1|1": unknown version
}

TEST(KinesisCodecTest, StreamNamedByNameOrArn) {
  auto by_arn = StreamNameOf({{"StreamARN", "arn:aws:kinesis:us-east-1:123456789012:stream/input-stream"}});
  ASSERT_TRUE(by_arn.ok());
  EXPECT_EQ(by_arn.value(), "input-stream");
  auto none = StreamNameOf(Json::object());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().type, "InvalidArgumentException");
  auto bad = StreamNameOf({{"StreamARN", "arn:aws:s3:::bucket"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "ValidationException");
  auto clash = StreamNameOf({{"StreamName", "a"}, {"StreamARN", "arn:aws:kinesis:us-east-1:123456789012:stream/b"}});
  EXPECT_FALSE(clash.ok());
}

TEST(KinesisCodecTest, TimestampsAreEpochSeconds) {
  EXPECT_EQ(EpochSeconds(1795977924640).dump(), "1795977924.64");
  EXPECT_EQ(EpochSeconds(1000).get<double>(), 1.0);
}

}  // namespace
}  // namespace freshet::protocol::kinesis
