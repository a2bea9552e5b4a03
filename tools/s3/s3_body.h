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
// BodyDecoder does all of this piece by piece as the body arrives (a streamed PutObject never holds
// its body); ReadBody and DecodeAwsChunked are it applied to a whole body.
//
// Thread-safety: pure functions; a BodyDecoder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"
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

// Decodes and checks a body fed in pieces, in order (the checks and errors ReadBody makes).
class BodyDecoder {
 public:
  // Receives the decoded bytes in order; returning false stops the decoding (Feed returns false).
  using Sink = std::function<bool(std::string_view decoded)>;
  // Reads from the request's headers how to decode and what to check; `request` must outlive this.
  BodyDecoder(const http::Request& request, Sink sink);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // The next piece of the body as sent. False when the body is malformed (error() says why; also
  // set from the headers alone, e.g. an invalid Content-MD5, before any byte) or the sink refused.
  bool Feed(std::string_view raw);
  // After the last piece: nullopt when the body is whole and every check passed, else S3's error.
  std::optional<S3Error> Finish();
  const std::optional<S3Error>& error() const;
  uint64_t decoded_bytes() const;
  // Trailers of an aws-chunked body (names lower-cased), complete after Finish.
  const std::vector<std::pair<std::string, std::string>>& trailers() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A body the server streams (http::Request::read_body), decoded and checked as it arrives
// (BodyDecoder), handed to `write` in order in pieces of up to 1 MiB. Stops at the first of: more
// than `limit` decoded bytes (too_large), a write error (write_error), a malformed or incomplete
// body or a failed check (error). All clear: every byte was written and every check passed.
struct StreamedBody {
  uint64_t decoded = 0;  // bytes decoded so far (past `limit` when too_large)
  bool too_large = false;
  Status write_error;
  std::optional<S3Error> error;
};
StreamedBody WriteStreamedBody(const http::Request& request, uint64_t limit,
                               const std::function<Status(std::string_view piece)>& write);

}  // namespace freshet::s3
