// aws-chunked decoding and integrity checks of S3 bodies (s3_body.h).
#include "tools/s3/s3_body.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <cctype>

#include "storage/text.h"

namespace freshet::s3 {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Digest(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t done = 0;
  while (done < bytes.size()) {  // zlib takes uInt lengths
    uInt n = static_cast<uInt>(std::min<size_t>(bytes.size() - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), n);
    done += n;
  }
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
  return out;
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

BodyOrError Fail(std::string code, std::string message, int status = 400) {
  BodyOrError r;
  r.ok = false;
  r.error = {std::move(code), std::move(message), status};
  return r;
}

// Checks one x-amz-checksum-* value (base64) against the bytes; "" when fine.
std::string ChecksumMismatch(std::string_view name, std::string_view value, std::string_view bytes) {
  std::string expected;
  if (name == "x-amz-checksum-crc32") expected = Crc32(bytes);
  else if (name == "x-amz-checksum-sha1") expected = Digest(EVP_sha1(), bytes);
  else if (name == "x-amz-checksum-sha256") expected = Digest(EVP_sha256(), bytes);
  else return "";  // crc32c, crc64nvme: no Debian library at hand; accepted unchecked
  std::string given;
  if (!text::DecodeBase64(value, &given) || given != expected) {
    std::string algorithm(name.substr(std::string_view("x-amz-checksum-").size()));
    for (char& c : algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "The " + algorithm + " you specified did not match the calculated checksum.";
  }
  return "";
}

}  // namespace

Result<DecodedBody> DecodeAwsChunked(std::string_view body) {
  DecodedBody out;
  size_t pos = 0;
  auto line = [&](std::string_view* l) {
    size_t end = body.find("\r\n", pos);
    if (end == std::string_view::npos) return false;
    *l = body.substr(pos, end - pos);
    pos = end + 2;
    return true;
  };
  for (;;) {
    std::string_view header;
    if (!line(&header)) return Status::InvalidArgument("aws-chunked body: a chunk header is not terminated");
    std::string_view size_text = header.substr(0, header.find(';'));
    if (size_text.empty() || size_text.size() > 15) {
      return Status::InvalidArgument("aws-chunked body: bad chunk size '" + std::string(size_text) + "'");
    }
    size_t size = 0;
    for (char c : size_text) {
      int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                              : -1;
      if (v < 0) return Status::InvalidArgument("aws-chunked body: bad chunk size '" + std::string(size_text) + "'");
      size = size * 16 + static_cast<size_t>(v);
    }
    if (size == 0) break;
    if (size > body.size() - pos || body.substr(pos + size, 2) != "\r\n") {
      return Status::InvalidArgument("aws-chunked body: a chunk is shorter than its size " + std::to_string(size));
    }
    out.bytes.append(body.substr(pos, size));
    pos += size + 2;
  }
  for (;;) {  // trailers, then the final empty line (which some clients leave out)
    if (pos >= body.size()) break;
    std::string_view trailer;
    if (!line(&trailer)) {
      trailer = body.substr(pos);
      pos = body.size();
    }
    if (trailer.empty()) break;
    size_t colon = trailer.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("aws-chunked body: trailer '" + std::string(trailer.substr(0, 64)) +
                                     "' is not name:value");
    }
    std::string_view value = trailer.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.trailers.emplace_back(Lower(trailer.substr(0, colon)), std::string(value));
  }
  if (pos != body.size()) return Status::InvalidArgument("aws-chunked body: bytes after the final chunk");
  return out;
}

BodyOrError ReadBody(const http::Request& request) {
  const std::string* sha = request.Header("x-amz-content-sha256");
  if (sha && IsHex64(*sha) && Lower(*sha) != Hex(Digest(EVP_sha256(), request.body))) {
    return Fail("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const std::string* encoding = request.Header("content-encoding");
  const bool chunked = (sha && sha->rfind("STREAMING-", 0) == 0) ||
                       (encoding && encoding->find("aws-chunked") != std::string::npos);
  BodyOrError result;
  std::vector<std::pair<std::string, std::string>> checks;
  if (chunked) {
    auto decoded = DecodeAwsChunked(request.body);
    if (!decoded.ok()) return Fail("IncompleteBody", decoded.status().message());
    if (const std::string* length = request.Header("x-amz-decoded-content-length")) {
      if (*length != std::to_string(decoded->bytes.size())) {
        return Fail("IncompleteBody", "You did not provide the number of bytes specified by the "
                                      "x-amz-decoded-content-length header (" + *length + "; the chunks hold " +
                                          std::to_string(decoded->bytes.size()) + ")");
      }
    }
    result.bytes = std::move(decoded->bytes);
    checks = std::move(decoded->trailers);
  } else {
    result.bytes = request.body;
  }
  for (const auto& [name, value] : request.headers) {
    if (name.rfind("x-amz-checksum-", 0) == 0 && name != "x-amz-checksum-algorithm" &&
        name != "x-amz-checksum-type" && name != "x-amz-checksum-mode") {
      checks.emplace_back(name, value);
    }
  }
  for (const auto& [name, value] : checks) {
    std::string mismatch = ChecksumMismatch(name, value, result.bytes);
    if (!mismatch.empty()) return Fail("BadDigest", mismatch);
  }
  if (const std::string* md5 = request.Header("content-md5")) {
    std::string given;
    if (!text::DecodeBase64(*md5, &given) || given.size() != 16) {
      return Fail("InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    if (given != Digest(EVP_md5(), result.bytes)) {
      return Fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
    }
  }
  return result;
}

}  // namespace freshet::s3
