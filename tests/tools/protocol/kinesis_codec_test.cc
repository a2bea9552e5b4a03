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
