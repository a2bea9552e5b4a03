// S3 bucket operations and listings (s3_ops.h).
#include <cstdlib>

#include "storage/text.h"
#include "tools/s3/s3_ops.h"

namespace freshet::s3 {
namespace {

constexpr size_t kMaxKeys = 1000;

// InvalidBucketName for a name S3 would refuse, else "".
bool BadBucketName(const S3Request& req, http::Response* reply) {
  Status s = storage::BucketStore::ValidateBucketName(req.bucket);
  if (s.ok()) return false;
  *reply = req.Error("InvalidBucketName", s.message());
  return true;
}

void AddOwner(pugi::xml_node parent, const S3Request& req) {
  pugi::xml_node owner = parent.append_child("Owner");
  AddText(owner, "ID", req.call.context.account_id);
  AddText(owner, "DisplayName", "freshet");
}

}  // namespace

http::Response ListBuckets(storage::BucketStore& store, const S3Request& req) {
  auto buckets = store.ListBuckets();
  if (!buckets.ok()) return req.Error(ErrorForStatus(buckets.status(), "NoSuchBucket"));
  pugi::xml_document doc;
  pugi::xml_node root = NewRoot(&doc, "ListAllMyBucketsResult");
  AddOwner(root, req);
  pugi::xml_node list = root.append_child("Buckets");
  for (const auto& [name, created_ms] : *buckets) {
    pugi::xml_node b = list.append_child("Bucket");
    AddText(b, "Name", name);
    AddText(b, "CreationDate", IsoTime(created_ms));
  }
  return req.Xml(doc);
}

http::Response CreateBucket(storage::BucketStore& store, const S3Request& req) {
  http::Response reply;
  if (BadBucketName(req, &reply)) return reply;
  if (!req.http().body.empty()) {
    pugi::xml_document doc;
    Status parsed = ParseXml(req.http().body, &doc);
    if (!parsed.ok()) return req.Error("MalformedXML", parsed.message());
    if (std::string_view(doc.document_element().name()) != "CreateBucketConfiguration") {
      return req.Error("MalformedXML", "the body of CreateBucket is not a CreateBucketConfiguration");
    }
  }
  Status s = store.CreateBucket(req.bucket);
  if (s.code() == Status::Code::kAlreadyExists) {
    return req.Error("BucketAlreadyOwnedByYou",
                     "Your previous request to create the named bucket succeeded and you already own it.", 409);
  }
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket", "InvalidBucketName"));
  reply = req.Empty(200);
  reply.headers.emplace_back("Location", "/" + req.bucket);
  return reply;
}

http::Response HeadBucket(storage::BucketStore& store, const S3Request& req) {
  http::Response reply;
  if (BadBucketName(req, &reply)) return reply;
  Status s = store.HeadBucket(req.bucket);
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
  reply = req.Empty(200);
  reply.headers.emplace_back("x-amz-bucket-region", req.call.context.region);
  return reply;
}

http::Response DeleteBucket(storage::BucketStore& store, const S3Request& req) {
  http::Response reply;
  if (BadBucketName(req, &reply)) return reply;
  Status s = store.DeleteBucket(req.bucket);
  if (s.code() == Status::Code::kFailedPrecondition) {
    return req.Error("BucketNotEmpty", "The bucket you tried to delete is not empty", 409);
  }
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
  return req.Empty(204);
}

http::Response GetBucketLocation(storage::BucketStore& store, const S3Request& req) {
  http::Response reply;
  if (BadBucketName(req, &reply)) return reply;
  Status s = store.HeadBucket(req.bucket);
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
  pugi::xml_document doc;
  pugi::xml_node root = NewRoot(&doc, "LocationConstraint");
  // us-east-1 is the empty constraint, as S3 answers.
  if (req.call.context.region != "us-east-1") root.text().set(req.call.context.region.c_str());
  return req.Xml(doc);
}

http::Response ListObjects(storage::BucketStore& store, const S3Request& req, bool v2) {
  http::Response reply;
  if (BadBucketName(req, &reply)) return reply;
  auto param = [&](std::string_view name) {
    const std::string* v = req.Query(name);
    return v ? *v : std::string();
  };
  const std::string prefix = param("prefix"), delimiter = param("delimiter");
  const std::string encoding = param("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return req.Error("InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  const bool url = encoding == "url";
  auto enc = [&](std::string_view s) { return url ? UrlEncode(s) : std::string(s); };
  size_t max_keys = kMaxKeys;
  if (const std::string* m = req.Query("max-keys")) {
    char* end = nullptr;
    long long n = std::strtoll(m->c_str(), &end, 10);
    if (m->empty() || *end != '\0' || n < 0) return req.Error("InvalidArgument", "Provided max-keys not an integer or within integer range");
    max_keys = std::min<size_t>(static_cast<size_t>(n), kMaxKeys);
  }
  std::string after;
  const std::string* token = v2 ? req.Query("continuation-token") : nullptr;
  if (token) {
    if (!text::DecodeBase64(*token, &after) || token->empty()) {
      return req.Error("InvalidArgument", "The continuation token provided is incorrect");
    }
  } else {
    after = param(v2 ? "start-after" : "marker");
  }
  auto list = store.ListObjects(req.bucket, prefix, delimiter, after, max_keys);
  if (!list.ok()) return req.Error(ErrorForStatus(list.status(), "NoSuchBucket"));

  pugi::xml_document doc;
  pugi::xml_node root = NewRoot(&doc, "ListBucketResult");
  AddText(root, "Name", req.bucket);
  AddText(root, "Prefix", enc(prefix));
  if (v2) {
    if (token) AddText(root, "ContinuationToken", *token);
    if (req.HasQuery("start-after")) AddText(root, "StartAfter", enc(param("start-after")));
    AddText(root, "KeyCount", std::to_string(list->objects.size() + list->common_prefixes.size()));
  } else {
    AddText(root, "Marker", enc(param("marker")));
  }
  AddText(root, "MaxKeys", std::to_string(max_keys));
  if (!delimiter.empty()) AddText(root, "Delimiter", enc(delimiter));
  if (url) AddText(root, "EncodingType", "url");
  AddText(root, "IsTruncated", list->truncated ? "true" : "false");
  if (list->truncated) {
    if (v2) {
      AddText(root, "NextContinuationToken", text::EncodeBase64(list->next_token));
    } else {
      AddText(root, "NextMarker", enc(list->next_token));
    }
  }
  const bool owner = !v2 || param("fetch-owner") == "true";
  for (const auto& o : list->objects) {
    pugi::xml_node c = root.append_child("Contents");
    AddText(c, "Key", enc(o.key));
    AddText(c, "LastModified", IsoTime(o.modified_ms));
    AddText(c, "ETag", "\"" + o.etag + "\"");
    AddText(c, "Size", std::to_string(o.size));
    AddText(c, "StorageClass", "STANDARD");
    if (owner) AddOwner(c, req);
  }
  for (const auto& p : list->common_prefixes) AddText(root.append_child("CommonPrefixes"), "Prefix", enc(p));
  return req.Xml(doc);
}

}  // namespace freshet::s3
