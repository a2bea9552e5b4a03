// aws-chunked decoding and integrity checks of S3 bodies (s3_body.h).
#include "tools/s3/s3_body.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "storage/text.h"
#include "tools/s3/s3_crc.h"

namespace freshet::s3 {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

BodyOrError Fail(S3Error error) {
  BodyOrError r;
  r.ok = false;
  r.error = std::move(error);
  return r;
}

using Md = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Md NewMd(const EVP_MD* type) {
  Md md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), type, nullptr);
  return md;
}

std::string Final(const Md& md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md.get(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// aws-chunked, parsed incrementally (the grammar in s3_body.h).
class ChunkParser {
 public:
  // InvalidArgument when malformed; *stopped when `out` returned false.
  Status Feed(std::string_view in, const BodyDecoder::Sink& out, bool* stopped) {
    while (!in.empty()) {
      switch (stage_) {
        case Stage::kSize:
        case Stage::kTrailers: {
          const size_t nl = in.find('\n');
          const size_t take = nl == std::string_view::npos ? in.size() : nl + 1;
          line_.append(in.substr(0, take));
          in.remove_prefix(take);
          if (line_.size() > kMaxLine) return Status::InvalidArgument("aws-chunked body: a line is over 4 KiB");
          if (line_.back() != '\n') break;
          if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
            return Status::InvalidArgument("aws-chunked body: a line is not terminated by CRLF");
          }
          line_.resize(line_.size() - 2);
          FRESHET_RETURN_IF_ERROR(stage_ == Stage::kSize ? ChunkHeader() : Trailer());
          line_.clear();
          break;
        }
        case Stage::kData: {
          const size_t n = static_cast<size_t>(std::min<uint64_t>(left_, in.size()));
          if (!out(in.substr(0, n))) {
            *stopped = true;
            return Status::OK();
          }
          in.remove_prefix(n);
          left_ -= n;
          if (left_ == 0) stage_ = Stage::kDataEnd;
          break;
        }
        case Stage::kDataEnd: {
          const size_t n = std::min<size_t>(2 - line_.size(), in.size());
          line_.append(in.substr(0, n));
          in.remove_prefix(n);
          if (line_.size() < 2) break;
          if (line_ != "\r\n") {
            return Status::InvalidArgument(
                "aws-chunked body: a chunk is not followed by CRLF (shorter than its size?)");
          }
          line_.clear();
          stage_ = Stage::kSize;
          break;
        }
        case Stage::kDone: return Status::InvalidArgument("aws-chunked body: bytes after the final chunk");
      }
    }
    return Status::OK();
  }

  Status Finish() {
    if (stage_ == Stage::kTrailers && !line_.empty()) {  // a last trailer without its CRLF
      FRESHET_RETURN_IF_ERROR(Trailer());
      line_.clear();
    }
    if (stage_ == Stage::kTrailers || stage_ == Stage::kDone) return Status::OK();  // final empty line optional
    return Status::InvalidArgument(stage_ == Stage::kSize && line_.empty() && !started_
                                       ? "aws-chunked body: a chunk header is not terminated"
                                       : "aws-chunked body: the body ends inside a chunk");
  }

  std::vector<std::pair<std::string, std::string>> trailers;

 private:
  static constexpr size_t kMaxLine = 4096;
  enum class Stage { kSize, kData, kDataEnd, kTrailers, kDone };

  Status ChunkHeader() {
    started_ = true;
    std::string_view size_text = std::string_view(line_).substr(0, line_.find(';'));
    if (size_text.empty() || size_text.size() > 15) {
      return Status::InvalidArgument("aws-chunked body: bad chunk size '" + std::string(size_text) + "'");
    }
    uint64_t size = 0;
    for (char c : size_text) {
      int v = std::isdigit(static_cast<unsigned char>(c))    ? c - '0'
              : std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                             : -1;
      if (v < 0) return Status::InvalidArgument("aws-chunked body: bad chunk size '" + std::string(size_text) + "'");
      size = size * 16 + static_cast<uint64_t>(v);
    }
    left_ = size;
    stage_ = size == 0 ? Stage::kTrailers : Stage::kData;
    return Status::OK();
  }

  Status Trailer() {
    if (line_.empty()) {
      stage_ = Stage::kDone;
      return Status::OK();
    }
    const size_t colon = line_.find(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("aws-chunked body: trailer '" + line_.substr(0, 64) + "' is not name:value");
    }
    std::string_view value = std::string_view(line_).substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    trailers.emplace_back(Lower(line_.substr(0, colon)), std::string(value));
    return Status::OK();
  }

  Stage stage_ = Stage::kSize;
  std::string line_;
  uint64_t left_ = 0;
  bool started_ = false;
};

// The low `bytes` bytes of `v`, most significant first (how S3 sends a CRC, before base64).
std::string BigEndian(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = 0; i < bytes; ++i) out[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * (bytes - 1 - i))) & 0xff);
  return out;
}

}  // namespace

Result<DecodedBody> DecodeAwsChunked(std::string_view body) {
  DecodedBody out;
  ChunkParser parser;
  bool stopped = false;
  FRESHET_RETURN_IF_ERROR(parser.Feed(
      body,
      [&out](std::string_view piece) {
        out.bytes.append(piece);
        return true;
      },
      &stopped));
  FRESHET_RETURN_IF_ERROR(parser.Finish());
  out.trailers = std::move(parser.trailers);
  return out;
}

struct BodyDecoder::State {
  State(const http::Request& r, Sink s) : request(r), sink(std::move(s)) {}
  const http::Request& request;
  Sink sink;
  std::optional<S3Error> error;
  bool chunked = false;
  ChunkParser parser;
  uint64_t decoded = 0;
  Md content_sha256{nullptr, EVP_MD_CTX_free};  // of the body as sent, when x-amz-content-sha256 is hex
  Md md5{nullptr, EVP_MD_CTX_free};             // when Content-MD5 is sent
  Md sha1{nullptr, EVP_MD_CTX_free}, sha256{nullptr, EVP_MD_CTX_free};  // announced x-amz-checksum-*
  uLong crc = 0;
  bool crc_wanted = false;
  std::optional<Crc32c> crc32c;        // announced x-amz-checksum-crc32c
  std::optional<Crc64Nvme> crc64nvme;  // announced x-amz-checksum-crc64nvme
  std::string md5_given;

  bool Decoded(std::string_view piece) {
    decoded += piece.size();
    if (md5) EVP_DigestUpdate(md5.get(), piece.data(), piece.size());
    if (sha1) EVP_DigestUpdate(sha1.get(), piece.data(), piece.size());
    if (sha256) EVP_DigestUpdate(sha256.get(), piece.data(), piece.size());
    if (crc32c) crc32c->Update(piece);
    if (crc64nvme) crc64nvme->Update(piece);
    if (crc_wanted) {
      for (size_t done = 0; done < piece.size();) {  // zlib takes uInt lengths
        uInt n = static_cast<uInt>(std::min<size_t>(piece.size() - done, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(piece.data() + done), n);
        done += n;
      }
    }
    return sink(piece);
  }

  // "" when the x-amz-checksum-* value matches what was computed.
  std::string ChecksumMismatch(std::string_view name, std::string_view value) {
    std::string expected;
    if (name == "x-amz-checksum-crc32" && crc_wanted) {
      expected.resize(4);
      for (int i = 0; i < 4; ++i) expected[i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
    } else if (name == "x-amz-checksum-sha1" && sha1) {
      expected = Final(sha1);
      sha1.reset();
    } else if (name == "x-amz-checksum-sha256" && sha256) {
      expected = Final(sha256);
      sha256.reset();
    } else if (name == "x-amz-checksum-crc32c" && crc32c) {
      expected = BigEndian(crc32c->Value(), 4);
    } else if (name == "x-amz-checksum-crc64nvme" && crc64nvme) {
      expected = BigEndian(crc64nvme->Value(), 8);
    } else if (name == "x-amz-checksum-sha1" || name == "x-amz-checksum-sha256" || name == "x-amz-checksum-crc32c" ||
               name == "x-amz-checksum-crc64nvme") {
      return "The " + std::string(name) + " trailer was not announced in x-amz-trailer.";
    } else {
      return "";  // not a checksum S3 computes
    }
    std::string given;
    if (!text::DecodeBase64(value, &given) || given != expected) {
      std::string algorithm(name.substr(std::string_view("x-amz-checksum-").size()));
      for (char& c : algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return "The " + algorithm + " you specified did not match the calculated checksum.";
    }
    return "";
  }
};

BodyDecoder::BodyDecoder(const http::Request& request, Sink sink)
    : state_(std::make_unique<State>(request, std::move(sink))) {
  State& s = *state_;
  const std::string* sha = request.Header("x-amz-content-sha256");
  if (sha && IsHex64(*sha)) s.content_sha256 = NewMd(EVP_sha256());
  const std::string* encoding = request.Header("content-encoding");
  s.chunked =
      (sha && sha->rfind("STREAMING-", 0) == 0) || (encoding && encoding->find("aws-chunked") != std::string::npos);
  // Checksums named by a header, or announced as a trailer (x-amz-trailer); CRC32 of every chunked
  // body, since clients send its trailer without announcing it.
  std::string wanted;
  for (const auto& [name, value] : request.headers) {
    if (name.rfind("x-amz-checksum-", 0) == 0 || name == "x-amz-trailer") wanted += " " + Lower(name + ":" + value);
  }
  s.crc_wanted = s.chunked || wanted.find("crc32") != std::string::npos;  // (also for crc32c: harmless)
  if (wanted.find("crc32c") != std::string::npos) {
    if (std::string why; !Crc32c::Available(&why)) {
      s.error = S3Error{"NotImplemented", "x-amz-checksum-crc32c cannot be checked here: " + why, 501};
    } else {
      s.crc32c.emplace();
    }
  }
  if (wanted.find("crc64nvme") != std::string::npos) s.crc64nvme.emplace();
  if (wanted.find("sha1") != std::string::npos) s.sha1 = NewMd(EVP_sha1());
  if (wanted.find("sha256") != std::string::npos) s.sha256 = NewMd(EVP_sha256());
  if (s.crc_wanted) s.crc = crc32(0L, Z_NULL, 0);
  if (const std::string* md5 = request.Header("content-md5")) {
    if (!text::DecodeBase64(*md5, &s.md5_given) || s.md5_given.size() != 16) {
      s.error = S3Error{"InvalidDigest", "The Content-MD5 you specified was invalid.", 400};
    } else {
      s.md5 = NewMd(EVP_md5());
    }
  }
}

BodyDecoder::~BodyDecoder() = default;

bool BodyDecoder::Feed(std::string_view raw) {
  State& s = *state_;
  if (s.error) return false;
  if (s.content_sha256) EVP_DigestUpdate(s.content_sha256.get(), raw.data(), raw.size());
  if (!s.chunked) return s.Decoded(raw);
  bool stopped = false;
  Status st = s.parser.Feed(
      raw, [&s](std::string_view piece) { return s.Decoded(piece); }, &stopped);
  if (!st.ok()) s.error = S3Error{"IncompleteBody", st.message(), 400};
  return st.ok() && !stopped;
}

std::optional<S3Error> BodyDecoder::Finish() {
  State& s = *state_;
  if (s.error) return s.error;
  auto fail = [&s](std::string code, std::string message) {
    s.error = S3Error{std::move(code), std::move(message), 400};
    return s.error;
  };
  if (s.content_sha256 && Lower(*s.request.Header("x-amz-content-sha256")) != Hex(Final(s.content_sha256))) {
    return fail("XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  std::vector<std::pair<std::string, std::string>> checks;
  if (s.chunked) {
    Status st = s.parser.Finish();
    if (!st.ok()) return fail("IncompleteBody", st.message());
    if (const std::string* length = s.request.Header("x-amz-decoded-content-length")) {
      if (*length != std::to_string(s.decoded)) {
        return fail("IncompleteBody",
                    "You did not provide the number of bytes specified by the x-amz-decoded-content-length header (" +
                        *length + "; the chunks hold " + std::to_string(s.decoded) + ")");
      }
    }
    checks = s.parser.trailers;
  }
  for (const auto& [name, value] : s.request.headers) {
    if (name.rfind("x-amz-checksum-", 0) == 0 && name != "x-amz-checksum-algorithm" && name != "x-amz-checksum-type" &&
        name != "x-amz-checksum-mode") {
      checks.emplace_back(name, value);
    }
  }
  for (const auto& [name, value] : checks) {
    std::string mismatch = s.ChecksumMismatch(name, value);
    if (!mismatch.empty()) return fail("BadDigest", mismatch);
  }
  if (s.md5 && Final(s.md5) != s.md5_given) {
    return fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  return std::nullopt;
}

const std::optional<S3Error>& BodyDecoder::error() const { return state_->error; }
uint64_t BodyDecoder::decoded_bytes() const { return state_->decoded; }
const std::vector<std::pair<std::string, std::string>>& BodyDecoder::trailers() const {
  return state_->parser.trailers;
}

BodyOrError ReadBody(const http::Request& request) {
  BodyOrError result;
  BodyDecoder decoder(request, [&result](std::string_view piece) {
    result.bytes.append(piece);
    return true;
  });
  decoder.Feed(request.body);
  if (auto error = decoder.Finish()) return Fail(std::move(*error));
  return result;
}

}  // namespace freshet::s3
