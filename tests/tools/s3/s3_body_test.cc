// The body of S3 writes: aws-chunked decoding (signed chunks, trailers) and the integrity checks.
#include "tools/s3/s3_body.h"

#include <gtest/gtest.h>

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
  EXPECT_TRUE(ReadBody(Put("hello", {{"x-amz-checksum-crc32c", "unchecked"}})).ok);
}

}  // namespace
}  // namespace freshet::s3
