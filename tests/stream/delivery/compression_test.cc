// Every CompressionFormat round-trips, and compressing is deterministic (stream/delivery/compression.h).
#include "stream/delivery/compression.h"

#include <gtest/gtest.h>

#include <random>

namespace freshet::stream::delivery {
namespace {

std::string Sample(size_t n) {
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < n)
    s +=
        "{\"station\":\"USW000" + std::to_string(rng() % 100000) + "\",\"tmax\":" + std::to_string(rng() % 400) + "}\n";
  s.resize(n);
  return s;
}

class CompressionRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionRoundTrip, SmallAndMultiBlockInputs) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{65536}, size_t{65537}, size_t{700000}}) {
    std::string in = Sample(n);
    auto out = Compress(GetParam(), in, "entry", 1714566896);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    auto again = Compress(GetParam(), in, "entry", 1714566896);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*out, *again) << "not deterministic for " << n << " bytes";
    auto back = Decompress(GetParam(), *out);
    ASSERT_TRUE(back.ok()) << back.status().ToString() << " for " << n << " bytes";
    EXPECT_EQ(*back, in);
    if (GetParam() != Compression::kUncompressed && n >= 65536) {
      EXPECT_LT(out->size(), in.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, CompressionRoundTrip,
                         ::testing::Values(Compression::kUncompressed, Compression::kGzip, Compression::kZip,
                                           Compression::kSnappy, Compression::kHadoopSnappy));

TEST(Compression, FormatsHaveTheirMagic) {
  std::string in = Sample(5000);
  EXPECT_EQ(Compress(Compression::kGzip, in, "e", 0)->substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(Compress(Compression::kZip, in, "e", 0)->substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_EQ(Compress(Compression::kSnappy, in, "e", 0)->substr(0, 10), std::string("\xff\x06\x00\x00sNaPpY", 10));
  std::string h = *Compress(Compression::kHadoopSnappy, in, "e", 0);
  EXPECT_EQ(h.substr(0, 4), std::string("\x00\x00\x13\x88", 4));  // 5000, big-endian
}

TEST(Compression, CorruptInputIsRefused) {
  std::string snappy = *Compress(Compression::kSnappy, Sample(5000), "e", 0);
  snappy[20] ^= 0x55;
  EXPECT_FALSE(Decompress(Compression::kSnappy, snappy).ok());
  EXPECT_FALSE(Decompress(Compression::kGzip, "not gzip").ok());
}

TEST(Compression, ParseNames) {
  EXPECT_EQ(*ParseCompression("GZIP"), Compression::kGzip);
  EXPECT_EQ(*ParseCompression("gzip"), Compression::kGzip);
  EXPECT_EQ(*ParseCompression("Snappy"), Compression::kSnappy);
  EXPECT_EQ(*ParseCompression("HADOOP_SNAPPY"), Compression::kHadoopSnappy);
  EXPECT_FALSE(ParseCompression("lz4").ok());
}

}  // namespace
}  // namespace freshet::stream::delivery
