// S3Service (s3_service.h): which requests are S3's, what their signature problems are called in
// S3's vocabulary, and which operation a method, path and query name.
#include "tools/s3/s3_service.h"

#include <set>

#include "tools/s3/s3_ops.h"
#include "tools/s3/s3_sigv2.h"

namespace freshet::s3 {
namespace {

// Sub-resources S3 has and freshet does not serve: answered 501 rather than mistaken for a plain
// GET or PUT of the bucket or object.
const std::set<std::string, std::less<>>& UnservedSubresources() {
  static const std::set<std::string, std::less<>> kNames = {"accelerate",
                                                            "acl",
                                                            "analytics",
                                                            "attributes",
                                                            "cors",
                                                            "encryption",
                                                            "intelligent-tiering",
                                                            "inventory",
                                                            "legal-hold",
                                                            "lifecycle",
                                                            "logging",
                                                            "metrics",
                                                            "notification",
                                                            "object-lock",
                                                            "ownershipControls",
                                                            "policy",
                                                            "policyStatus",
                                                            "publicAccessBlock",
                                                            "replication",
                                                            "requestPayment",
                                                            "restore",
                                                            "retention",
                                                            "select",
                                                            "tagging",
                                                            "torrent",
                                                            "versioning",
                                                            "versions",
                                                            "website",
                                                            "uploads",
                                                            "uploadId"};
  return kNames;
}

// A signed request whose signature could not be read still says, in its text, what it was for.
bool MentionsS3Scope(const http::Request& request) {
  if (const std::string* auth = request.Header("authorization"))
    return auth->find("/s3/aws4_request") != std::string::npos;
  for (const auto& [name, value] : request.query) {
    if (name == "X-Amz-Credential") return value.find("/s3/aws4_request") != std::string::npos;
  }
  return false;
}

S3Error AuthFailure(const http::AuthError& e) {
  if (e.type == "InvalidSignatureException") {
    if (e.message.rfind("Signature expired", 0) == 0 || e.message.rfind("Signature not yet current", 0) == 0) {
      return {"RequestTimeTooSkewed",
              "The difference between the request time and the current time is too large. " + e.message, 403};
    }
    return {"SignatureDoesNotMatch", e.message, 403};  // AWS's text, with the canonical request computed
  }
  if (e.type == "UnrecognizedClientException") {
    return {"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403};
  }
  if (e.type == "AccessDenied") return {"AccessDenied", e.message, 403};
  if (e.type == "XAmzContentSHA256Mismatch") {
    return {"XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
            400};
  }
  if (e.type == "AuthorizationQueryParametersError" || e.type == "InvalidRequest") return {e.type, e.message, 400};
  return {"AuthorizationHeaderMalformed", e.message, 400};
}

// The bucket of a virtual-hosted request ("data.localhost:4566" -> "data"), or "".
std::string VirtualHostBucket(const http::Request& request) {
  const std::string* host = request.Header("host");
  if (!host) return "";
  std::string_view h = *host;
  h = h.substr(0, h.rfind(':') == std::string_view::npos || h.back() == ']' ? h.size() : h.rfind(':'));
  constexpr std::string_view kSuffix = ".localhost";
  if (h.size() <= kSuffix.size() || h.substr(h.size() - kSuffix.size()) != kSuffix) return "";
  std::string bucket(h.substr(0, h.size() - kSuffix.size()));
  return storage::BucketStore::ValidateBucketName(bucket).ok() ? bucket : "";
}

}  // namespace

const std::string* S3Request::Query(std::string_view name) const {
  for (const auto& [n, v] : call.request.query) {
    if (n == name) return &v;
  }
  return nullptr;
}

http::Response S3Request::Empty(int status) const {
  http::Response r;
  r.status = status;
  AddRequestIds(&r, call.request_id);
  return r;
}

S3Service::S3Service(storage::BucketStore* buckets, std::optional<http::CredentialStore> credentials)
    : buckets_(buckets), uploads_(buckets), credentials_(std::move(credentials)) {}

bool S3Service::Claims(const transport::HttpCall& call) const {
  if (call.signed_service() == "s3") return true;
  if (!call.auth && !call.auth_error && HasSigV2Query(call.request)) return true;
  return call.auth_error.has_value() && !call.auth && MentionsS3Scope(call.request);
}

namespace {

// The request's bucket and key, from a virtual host or the path.
S3Request Route(const transport::HttpCall& call) {
  const http::Request& r = call.request;
  S3Request req{call, VirtualHostBucket(r), "", r.path};
  std::string_view path = r.path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (req.bucket.empty()) {
    size_t slash = path.find('/');
    req.bucket = std::string(path.substr(0, slash));
    req.key = slash == std::string_view::npos ? "" : std::string(path.substr(slash + 1));
  } else {
    req.key = std::string(path);
    req.resource = "/" + req.bucket + r.path;
  }
  return req;
}

}  // namespace

bool S3Service::StreamsBody(const transport::HttpCall& call) const {
  const http::Request& r = call.request;
  if (r.method != "PUT" || r.Header("x-amz-copy-source")) return false;
  bool part = false, upload = false;  // UploadPart streams as PutObject does
  for (const auto& [name, value] : r.query) {
    part = part || name == "partNumber";
    upload = upload || name == "uploadId";
    if (name != "uploadId" && UnservedSubresources().count(name)) return false;
  }
  if (part != upload) return false;
  S3Request req = Route(call);
  return !req.bucket.empty() && !req.key.empty();
}

http::Response S3Service::Handle(const transport::HttpCall& call) {
  const http::Request& r = call.request;
  S3Request req = Route(call);
  if (call.auth_error) return req.Error(AuthFailure(*call.auth_error));
  if (!call.auth && HasSigV2Query(r)) {
    if (auto e = CheckSigV2Query(r, credentials_ ? &*credentials_ : nullptr, call.context.now_ms)) return req.Error(*e);
  }

  auto unserved = [&]() -> const std::string* {
    for (const auto& [name, value] : r.query) {
      if (UnservedSubresources().count(name)) return &name;
    }
    return nullptr;
  };
  auto not_implemented = [&](const std::string& what) {
    return req.Error(
        "NotImplemented",
        "freshet does not implement " + r.method + " with ?" + what + " (docs/s3.md lists the operations served)", 501);
  };
  auto method_not_allowed = [&] {
    return req.Error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405);
  };
  const std::string& m = r.method;

  if (req.bucket.empty()) {
    if (m == "GET") return ListBuckets(*buckets_, req);
    return method_not_allowed();
  }
  if (req.key.empty()) {
    if (m == "GET") {
      if (req.HasQuery("location")) return GetBucketLocation(*buckets_, req);
      if (const std::string* what = unserved()) return not_implemented(*what);
      const std::string* list_type = req.Query("list-type");
      return ListObjects(*buckets_, req, list_type && *list_type == "2");
    }
    if (m == "HEAD") return HeadBucket(*buckets_, req);
    if (m == "PUT") {
      if (const std::string* what = unserved()) return not_implemented(*what);
      return CreateBucket(*buckets_, req);
    }
    if (m == "DELETE") {
      if (const std::string* what = unserved()) return not_implemented(*what);
      return DeleteBucket(*buckets_, req);
    }
    if (m == "POST" && req.HasQuery("delete")) return DeleteObjects(*buckets_, req);
    return method_not_allowed();
  }
  if (m == "GET" || m == "HEAD") {
    if (const std::string* what = unserved()) return not_implemented(*what);
    return GetObject(*buckets_, req, m == "HEAD");
  }
  if (m == "PUT") {
    if (req.HasQuery("uploadId") && req.HasQuery("partNumber")) {
      if (req.Header("x-amz-copy-source")) return not_implemented("partNumber with x-amz-copy-source (UploadPartCopy)");
      return UploadPart(uploads_, req);
    }
    if (const std::string* what = unserved()) return not_implemented(*what);
    if (req.Header("x-amz-copy-source")) return CopyObject(*buckets_, req);
    return PutObject(*buckets_, req);
  }
  if (m == "DELETE") {
    if (req.HasQuery("uploadId")) return AbortMultipartUpload(uploads_, req);
    if (const std::string* what = unserved()) return not_implemented(*what);
    return DeleteObject(*buckets_, req);
  }
  if (m == "POST") {
    if (req.HasQuery("uploads")) return CreateMultipartUpload(uploads_, req);
    if (req.HasQuery("uploadId")) return CompleteMultipartUpload(uploads_, req);
  }
  return method_not_allowed();
}

}  // namespace freshet::s3
