// S3's older query-string authentication (Signature Version 2), which boto3's and the aws CLI's
// generate_presigned_url / `aws s3 presign` still produce by default for S3:
//   /bucket/key?AWSAccessKeyId=AKID&Signature=BASE64(HMAC-SHA1)&Expires=EPOCH-SECONDS
// String to sign: METHOD \n Content-MD5 \n Content-Type \n Expires \n x-amz-* headers (sorted,
// "name:value\n") and the resource: the path as sent plus S3's signed sub-resources, sorted.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "tools/http/sigv4.h"
#include "tools/s3/s3_reply.h"

namespace freshet::s3 {

// Whether the request carries SigV2 query authentication.
bool HasSigV2Query(const http::Request& request);

// nullopt when the request may proceed. Always checked: the three parameters are present and
// Expires has not passed (AccessDenied "Request has expired"). With credentials (serve
// --credentials): the key is known (InvalidAccessKeyId) and the signature matches
// (SignatureDoesNotMatch, 403).
std::optional<S3Error> CheckSigV2Query(const http::Request& request, const http::CredentialStore* credentials,
                                       uint64_t now_ms);

}  // namespace freshet::s3
