// The body of an S3 write as the client meant it: aws-chunked decoding and integrity checks.
//
// aws-chunked (Content-Encoding: aws-chunked, x-amz-content-sha256: STREAMING-...): the body is
//   chunk := hex-size [";chunk-signature=" 64hex] CRLF bytes CRLF
//   body  := chunk* final-chunk trailer* CRLF, final-chunk := "0" [";chunk-signature=..."] CRLF
//   trailer := name ":" value CRLF   (x-amz-checksum-crc32:..., x-amz-trailer-signature:...)
// as the aws CLI and boto3 send PutObject and UploadPart (STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
// STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER). The decoded
// length must equal x-amz-decoded-content-length. Chunk signatures are not verified (the seed
// signature of the request is, by HttpFront, with serve --credentials).
//
// Checks, each only when the client sent the header or trailer: x-amz-content-sha256 (hex) against
// the body as sent; Content-MD5 (base64) and x-amz-checksum-crc32 / -sha1 / -sha256 (base64)
// against the decoded bytes. CRC32C and CRC64NVME are accepted unchecked.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/http/http_types.h"
#include "tools/s3/s3_reply.h"

namespace freshet::s3 {

struct DecodedBody {
  std::string bytes;
  std::vector<std::pair<std::string, std::string>> trailers;  // names lower-cased
};

// Decodes an aws-chunked body. InvalidArgument naming what is malformed.
Result<DecodedBody> DecodeAwsChunked(std::string_view body);

// The body's bytes (decoded if aws-chunked) after the checks above, or the S3 error to answer
// (IncompleteBody, XAmzContentSHA256Mismatch, BadDigest, InvalidDigest, InvalidRequest).
struct BodyOrError {
  std::string bytes;
  bool ok = true;
  S3Error error;
};
BodyOrError ReadBody(const http::Request& request);

}  // namespace freshet::s3
