// The body of S3 writes: aws-chunked decoding (signed chunks, trailers) and the integrity checks,
// CRC-32C and CRC-64/NVME among them.
#include "tools/s3/s3_body.h"

#include <gtest/gtest.h>

#include "tools/s3/s3_crc.h"

namespace freshet::s3 {
namespace {

const std::string kSig = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";

http::Request Put(std::string body, std::vector<std::pair<std::string, std::string>> headers) {
  http::Request r;
  r.method = "PUT";
  r.path = "/b/k";
  r.raw_target = "/b/k";
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(AwsChunkedTest, SignedChunksDecode) {
  const std::string body = "5;chunk-signature=" + kSig + "\r\nhello\r\n6;chunk-signature=" + kSig +
                           "\r\n world\r\n0;chunk-signature=" + kSig + "\r\n\r\n";
  auto decoded = DecodeAwsChunked(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bytes, "hello world");
  EXPECT_TRUE(decoded->trailers.empty());
}

TEST(AwsChunkedTest, UnsignedChunksWithTrailer) {
  // As botocore sends STREAMING-UNSIGNED-PAYLOAD-TRAILER: hex sizes, a checksum trailer.
  const std::string body = "a\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:poTHxg==\r\n\r\n";
  auto decoded = DecodeAwsChunked(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bytes, "0123456789");
  ASSERT_EQ(decoded->trailers.size(), 1u);
  EXPECT_EQ(decoded->trailers[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(decoded->trailers[0].second, "poTHxg==");
}

TEST(AwsChunkedTest, MalformedBodiesAreRefused) {
  for (const std::string& body :
       {std::string("zz\r\nabc\r\n0\r\n\r\n"), std::string("5\r\nabc\r\n0\r\n\r\n"), std::string("3\r\nabc"),
        std::string("3\r\nabcXX0\r\n\r\n"), std::string("0\r\nno colon here\r\n\r\n"), std::string("")}) {
    EXPECT_FALSE(DecodeAwsChunked(body).ok()) << body;
  }
}

TEST(ReadBodyTest, ChunkedBodyIsDecodedAndItsLengthAndChecksumChecked) {
  const std::string body = "a\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:poTHxg==\r\n\r\n";
  auto ok = ReadBody(Put(body, {{"content-encoding", "aws-chunked"},
                                {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                                {"x-amz-decoded-content-length", "10"}}));
  ASSERT_TRUE(ok.ok) << ok.error.message;
  EXPECT_EQ(ok.bytes, "0123456789");
  auto wrong_length = ReadBody(Put(
      body, {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, {"x-amz-decoded-content-length", "11"}}));
  EXPECT_FALSE(wrong_length.ok);
  EXPECT_EQ(wrong_length.error.code, "IncompleteBody");
  const std::string bad_crc = "a\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
  auto mismatch = ReadBody(Put(bad_crc, {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}}));
  EXPECT_FALSE(mismatch.ok);
  EXPECT_EQ(mismatch.error.code, "BadDigest");
}

TEST(ReadBodyTest, PlainBodyChecks) {
  // sha256("hello") and md5("hello") in base64.
  const std::string sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-content-sha256", sha}})).ok);
  auto bad_sha = ReadBody(Put("hellO", {{"x-amz-content-sha256", sha}}));
  EXPECT_EQ(bad_sha.error.code, "XAmzContentSHA256Mismatch");
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}})).ok);
  EXPECT_TRUE(ReadBody(Put("hello", {{"content-md5", "XUFAKrxLKna5cZ2REBfFkg=="}})).ok);
  EXPECT_EQ(ReadBody(Put("hellO", {{"content-md5", "XUFAKrxLKna5cZ2REBfFkg=="}})).error.code, "BadDigest");
  EXPECT_EQ(ReadBody(Put("hello", {{"content-md5", "short"}})).error.code, "InvalidDigest");
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-checksum-crc32", "NhCmhg=="}})).ok);
  EXPECT_EQ(ReadBody(Put("hellO", {{"x-amz-checksum-crc32", "NhCmhg=="}})).error.code, "BadDigest");
  // CRC-32C and CRC-64/NVME of "hello" (from a bitwise reference), big-endian in base64.
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-checksum-crc32c", "mnG7TA=="}})).ok);
  auto bad_crc32c = ReadBody(Put("hellO", {{"x-amz-checksum-crc32c", "mnG7TA=="}}));
  EXPECT_EQ(bad_crc32c.error.code, "BadDigest");
  EXPECT_EQ(bad_crc32c.error.message, "The CRC32C you specified did not match the calculated checksum.");
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-checksum-crc64nvme", "M3eFcAZSQlc="}})).ok);
  auto bad_crc64 = ReadBody(Put("hello", {{"x-amz-checksum-crc64nvme", "M3eFcAZSQlQ="}}));
  EXPECT_EQ(bad_crc64.error.code, "BadDigest");
  EXPECT_EQ(bad_crc64.error.message, "The CRC64NVME you specified did not match the calculated checksum.");
  EXPECT_EQ(ReadBody(Put("hello", {{"x-amz-checksum-crc64nvme", "not base64"}})).error.code, "BadDigest");
}

TEST(ReadBodyTest, ChunkedTrailersOfCrc32cAndCrc64NvmeAreChecked) {
  for (const auto& [name, good] : std::vector<std::pair<std::string, std::string>>{
           {"x-amz-checksum-crc32c", "mnG7TA=="}, {"x-amz-checksum-crc64nvme", "M3eFcAZSQlc="}}) {
    auto put = [&, name = name](const std::string& value) {
      return ReadBody(Put("5\r\nhello\r\n0\r\n" + name + ":" + value + "\r\n\r\n",
                          {{"content-encoding", "aws-chunked"},
                           {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                           {"x-amz-decoded-content-length", "5"},
                           {"x-amz-trailer", name}}));
    };
    auto ok = put(good);
    EXPECT_TRUE(ok.ok) << name << ": " << ok.error.message;
    EXPECT_EQ(put(good.substr(0, 2) + (good[2] == 'A' ? "B" : "A") + good.substr(3)).error.code, "BadDigest") << name;
  }
}

// Both CRCs against a bitwise reference, over lengths and piece splits that cross the table's
// byte steps and ISA-L's vector blocks.
TEST(S3CrcTest, MatchTheBitwiseDefinitionPieceByPiece) {
  auto bitwise = [](std::string_view data, uint64_t reflected_poly, int width) {
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    uint64_t c = mask;
    for (unsigned char b : data) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ reflected_poly : c >> 1;
    }
    return c ^ mask;
  };
  std::string why;
  ASSERT_TRUE(Crc32c::Available(&why)) << why;  // ISA-L, loaded on first use
  Crc32c check32;
  check32.Update("123456789");
  EXPECT_EQ(check32.Value(), 0xE3069283u);
  Crc64Nvme check64;
  check64.Update("123456789");
  EXPECT_EQ(check64.Value(), 0xAE8B14860A799888ull);
  EXPECT_EQ(Crc32c().Value(), 0u);
  EXPECT_EQ(Crc64Nvme().Value(), 0u);
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>((i * 131 + i / 7) & 0xff));
  for (size_t length : {1u, 7u, 8u, 63u, 64u, 65u, 1000u, 4999u}) {
    const std::string_view d = std::string_view(data).substr(0, length);
    for (size_t split : {size_t{0}, size_t{1}, length / 3, length - 1}) {
      Crc32c c32;
      Crc64Nvme c64;
      c32.Update(d.substr(0, split));
      c32.Update(d.substr(split));
      c64.Update(d.substr(0, split));
      c64.Update(d.substr(split));
      EXPECT_EQ(c32.Value(), bitwise(d, 0x82F63B78u, 32)) << length << " split " << split;
      EXPECT_EQ(c64.Value(), bitwise(d, 0x9A6C9329AC4BC9B5ull, 64)) << length << " split " << split;
    }
  }
}

}  // namespace
}  // namespace freshet::s3
