// S3Service: the S3 REST API (path-style URLs) on `freshet serve --http`, over a BucketStore.
//
// Claims the requests signed for the SigV4 service "s3" (Authorization header or presigned URL),
// and S3's SigV2 presigned URLs (AWSAccessKeyId, Signature and Expires in the query: boto3's
// generate_presigned_url makes these by default); unsigned requests are never S3's (docs/http.md,
// "Routing"). Operations (docs/s3.md): ListBuckets,
// CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, ListObjectsV2, ListObjects,
// GetObject, HeadObject, PutObject, CopyObject, DeleteObject, DeleteObjects, and multipart
// uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload).
// Other sub-resources (?acl, ?tagging, ?versioning, ...) answer 501 NotImplemented.
//
// Virtual-hosted URLs are served for hosts "<bucket>.localhost[:port]" too.
//
// Thread-safety: Handle is called concurrently; the stores are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "storage/buckets/bucket_store.h"
#include "storage/buckets/multipart_store.h"
#include "tools/transport/http_service.h"

namespace freshet::s3 {

class S3Service final : public transport::HttpService {
 public:
  // `buckets` is not owned and must outlive this. `credentials` (serve --credentials) verify SigV2
  // presigned URLs; without them only their expiry is checked, as SigV4 signatures are.
  S3Service(storage::BucketStore* buckets, std::optional<http::CredentialStore> credentials);

  std::string_view name() const override { return "s3"; }
  bool Claims(const transport::HttpCall& call) const override;
  http::Response Handle(const transport::HttpCall& call) override;
  // PutObject (a PUT of a key that is not CopyObject or a sub-resource) and UploadPart: the body
  // goes to the object's or the part's file as it arrives, up to 5 GiB.
  bool StreamsBody(const transport::HttpCall& call) const override;

 private:
  storage::BucketStore* const buckets_;
  storage::MultipartStore uploads_;
  const std::optional<http::CredentialStore> credentials_;
};

}  // namespace freshet::s3
