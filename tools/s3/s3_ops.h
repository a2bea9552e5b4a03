// The S3 operations behind S3Service (internal to tools/s3): one function per operation, given the
// routed request. s3_bucket_ops.cc: buckets and listings; s3_object_ops.cc: objects;
// s3_multipart_ops.cc: multipart uploads and DeleteObjects.
//
// Thread-safety: as the stores: every function may run concurrently.
#pragma once

#include <string>
#include <string_view>

#include "storage/buckets/bucket_store.h"
#include "storage/buckets/multipart_store.h"
#include "tools/s3/s3_reply.h"
#include "tools/transport/http_service.h"

namespace freshet::s3 {

struct S3Request {
  const transport::HttpCall& call;
  std::string bucket;    // "" for the service (ListBuckets)
  std::string key;       // "" for bucket operations
  std::string resource;  // "/bucket/key", for error replies

  const http::Request& http() const { return call.request; }
  const std::string* Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const { return Query(name) != nullptr; }
  const std::string* Header(std::string_view lower_name) const { return call.request.Header(lower_name); }

  http::Response Error(const S3Error& error) const { return ErrorReply(error, resource, call.request_id); }
  http::Response Error(std::string code, std::string message, int status = 400) const {
    return Error(S3Error{std::move(code), std::move(message), status});
  }
  http::Response Xml(const pugi::xml_document& doc, int status = 200) const {
    return XmlReply(doc, call.request_id, status);
  }
  // An empty reply with the request ids.
  http::Response Empty(int status) const;
};

http::Response ListBuckets(storage::BucketStore& store, const S3Request& req);
http::Response CreateBucket(storage::BucketStore& store, const S3Request& req);
http::Response HeadBucket(storage::BucketStore& store, const S3Request& req);
http::Response DeleteBucket(storage::BucketStore& store, const S3Request& req);
http::Response GetBucketLocation(storage::BucketStore& store, const S3Request& req);
// ListObjectsV2 (list-type=2) and ListObjects (v1, marker).
http::Response ListObjects(storage::BucketStore& store, const S3Request& req, bool v2);

http::Response GetObject(storage::BucketStore& store, const S3Request& req, bool head);
http::Response PutObject(storage::BucketStore& store, const S3Request& req);
http::Response CopyObject(storage::BucketStore& store, const S3Request& req);
http::Response DeleteObject(storage::BucketStore& store, const S3Request& req);
http::Response DeleteObjects(storage::BucketStore& store, const S3Request& req);

http::Response CreateMultipartUpload(storage::MultipartStore& uploads, const S3Request& req);
http::Response UploadPart(storage::MultipartStore& uploads, const S3Request& req);
http::Response CompleteMultipartUpload(storage::MultipartStore& uploads, const S3Request& req);
http::Response AbortMultipartUpload(storage::MultipartStore& uploads, const S3Request& req);

}  // namespace freshet::s3
