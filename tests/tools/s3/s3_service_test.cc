// S3Service: which requests it claims, the routes, S3's XML shapes and error codes, ranges, and
// SigV2 presigned URLs, driven with HttpCalls as HttpFront makes them.
#include "tools/s3/s3_service.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <pugixml.hpp>

#include "storage/text.h"
#include "tests/test_util.h"

namespace freshet::s3 {
namespace {

class S3ServiceTest : public ::testing::Test {
 protected:
  http::Request Req(std::string method, std::string path, std::string body = "",
                    std::vector<std::pair<std::string, std::string>> query = {}) {
    http::Request r;
    r.method = std::move(method);
    r.path = path;
    r.raw_target = path;
    r.query = std::move(query);
    r.body = std::move(body);
    r.headers = {{"host", "127.0.0.1:4566"}};
    return r;
  }
  transport::HttpCall Signed(const http::Request& r, std::string service = "s3") {
    transport::HttpCall call{
        r, "REQ1", http::AuthInfo{"AKID", "20261129", "us-east-1", std::move(service)}, {}, false, false, {}};
    call.context.now_ms = 1'800'000'000'000;
    return call;
  }
  http::Response Do(const http::Request& r) { return service_.Handle(Signed(r)); }
  static std::string Header(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  static pugi::xml_document Xml(const http::Response& r) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(r.body.c_str())) << r.body;
    return doc;
  }
  static std::string Code(const http::Response& r) { return Xml(r).child("Error").child_value("Code"); }

  test::TempDir dir_;
  storage::BucketStore buckets_{dir_.path() + "/buckets"};
  S3Service service_{&buckets_, std::nullopt};
};

TEST_F(S3ServiceTest, ClaimsOnlyRequestsSignedForS3) {
  http::Request r = Req("GET", "/");
  EXPECT_TRUE(service_.Claims(Signed(r)));
  EXPECT_FALSE(service_.Claims(Signed(r, "lambda")));
  transport::HttpCall unsigned_call{r, "REQ", std::nullopt, std::nullopt, false, false, {}};
  EXPECT_FALSE(service_.Claims(unsigned_call));
  // A malformed signature still names its service in its text.
  r.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/s3/aws4_request, bad");
  transport::HttpCall broken{
      r, "REQ", std::nullopt, http::AuthError{"IncompleteSignatureException", "bad", 400}, false, false, {}};
  EXPECT_TRUE(service_.Claims(broken));
  auto reply = service_.Handle(broken);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Code(reply), "AuthorizationHeaderMalformed");
}

TEST_F(S3ServiceTest, VerificationFailuresUseS3Names) {
  http::Request r = Req("GET", "/");
  auto call = Signed(r);
  call.auth_error = http::AuthError{"InvalidSignatureException", "The request signature ...", 400};
  auto reply = service_.Handle(call);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(Code(reply), "SignatureDoesNotMatch");
  call.auth_error = http::AuthError{"UnrecognizedClientException", "unknown", 400};
  EXPECT_EQ(Code(service_.Handle(call)), "InvalidAccessKeyId");
}

TEST_F(S3ServiceTest, ErrorsHaveS3sShapeAndRequestIds) {
  auto reply = Do(Req("GET", "/missing-bucket/key.txt"));
  EXPECT_EQ(reply.status, 404);
  auto doc = Xml(reply);
  EXPECT_STREQ(doc.child("Error").child_value("Code"), "NoSuchBucket");
  EXPECT_STREQ(doc.child("Error").child_value("Resource"), "/missing-bucket/key.txt");
  EXPECT_STREQ(doc.child("Error").child_value("RequestId"), "REQ1");
  EXPECT_EQ(Header(reply, "x-amz-request-id"), "REQ1");
  ASSERT_EQ(Do(Req("PUT", "/data")).status, 200);
  EXPECT_EQ(Code(Do(Req("GET", "/data/missing"))), "NoSuchKey");
  EXPECT_EQ(Code(Do(Req("PUT", "/data"))), "BucketAlreadyOwnedByYou");
  EXPECT_EQ(Code(Do(Req("PUT", "/data/a/.freshet-object", "x"))), "InvalidObjectName");  // reserved
  EXPECT_EQ(Code(Do(Req("PUT", "/data/" + std::string(1100, 'k'), "x"))), "KeyTooLongError");
  EXPECT_EQ(Code(Do(Req("GET", "/data", "", {{"acl", ""}}))), "NotImplemented");
  EXPECT_EQ(Code(Do(Req("PUT", "/Bad_Bucket"))), "InvalidBucketName");
  ASSERT_EQ(Do(Req("PUT", "/data/k", "v")).status, 200);
  reply = Do(Req("DELETE", "/data"));
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(Code(reply), "BucketNotEmpty");
}

TEST_F(S3ServiceTest, PutGetHeadRangeAndConditions) {
  ASSERT_EQ(Do(Req("PUT", "/data")).status, 200);
  http::Request put = Req("PUT", "/data/dir/file.txt", "0123456789");
  put.headers.emplace_back("content-type", "text/plain");
  auto reply = Do(put);
  ASSERT_EQ(reply.status, 200);
  const std::string etag = Header(reply, "ETag");
  EXPECT_EQ(etag, "\"781e5e245d69b566979b86e28d23f2c7\"");  // md5("0123456789")
  reply = Do(Req("GET", "/data/dir/file.txt"));
  EXPECT_EQ(reply.body, "0123456789");
  EXPECT_EQ(reply.content_type, "text/plain");
  EXPECT_EQ(Header(reply, "ETag"), etag);
  EXPECT_FALSE(Header(reply, "Last-Modified").empty());
  reply = Do(Req("HEAD", "/data/dir/file.txt"));
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(Header(reply, "Content-Length"), "10");
  EXPECT_EQ(Header(reply, "Content-Type"), "text/plain");
  http::Request ranged = Req("GET", "/data/dir/file.txt");
  ranged.headers.emplace_back("range", "bytes=3-5");
  reply = Do(ranged);
  EXPECT_EQ(reply.status, 206);
  EXPECT_EQ(reply.body, "345");
  EXPECT_EQ(Header(reply, "Content-Range"), "bytes 3-5/10");
  ranged.headers.back().second = "bytes=20-";
  reply = Do(ranged);
  EXPECT_EQ(reply.status, 416);
  EXPECT_EQ(Code(reply), "InvalidRange");
  EXPECT_EQ(Header(reply, "Content-Range"), "bytes */10");
  http::Request cond = Req("GET", "/data/dir/file.txt");
  cond.headers.emplace_back("if-none-match", etag);
  EXPECT_EQ(Do(cond).status, 304);
  cond.headers.back() = {"if-match", "\"other\""};
  EXPECT_EQ(Do(cond).status, 412);
  EXPECT_EQ(Do(Req("DELETE", "/data/dir/file.txt")).status, 204);
  EXPECT_EQ(Do(Req("GET", "/data/dir/file.txt")).status, 404);
}

TEST_F(S3ServiceTest, ListObjectsV2XmlWithUrlEncoding) {
  ASSERT_EQ(Do(Req("PUT", "/data")).status, 200);
  for (const char* k : {"a b/1", "a b/2", "plus+key", "top"})
    ASSERT_EQ(Do(Req("PUT", std::string("/data/") + k, "x")).status, 200);
  auto reply = Do(Req("GET", "/data", "", {{"list-type", "2"}, {"delimiter", "/"}, {"encoding-type", "url"}}));
  ASSERT_EQ(reply.status, 200);
  auto doc = Xml(reply);
  pugi::xml_node root = doc.child("ListBucketResult");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_STREQ(root.child_value("KeyCount"), "3");
  EXPECT_STREQ(root.child("CommonPrefixes").child_value("Prefix"), "a%20b/");
  std::vector<std::string> keys;
  for (auto c : root.children("Contents")) keys.push_back(c.child_value("Key"));
  EXPECT_EQ(keys, (std::vector<std::string>{"plus%2Bkey", "top"}));
  // Paging: a token resumes after the last entry.
  reply = Do(Req("GET", "/data", "", {{"list-type", "2"}, {"max-keys", "2"}}));
  doc = Xml(reply);
  root = doc.child("ListBucketResult");
  EXPECT_STREQ(root.child_value("IsTruncated"), "true");
  const std::string token = root.child_value("NextContinuationToken");
  reply = Do(Req("GET", "/data", "", {{"list-type", "2"}, {"continuation-token", token}}));
  doc = Xml(reply);
  keys.clear();
  for (auto c : doc.child("ListBucketResult").children("Contents")) keys.push_back(c.child_value("Key"));
  EXPECT_EQ(keys, (std::vector<std::string>{"plus+key", "top"}));
  EXPECT_EQ(Code(Do(Req("GET", "/data", "", {{"list-type", "2"}, {"continuation-token", "!!"}}))), "InvalidArgument");
}

TEST_F(S3ServiceTest, DeleteObjectsAndMultipart) {
  ASSERT_EQ(Do(Req("PUT", "/data")).status, 200);
  ASSERT_EQ(Do(Req("PUT", "/data/x", "1")).status, 200);
  auto reply =
      Do(Req("POST", "/data", "<Delete><Object><Key>x</Key></Object><Object><Key>never</Key></Object></Delete>",
             {{"delete", ""}}));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto doc = Xml(reply);
  int deleted = 0;
  for (auto d : doc.child("DeleteResult").children("Deleted")) deleted += !std::string(d.child_value("Key")).empty();
  EXPECT_EQ(deleted, 2);
  EXPECT_EQ(Code(Do(Req("POST", "/data", "<Delete>", {{"delete", ""}}))), "MalformedXML");

  reply = Do(Req("POST", "/data/big", "", {{"uploads", ""}}));
  ASSERT_EQ(reply.status, 200);
  const std::string id = Xml(reply).child("InitiateMultipartUploadResult").child_value("UploadId");
  ASSERT_EQ(id.size(), 32u);
  reply = Do(Req("PUT", "/data/big", "only part", {{"partNumber", "1"}, {"uploadId", id}}));
  ASSERT_EQ(reply.status, 200);
  const std::string etag = Header(reply, "ETag");
  reply = Do(Req("POST", "/data/big",
                 "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                     "</ETag></Part></CompleteMultipartUpload>",
                 {{"uploadId", id}}));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Do(Req("GET", "/data/big")).body, "only part");
  EXPECT_EQ(Code(Do(Req("DELETE", "/data/big", "", {{"uploadId", id}}))), "NoSuchUpload");
}

TEST_F(S3ServiceTest, SigV2PresignedUrls) {
  ASSERT_EQ(Do(Req("PUT", "/data")).status, 200);
  ASSERT_EQ(Do(Req("PUT", "/data/k", "secret")).status, 200);
  const std::string expires = "1900000000";  // after the test's now (1.8e9 s)
  auto presigned = [&](const std::string& secret, const std::string& exp) {
    const std::string to_sign = "GET\n\n\n" + exp + "\n/data/k";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &len);
    return Req("GET", "/data/k", "",
               {{"AWSAccessKeyId", "AKID"},
                {"Signature", text::EncodeBase64(std::string_view(reinterpret_cast<char*>(mac), len))},
                {"Expires", exp}});
  };
  http::CredentialStore creds;
  creds.secrets["AKID"] = "SECRET";
  S3Service verifying(&buckets_, creds);
  auto call = [](const http::Request& r) {
    transport::HttpCall c{r, "REQ", std::nullopt, std::nullopt, false, true, {}};
    c.context.now_ms = 1'800'000'000'000;
    return c;
  };
  http::Request good = presigned("SECRET", expires);
  EXPECT_TRUE(verifying.Claims(call(good)));
  EXPECT_EQ(verifying.Handle(call(good)).body, "secret");
  http::Request forged = presigned("WRONG", expires);
  EXPECT_EQ(Code(verifying.Handle(call(forged))), "SignatureDoesNotMatch");
  http::Request expired = presigned("SECRET", "1700000000");
  auto reply = verifying.Handle(call(expired));
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(Code(reply), "AccessDenied");
  // Without --credentials only the expiry is checked.
  EXPECT_EQ(service_.Handle(call(forged)).body, "secret");
}

}  // namespace
}  // namespace freshet::s3
