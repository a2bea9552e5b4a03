// SigV2 query authentication for S3 presigned URLs (s3_sigv2.h).
#include "tools/s3/s3_sigv2.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "storage/text.h"

namespace freshet::s3 {
namespace {

const std::string* QueryValue(const http::Request& request, std::string_view name) {
  for (const auto& [n, v] : request.query) {
    if (n == name) return &v;
  }
  return nullptr;
}

// The sub-resources botocore's HmacV1 signer includes in the canonical resource.
const std::set<std::string, std::less<>>& SignedSubresources() {
  static const std::set<std::string, std::less<>> kNames = {
      "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy",
      "requestPayment", "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId",
      "response-content-type", "response-content-language", "response-expires", "response-cache-control",
      "response-content-disposition", "response-content-encoding", "delete", "lifecycle", "tagging", "restore",
      "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
      "object-lock"};
  return kNames;
}

std::string StringToSign(const http::Request& request, const std::string& expires) {
  auto header = [&](std::string_view name) {
    const std::string* v = request.Header(name);
    return v ? *v : std::string();
  };
  std::string out = request.method + "\n" + header("content-md5") + "\n" + header("content-type") + "\n" + expires +
                    "\n";
  std::map<std::string, std::string> amz;
  for (const auto& [name, value] : request.headers) {
    if (name.rfind("x-amz-", 0) != 0) continue;
    std::string v = value;
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    auto [it, inserted] = amz.emplace(name, v);
    if (!inserted) it->second += "," + v;
  }
  for (const auto& [name, value] : amz) out += name + ":" + value + "\n";
  std::string_view target = request.raw_target;
  out += std::string(target.substr(0, target.find('?')));
  std::vector<std::pair<std::string, std::string>> subresources;
  for (const auto& [name, value] : request.query) {
    if (SignedSubresources().count(name)) subresources.emplace_back(name, value);
  }
  std::sort(subresources.begin(), subresources.end());
  char sep = '?';
  for (const auto& [name, value] : subresources) {
    out += sep + name;
    if (!value.empty()) out += "=" + value;
    sep = '&';
  }
  return out;
}

}  // namespace

bool HasSigV2Query(const http::Request& request) {
  return QueryValue(request, "AWSAccessKeyId") != nullptr && QueryValue(request, "Signature") != nullptr;
}

std::optional<S3Error> CheckSigV2Query(const http::Request& request, const http::CredentialStore* credentials,
                                       uint64_t now_ms) {
  const std::string* key = QueryValue(request, "AWSAccessKeyId");
  const std::string* signature = QueryValue(request, "Signature");
  const std::string* expires = QueryValue(request, "Expires");
  if (!key || !signature || !expires) {
    return S3Error{"AccessDenied",
                   "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", 403};
  }
  char* end = nullptr;
  unsigned long long expiry = std::strtoull(expires->c_str(), &end, 10);
  if (expires->empty() || *end != '\0') return S3Error{"AccessDenied", "Invalid date (should be seconds since epoch): " + *expires, 403};
  if (expiry * 1000 < now_ms) return S3Error{"AccessDenied", "Request has expired", 403};
  if (!credentials) return std::nullopt;
  auto secret = credentials->secrets.find(*key);
  if (secret == credentials->secrets.end()) {
    return S3Error{"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403};
  }
  const std::string to_sign = StringToSign(request, *expires);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret->second.data(), static_cast<int>(secret->second.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &len);
  if (text::EncodeBase64(std::string_view(reinterpret_cast<char*>(mac), len)) != *signature) {
    return S3Error{"SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you provided. Check your key and "
                   "signing method. (SigV2 string to sign: '" + to_sign + "')",
                   403};
  }
  return std::nullopt;
}

}  // namespace freshet::s3
