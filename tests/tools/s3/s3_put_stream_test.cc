// S3Service with streamed bodies (Request::read_body, as the HTTP server hands PutObject over):
// which requests stream (PutObject, UploadPart), bodies decoded and checked piece by piece,
// nothing written when a check fails or the body stops, EntityTooLarge; large GetObject bodies
// sent from the file; and keys that are both an object and a folder.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <pugixml.hpp>

#include "storage/text.h"
#include "tests/test_util.h"
#include "tools/s3/s3_service.h"

namespace freshet::s3 {
namespace {

namespace fs = std::filesystem;

std::string Digest(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

class S3PutStreamTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(buckets_.CreateBucket("data").ok()); }

  // A PUT whose body arrives through read_body in pieces of `piece` bytes; `complete` false makes
  // the body stop half-way, as a client that goes away.
  http::Request Streamed(const std::string& path, std::string body,
                         std::vector<std::pair<std::string, std::string>> headers, size_t piece = 7000,
                         bool complete = true) {
    http::Request r;
    r.method = "PUT";
    r.path = path;
    r.raw_target = path;
    r.headers = std::move(headers);
    r.headers.emplace_back("host", "127.0.0.1");
    r.headers.emplace_back("content-length", std::to_string(body.size()));
    r.read_body = [this, body = std::move(body), piece, complete](const http::Request::BodySink& sink) {
      reads_++;
      const size_t end = complete ? body.size() : body.size() / 2;
      for (size_t at = 0; at < end; at += piece) {
        if (!sink(std::string_view(body).substr(at, std::min(piece, end - at)))) return false;
      }
      return complete;
    };
    return r;
  }
  transport::HttpCall Signed(const http::Request& r) {
    transport::HttpCall call{r, "REQ1", http::AuthInfo{"AKID", "20261129", "us-east-1", "s3"}, {}, false, false, {}};
    call.context.now_ms = 1'800'000'000'000;
    return call;
  }
  http::Response Do(const http::Request& r) { return service_.Handle(Signed(r)); }
  // GetObject; a body sent from the open file (body_reader) is read into `body` as the server
  // would send it, in pieces of at most 1 MiB.
  http::Response Get(const std::string& path) {
    http::Request r;
    r.method = "GET";
    r.path = path;
    r.raw_target = path;
    http::Response response = Do(r);
    if (response.body_reader) {
      std::string piece;
      while (response.body.size() < response.body_length &&
             response.body_reader(response.body.size(), 1 << 20, &piece) && !piece.empty()) {
        response.body += piece;
      }
    }
    return response;
  }
  static std::string Code(const http::Response& r) {
    pugi::xml_document doc;
    doc.load_string(r.body.c_str());
    return doc.child("Error").child_value("Code");
  }
  static std::string Etag(const http::Response& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "ETag") return v;
    }
    return "";
  }
  // Entries in the bucket's folder (temps included): empty when nothing was written.
  std::vector<std::string> BucketEntries() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path() + "/buckets/data")) {
      out.push_back(e.path().filename().string());
    }
    return out;
  }

  test::TempDir dir_;
  storage::BucketStore buckets_{dir_.path() + "/buckets"};
  S3Service service_{&buckets_, std::nullopt};
  int reads_ = 0;
};

std::string Body(size_t n) {
  std::string body(n, '\0');
  for (size_t i = 0; i < n; ++i) body[i] = static_cast<char>((i * 31 + i / 977) & 0xff);
  return body;
}

TEST_F(S3PutStreamTest, OnlyPutObjectAndUploadPartStream) {
  auto streams = [&](std::string method, const std::string& path,
                     std::vector<std::pair<std::string, std::string>> query,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request r;
    r.method = std::move(method);
    r.path = path;
    r.raw_target = path;
    r.query = std::move(query);
    r.headers = std::move(headers);
    return service_.StreamsBody(Signed(r));
  };
  EXPECT_TRUE(streams("PUT", "/data/key", {}));
  EXPECT_TRUE(streams("PUT", "/data/dir/", {}));
  EXPECT_FALSE(streams("PUT", "/data", {}));                                           // CreateBucket
  EXPECT_TRUE(streams("PUT", "/data/key", {{"partNumber", "1"}, {"uploadId", "x"}}));  // UploadPart
  EXPECT_FALSE(streams("PUT", "/data/key", {{"partNumber", "1"}}));
  EXPECT_FALSE(streams("PUT", "/data/key", {{"uploadId", "x"}}));
  EXPECT_FALSE(streams("PUT", "/data/key", {{"partNumber", "1"}, {"uploadId", "x"}}, {{"x-amz-copy-source", "/d/o"}}));
  EXPECT_FALSE(streams("PUT", "/data/key", {{"tagging", ""}}));
  EXPECT_FALSE(streams("PUT", "/data/key", {}, {{"x-amz-copy-source", "/data/other"}}));
  EXPECT_FALSE(streams("POST", "/data/key", {{"uploads", ""}}));
  EXPECT_FALSE(streams("GET", "/data/key", {}));
}

TEST_F(S3PutStreamTest, BodyIsWrittenAsItArrivesWithItsChecksChecked) {
  const std::string body = Body(5 << 20);
  std::string md5_b64 = text::EncodeBase64(Digest(EVP_md5(), body));
  auto reply = Do(Streamed("/data/big.bin", body,
                           {{"x-amz-content-sha256", Hex(Digest(EVP_sha256(), body))}, {"content-md5", md5_b64}}));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Etag(reply), "\"" + Hex(Digest(EVP_md5(), body)) + "\"");
  EXPECT_EQ(reads_, 1);
  auto got = Get("/data/big.bin");
  EXPECT_EQ(got.status, 200);
  EXPECT_TRUE(got.body_reader) << "5 MiB are sent from the file, not read into memory first";
  EXPECT_EQ(got.body_length, body.size());
  EXPECT_TRUE(got.body == body);
  // UNSIGNED-PAYLOAD, one byte at a time.
  reply = Do(Streamed("/data/tiny", "tiny body", {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}, 1));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Get("/data/tiny").body, "tiny body");
}

TEST_F(S3PutStreamTest, ChecksThatFailWriteNothing) {
  const std::string body = Body(3 << 20);
  const std::string wrong_sha = Hex(Digest(EVP_sha256(), "something else"));
  auto reply = Do(Streamed("/data/k", body, {{"x-amz-content-sha256", wrong_sha}}));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Code(reply), "XAmzContentSHA256Mismatch");
  reply = Do(Streamed("/data/k", body, {{"content-md5", text::EncodeBase64(Digest(EVP_md5(), "other"))}}));
  EXPECT_EQ(Code(reply), "BadDigest");
  reply = Do(Streamed("/data/k", body, {{"content-md5", "not base64 md5"}}));
  EXPECT_EQ(Code(reply), "InvalidDigest");
  reply = Do(Streamed("/data/k", body, {}, 7000, /*complete=*/false));
  EXPECT_EQ(Code(reply), "IncompleteBody");
  EXPECT_EQ(Get("/data/k").status, 404);
  EXPECT_TRUE(BucketEntries().empty());
}

// UploadPart streams as PutObject does: the part is written as it arrives with its checks, a part
// over 16 MiB is taken, and a part that fails a check writes nothing (an earlier one stays).
TEST_F(S3PutStreamTest, UploadPartIsStreamedWithItsChecks) {
  http::Request create;
  create.method = "POST";
  create.path = create.raw_target = "/data/mp";
  create.query = {{"uploads", ""}};
  auto created = Do(create);
  ASSERT_EQ(created.status, 200) << created.body;
  pugi::xml_document doc;
  doc.load_string(created.body.c_str());
  const std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  ASSERT_EQ(id.size(), 32u) << created.body;
  auto part = [&](int number, const std::string& body, std::vector<std::pair<std::string, std::string>> headers,
                  bool complete = true) {
    http::Request r = Streamed("/data/mp", body, std::move(headers), 1 << 20, complete);
    r.query = {{"partNumber", std::to_string(number)}, {"uploadId", id}};
    return Do(r);
  };
  const std::string first = Body(20 << 20), last = "the last part";
  reads_ = 0;
  auto reply = part(1, first, {{"content-md5", text::EncodeBase64(Digest(EVP_md5(), first))}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Etag(reply), "\"" + Hex(Digest(EVP_md5(), first)) + "\"");
  EXPECT_EQ(reads_, 1);
  EXPECT_EQ(Code(part(1, last, {{"content-md5", text::EncodeBase64(Digest(EVP_md5(), "other"))}})), "BadDigest");
  EXPECT_EQ(Code(part(2, last, {}, /*complete=*/false)), "IncompleteBody");
  reply = part(2, last, {});
  ASSERT_EQ(reply.status, 200) << reply.body;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(buckets_.root() + "/.freshet-uploads/" + id)) {
    files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"part-1", "part-2", "target"}));  // no temp left behind

  http::Request complete;
  complete.method = "POST";
  complete.path = complete.raw_target = "/data/mp";
  complete.query = {{"uploadId", id}};
  complete.body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + Hex(Digest(EVP_md5(), first)) +
                  "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" + Hex(Digest(EVP_md5(), last)) +
                  "</ETag></Part></CompleteMultipartUpload>";
  reply = Do(complete);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(Get("/data/mp").body == first + last);
}

TEST_F(S3PutStreamTest, AwsChunkedBodyInPieces) {
  const std::string chunked = "a;chunk-signature=" + std::string(64, '0') +
                              "\r\n0123456789\r\n0;chunk-signature=" + std::string(64, '0') +
                              "\r\nx-amz-checksum-crc32:poTHxg==\r\n\r\n";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
      {"x-amz-decoded-content-length", "10"},
      {"x-amz-trailer", "x-amz-checksum-crc32"}};
  for (size_t piece : {1u, 3u, 1000u}) {
    auto reply = Do(Streamed("/data/chunked", chunked, headers, piece));
    ASSERT_EQ(reply.status, 200) << piece << " " << reply.body;
    EXPECT_EQ(Get("/data/chunked").body, "0123456789");
  }
  std::string bad = chunked;
  bad.replace(bad.find("poTHxg=="), 8, "AAAAAA==");
  auto reply = Do(Streamed("/data/bad", bad, headers, 5));
  EXPECT_EQ(Code(reply), "BadDigest");
  EXPECT_EQ(Get("/data/bad").status, 404);
}

TEST_F(S3PutStreamTest, OverFiveGibibytesIsEntityTooLargeWithoutReading) {
  http::Request r = Streamed("/data/huge", "", {});
  for (auto& [name, value] : r.headers) {
    if (name == "content-length") value = std::to_string((5ull << 30) + 1);
  }
  auto reply = Do(r);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Code(reply), "EntityTooLarge");
  EXPECT_EQ(reads_, 0);
  EXPECT_TRUE(BucketEntries().empty());
}

TEST_F(S3PutStreamTest, ObjectAndFolderKeysAndFolderMarkers) {
  ASSERT_EQ(Do(Streamed("/data/a", "A", {})).status, 200);
  ASSERT_EQ(Do(Streamed("/data/a/b", "AB", {})).status, 200);
  ASSERT_EQ(Do(Streamed("/data/dir/", "", {})).status, 200);
  EXPECT_EQ(Get("/data/a").body, "A");
  EXPECT_EQ(Get("/data/a/b").body, "AB");
  EXPECT_EQ(Get("/data/dir/").status, 200);
  http::Request list;
  list.method = "GET";
  list.path = "/data";
  list.raw_target = "/data?list-type=2";
  list.query = {{"list-type", "2"}};
  auto reply = Do(list);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(reply.body.c_str()));
  std::vector<std::string> keys;
  for (auto c : doc.child("ListBucketResult").children("Contents")) keys.emplace_back(c.child_value("Key"));
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "a/b", "dir/"}));
  auto refused = Do(Streamed("/data/x/.freshet-object", "v", {}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(Code(refused), "InvalidObjectName");
}

}  // namespace
}  // namespace freshet::s3
