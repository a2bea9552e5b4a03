// WriteStreamedBody (s3_body.h): a body the server streams, decoded and checked with BodyDecoder
// and written in 1 MiB pieces (PutObject and UploadPart).
#include <string>

#include "tools/s3/s3_body.h"

namespace freshet::s3 {

StreamedBody WriteStreamedBody(const http::Request& request, uint64_t limit,
                               const std::function<Status(std::string_view piece)>& write) {
  constexpr size_t kBuffer = 1 << 20;
  StreamedBody out;
  std::string buffer;
  buffer.reserve(kBuffer);
  BodyDecoder decoder(request, [&](std::string_view piece) {
    out.decoded += piece.size();
    if (out.decoded > limit) {
      out.too_large = true;
      return false;
    }
    buffer.append(piece);
    if (buffer.size() < kBuffer) return true;
    out.write_error = write(buffer);
    buffer.clear();
    return out.write_error.ok();
  });
  const bool read = request.read_body([&decoder](std::string_view raw) { return decoder.Feed(raw); });
  if (out.too_large || !out.write_error.ok()) return out;
  if (decoder.error()) {
    out.error = decoder.error();
  } else if (!read) {
    out.error = S3Error{"IncompleteBody", "The request body ended before all of it was received.", 400};
  } else {
    out.error = decoder.Finish();
  }
  if (!out.error && !buffer.empty()) out.write_error = write(buffer);
  return out;
}

}  // namespace freshet::s3
