// S3 object operations: GetObject / HeadObject, PutObject, CopyObject, DeleteObject (s3_ops.h).
#include <cctype>
#include <cstdlib>

#include "tools/http/http_request_parts.h"
#include "tools/s3/s3_body.h"
#include "tools/s3/s3_ops.h"

namespace freshet::s3 {
namespace {

constexpr const char* kDefaultContentType = "binary/octet-stream";
// S3's limit for one PutObject (larger objects are multipart uploads).
constexpr uint64_t kMaxPutObjectBytes = 5ull << 30;
// An object larger than this is not read into memory: GetObject sends it from the open file, and
// CopyObject copies it a piece at a time.
constexpr uint64_t kMaxGetInMemory = 4 << 20;

http::Response EntityTooLarge(const S3Request& req, uint64_t proposed) {
  return req.Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (" +
                                         std::to_string(proposed) + " bytes; a PutObject is at most " +
                                         std::to_string(kMaxPutObjectBytes) +
                                         " bytes, larger objects are multipart uploads)");
}

// The error for a bucket name or key no object can have, or nullopt.
std::optional<S3Error> BadName(const S3Request& req, bool writing) {
  Status b = storage::BucketStore::ValidateBucketName(req.bucket);
  if (!b.ok()) return S3Error{"InvalidBucketName", b.message(), 400};
  Status k = storage::BucketStore::ValidateKey(req.key);
  if (k.ok()) return std::nullopt;
  if (req.key.size() > 1024) return S3Error{"KeyTooLongError", "Your key is too long: " + k.message(), 400};
  if (writing) return S3Error{"InvalidObjectName", k.message(), 400};
  return S3Error{"NoSuchKey", "The specified key does not exist. (" + k.message() + ")", 404};
}

// Parses "bytes=a-b", "bytes=a-", "bytes=-n". nullopt for anything else (served whole, as HTTP
// says an unreadable Range is ignored).
std::optional<storage::ByteRange> ParseRange(std::string_view text) {
  constexpr std::string_view kBytes = "bytes=";
  if (text.substr(0, kBytes.size()) != kBytes) return std::nullopt;
  text.remove_prefix(kBytes.size());
  size_t dash = text.find('-');
  if (dash == std::string_view::npos || text.find(',') != std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s, uint64_t* out) {
    if (s.empty() || s.size() > 19) return false;
    uint64_t v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    *out = v;
    return true;
  };
  storage::ByteRange r;
  uint64_t a = 0, b = 0;
  std::string_view first = text.substr(0, dash), last = text.substr(dash + 1);
  if (first.empty()) {
    if (!number(last, &b)) return std::nullopt;
    r.suffix = b;
    return r;
  }
  if (!number(first, &a)) return std::nullopt;
  r.first = a;
  if (!last.empty()) {
    if (!number(last, &b) || b < a) return std::nullopt;
    r.last = b;
  }
  return r;
}

bool EtagMatches(std::string_view header, const std::string& etag) {
  if (header == "*") return true;
  size_t start = 0;
  while (start < header.size()) {
    size_t comma = header.find(',', start);
    std::string_view one =
        header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.substr(0, 2) == "W/") one.remove_prefix(2);
    if (one.size() >= 2 && one.front() == '"' && one.back() == '"') one = one.substr(1, one.size() - 2);
    if (one == etag) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

// NoSuchBucket or NoSuchKey for a NotFound, whichever is missing; other errors as they map.
S3Error ReadError(storage::BucketStore& store, const std::string& bucket, const Status& s) {
  if (s.IsNotFound() && !store.HeadBucket(bucket).ok()) return ErrorForStatus(s, "NoSuchBucket");
  return ErrorForStatus(s, "NoSuchKey");
}

void AddObjectHeaders(http::Response* r, const storage::ObjectInfo& info) {
  r->headers.emplace_back("ETag", "\"" + info.etag + "\"");
  r->headers.emplace_back("Last-Modified", HttpDate(info.modified_ms));
  r->headers.emplace_back("Accept-Ranges", "bytes");
}

}  // namespace

http::Response GetObject(storage::BucketStore& store, const S3Request& req, bool head) {
  if (auto bad = BadName(req, false)) return req.Error(*bad);
  std::optional<storage::ByteRange> range;
  const std::string* range_header = req.Header("range");
  if (const std::string* part = req.Query("partNumber")) {
    if (*part != "1") return req.Error("InvalidPartNumber", "The requested partnumber is not satisfiable", 416);
  }
  if (range_header) range = ParseRange(*range_header);
  storage::ObjectData data;
  if (head) {
    auto info = store.HeadObject(req.bucket, req.key);
    if (!info.ok()) return req.Error(ReadError(store, req.bucket, info.status()));
    data.info = std::move(info.value());
  } else {
    auto read = store.ReadObject(req.bucket, req.key, range, kMaxGetInMemory);
    if (!read.ok()) {
      if (read.status().IsInvalidArgument() && range) {
        auto info = store.HeadObject(req.bucket, req.key);
        http::Response r = req.Error("InvalidRange", "The requested range is not satisfiable", 416);
        if (info.ok()) r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(info->size));
        return r;
      }
      return req.Error(ReadError(store, req.bucket, read.status()));
    }
    data = std::move(read.value());
  }
  if (const std::string* match = req.Header("if-match"); match && !EtagMatches(*match, data.info.etag)) {
    return req.Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412);
  }
  if (const std::string* none = req.Header("if-none-match"); none && EtagMatches(*none, data.info.etag)) {
    http::Response r = req.Empty(304);
    AddObjectHeaders(&r, data.info);
    return r;
  }
  http::Response r = req.Empty(200);
  AddObjectHeaders(&r, data.info);
  std::string content_type = data.info.content_type.empty() ? kDefaultContentType : data.info.content_type;
  if (const std::string* ct = req.Query("response-content-type")) content_type = *ct;
  static constexpr std::pair<const char*, const char*> kOverrides[] = {
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
      {"response-content-language", "Content-Language"},
      {"response-cache-control", "Cache-Control"},
      {"response-expires", "Expires"}};
  for (const auto& [param, header] : kOverrides) {
    if (const std::string* v = req.Query(param)) r.headers.emplace_back(header, *v);
  }
  if (head) {
    // No body: the length and type are the object's, as GET would send them.
    r.headers.emplace_back("Content-Length", std::to_string(data.info.size));
    r.headers.emplace_back("Content-Type", content_type);
    return r;
  }
  const uint64_t length = data.reader ? data.reader->length() : data.bytes.size();
  if (range) {
    r.status = 206;
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(data.first) + "-" +
                                                std::to_string(data.first + length - 1) + "/" +
                                                std::to_string(data.info.size));
  }
  r.content_type = content_type;
  if (data.reader) {  // sent as the connection takes it, from the file opened above
    r.body_length = length;
    r.body_reader = [reader = std::move(data.reader)](uint64_t offset, size_t max, std::string* piece) {
      return reader->Read(offset, max, piece).ok();
    };
    return r;
  }
  r.body = std::move(data.bytes);
  return r;
}

// PutObject whose body the server streams (S3Service::StreamsBody): decoded and checked as it
// arrives, written to the object's temp file through a 1 MiB buffer, committed only when whole and
// every check passed; on any error nothing is written (the writer's temp is removed).
http::Response PutObjectStreamed(storage::BucketStore& store, const S3Request& req,
                                 const storage::PutOptions& options) {
  const std::string* declared = req.Header("x-amz-decoded-content-length");
  if (!declared) declared = req.Header("content-length");
  const uint64_t proposed = declared ? std::strtoull(declared->c_str(), nullptr, 10) : 0;
  if (proposed > kMaxPutObjectBytes) return EntityTooLarge(req, proposed);
  auto writer = store.NewObjectWriter(req.bucket, req.key, options);
  if (!writer.ok()) return req.Error(ErrorForStatus(writer.status(), "NoSuchBucket", "InvalidObjectName"));
  StreamedBody body = WriteStreamedBody(req.http(), kMaxPutObjectBytes,
                                        [&](std::string_view piece) { return (*writer)->Append(piece); });
  if (body.too_large) return EntityTooLarge(req, body.decoded);
  if (!body.write_error.ok()) return req.Error(ErrorForStatus(body.write_error, "NoSuchBucket"));
  if (body.error) return req.Error(*body.error);
  auto info = (*writer)->Commit();
  if (!info.ok()) return req.Error(ErrorForStatus(info.status(), "NoSuchBucket", "InvalidObjectName"));
  http::Response r = req.Empty(200);
  r.headers.emplace_back("ETag", "\"" + info->etag + "\"");
  return r;
}

http::Response PutObject(storage::BucketStore& store, const S3Request& req) {
  if (auto bad = BadName(req, true)) return req.Error(*bad);
  if (req.http().read_body) {
    storage::PutOptions options;
    if (const std::string* ct = req.Header("content-type")) options.content_type = *ct;
    return PutObjectStreamed(store, req, options);
  }
  BodyOrError body = ReadBody(req.http());
  if (!body.ok) return req.Error(body.error);
  storage::PutOptions options;
  if (const std::string* ct = req.Header("content-type")) options.content_type = *ct;
  auto info = store.PutObject(req.bucket, req.key, body.bytes, options);
  if (!info.ok()) return req.Error(ErrorForStatus(info.status(), "NoSuchBucket", "InvalidObjectName"));
  http::Response r = req.Empty(200);
  r.headers.emplace_back("ETag", "\"" + info->etag + "\"");
  return r;
}

http::Response CopyObject(storage::BucketStore& store, const S3Request& req) {
  if (auto bad = BadName(req, true)) return req.Error(*bad);
  std::string source = http::PercentDecode(*req.Header("x-amz-copy-source"), /*plus_is_space=*/false);
  if (size_t q = source.find("?versionId="); q != std::string::npos) source.resize(q);
  if (!source.empty() && source.front() == '/') source.erase(0, 1);
  size_t slash = source.find('/');
  if (slash == std::string::npos || slash + 1 == source.size()) {
    return req.Error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  }
  const std::string src_bucket = source.substr(0, slash), src_key = source.substr(slash + 1);
  const std::string* directive = req.Header("x-amz-metadata-directive");
  const bool replace = directive && *directive == "REPLACE";
  if (src_bucket == req.bucket && src_key == req.key && !replace) {
    return req.Error("InvalidRequest",
                     "This copy request is illegal because it is trying to copy an object to itself without changing "
                     "the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  auto data = store.ReadObject(src_bucket, src_key, std::nullopt, kMaxGetInMemory);
  if (!data.ok()) return req.Error(ReadError(store, src_bucket, data.status()));
  storage::PutOptions options;
  options.content_type = data->info.content_type;
  if (replace) {
    const std::string* ct = req.Header("content-type");
    options.content_type = ct ? *ct : "";
  }
  Result<storage::ObjectInfo> info = storage::ObjectInfo();
  if (data->reader) {  // a large source is copied 1 MiB at a time through an ObjectWriter
    auto writer = store.NewObjectWriter(req.bucket, req.key, options);
    if (!writer.ok()) return req.Error(ErrorForStatus(writer.status(), "NoSuchBucket", "InvalidObjectName"));
    std::string piece;
    Status copied;
    for (uint64_t at = 0; copied.ok() && at < data->reader->length(); at += piece.size()) {
      copied = data->reader->Read(at, 1 << 20, &piece);
      if (copied.ok() && piece.empty()) copied = Status::IOError("the source object shrank while it was copied");
      if (copied.ok()) copied = (*writer)->Append(piece);
    }
    if (!copied.ok()) return req.Error(ErrorForStatus(copied, "NoSuchBucket"));
    info = (*writer)->Commit();
  } else {
    info = store.PutObject(req.bucket, req.key, data->bytes, options);
  }
  if (!info.ok()) return req.Error(ErrorForStatus(info.status(), "NoSuchBucket", "InvalidObjectName"));
  pugi::xml_document doc;
  pugi::xml_node root = NewRoot(&doc, "CopyObjectResult");
  AddText(root, "LastModified", IsoTime(info->modified_ms));
  AddText(root, "ETag", "\"" + info->etag + "\"");
  return req.Xml(doc);
}

http::Response DeleteObject(storage::BucketStore& store, const S3Request& req) {
  Status b = storage::BucketStore::ValidateBucketName(req.bucket);
  if (!b.ok()) return req.Error("InvalidBucketName", b.message());
  if (!storage::BucketStore::ValidateKey(req.key).ok()) {
    // No object can have such a key: deleting it deletes nothing, as S3 answers a missing key.
    Status s = store.HeadBucket(req.bucket);
    if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
    return req.Empty(204);
  }
  Status s = store.DeleteObject(req.bucket, req.key);
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
  return req.Empty(204);
}

}  // namespace freshet::s3
