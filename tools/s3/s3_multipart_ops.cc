// S3 multipart uploads and DeleteObjects: the operations whose requests carry XML bodies (s3_ops.h).
#include <cstdlib>

#include "tools/s3/s3_body.h"
#include "tools/s3/s3_ops.h"

namespace freshet::s3 {
namespace {

std::optional<S3Error> BadName(const S3Request& req) {
  Status b = storage::BucketStore::ValidateBucketName(req.bucket);
  if (!b.ok()) return S3Error{"InvalidBucketName", b.message(), 400};
  Status k = storage::BucketStore::ValidateKey(req.key);
  if (!k.ok()) return S3Error{req.key.size() > 1024 ? "KeyTooLongError" : "InvalidObjectName", k.message(), 400};
  return std::nullopt;
}

// S3's limit for one part.
constexpr uint64_t kMaxPartBytes = 5ull << 30;

S3Error UploadError(const Status& s) {
  if (s.IsNotFound() && s.message().rfind("bucket", 0) == 0) return ErrorForStatus(s, "NoSuchBucket");
  if (s.IsInvalidArgument()) {
    if (s.message().find("ascending order") != std::string::npos) return {"InvalidPartOrder", s.message(), 400};
    if (s.message().rfind("part ", 0) == 0) return {"InvalidPart", s.message(), 400};
  }
  return ErrorForStatus(s, "NoSuchUpload");
}

}  // namespace

http::Response CreateMultipartUpload(storage::MultipartStore& uploads, const S3Request& req) {
  if (auto bad = BadName(req)) return req.Error(*bad);
  const std::string* ct = req.Header("content-type");
  auto id = uploads.Create(req.bucket, req.key, ct ? *ct : "");
  if (!id.ok()) return req.Error(UploadError(id.status()));
  pugi::xml_document doc;
  pugi::xml_node root = NewRoot(&doc, "InitiateMultipartUploadResult");
  AddText(root, "Bucket", req.bucket);
  AddText(root, "Key", req.key);
  AddText(root, "UploadId", *id);
  http::Response r = req.Xml(doc);
  if (const std::string* algorithm = req.Header("x-amz-checksum-algorithm")) {
    r.headers.emplace_back("x-amz-checksum-algorithm", *algorithm);
  }
  return r;
}

http::Response UploadPart(storage::MultipartStore& uploads, const S3Request& req) {
  if (auto bad = BadName(req)) return req.Error(*bad);
  const std::string& number_text = *req.Query("partNumber");
  char* end = nullptr;
  long number = std::strtol(number_text.c_str(), &end, 10);
  if (number_text.empty() || *end != '\0' || number < 1 || number > storage::MultipartStore::kMaxParts) {
    return req.Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
  }
  Result<std::string> etag = std::string();
  if (req.http().read_body) {  // streamed (S3Service::StreamsBody): written as it arrives, up to 5 GiB
    auto writer = uploads.NewPartWriter(*req.Query("uploadId"), req.bucket, req.key, static_cast<int>(number));
    if (!writer.ok()) return req.Error(UploadError(writer.status()));
    StreamedBody body =
        WriteStreamedBody(req.http(), kMaxPartBytes, [&](std::string_view piece) { return (*writer)->Append(piece); });
    if (body.too_large) {
      return req.Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (" +
                                             std::to_string(body.decoded) + " bytes; a part is at most " +
                                             std::to_string(kMaxPartBytes) + " bytes)");
    }
    if (!body.write_error.ok()) return req.Error(UploadError(body.write_error));
    if (body.error) return req.Error(*body.error);
    etag = (*writer)->Commit();
  } else {
    BodyOrError body = ReadBody(req.http());
    if (!body.ok) return req.Error(body.error);
    etag = uploads.PutPart(*req.Query("uploadId"), req.bucket, req.key, static_cast<int>(number), body.bytes);
  }
  if (!etag.ok()) return req.Error(UploadError(etag.status()));
  http::Response r = req.Empty(200);
  r.headers.emplace_back("ETag", "\"" + *etag + "\"");
  return r;
}

http::Response CompleteMultipartUpload(storage::MultipartStore& uploads, const S3Request& req) {
  if (auto bad = BadName(req)) return req.Error(*bad);
  BodyOrError body = ReadBody(req.http());
  if (!body.ok) return req.Error(body.error);
  pugi::xml_document doc;
  Status parsed = ParseXml(body.bytes, &doc);
  pugi::xml_node root = doc.document_element();
  if (!parsed.ok() || std::string_view(root.name()) != "CompleteMultipartUpload") {
    return req.Error("MalformedXML", parsed.ok() ? "the body is not a CompleteMultipartUpload" : parsed.message());
  }
  std::vector<storage::PartRef> parts;
  for (pugi::xml_node p : root.children("Part")) {
    storage::PartRef ref;
    ref.number = p.child("PartNumber").text().as_int(0);
    ref.etag = p.child_value("ETag");
    parts.push_back(std::move(ref));
  }
  if (parts.empty()) {
    return req.Error("MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our "
                     "published schema: no Part");
  }
  auto info = uploads.Complete(*req.Query("uploadId"), req.bucket, req.key, parts);
  if (!info.ok()) return req.Error(UploadError(info.status()));
  pugi::xml_document out;
  pugi::xml_node result = NewRoot(&out, "CompleteMultipartUploadResult");
  const std::string* host = req.Header("host");
  AddText(result, "Location", "http://" + (host ? *host : std::string("localhost")) + "/" + req.bucket + "/" + req.key);
  AddText(result, "Bucket", req.bucket);
  AddText(result, "Key", req.key);
  AddText(result, "ETag", "\"" + info->etag + "\"");
  return req.Xml(out);
}

http::Response AbortMultipartUpload(storage::MultipartStore& uploads, const S3Request& req) {
  if (auto bad = BadName(req)) return req.Error(*bad);
  Status s = uploads.Abort(*req.Query("uploadId"), req.bucket, req.key);
  if (!s.ok()) return req.Error(UploadError(s));
  return req.Empty(204);
}

http::Response DeleteObjects(storage::BucketStore& store, const S3Request& req) {
  Status b = storage::BucketStore::ValidateBucketName(req.bucket);
  if (!b.ok()) return req.Error("InvalidBucketName", b.message());
  BodyOrError body = ReadBody(req.http());
  if (!body.ok) return req.Error(body.error);
  pugi::xml_document doc;
  Status parsed = ParseXml(body.bytes, &doc);
  pugi::xml_node root = doc.document_element();
  if (!parsed.ok() || std::string_view(root.name()) != "Delete") {
    return req.Error("MalformedXML", parsed.ok() ? "the body is not a Delete" : parsed.message());
  }
  const bool quiet = std::string_view(root.child_value("Quiet")) == "true";
  std::vector<std::string> keys;
  for (pugi::xml_node o : root.children("Object")) keys.emplace_back(o.child_value("Key"));
  if (keys.empty() || keys.size() > 1000) {
    return req.Error("MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our "
                     "published schema: a Delete names 1 to 1000 objects");
  }
  Status s = store.HeadBucket(req.bucket);
  if (!s.ok()) return req.Error(ErrorForStatus(s, "NoSuchBucket"));
  pugi::xml_document out;
  pugi::xml_node result = NewRoot(&out, "DeleteResult");
  for (const std::string& key : keys) {
    // A key no object can have is deleted already, as S3 answers a missing key.
    Status d = storage::BucketStore::ValidateKey(key).ok() ? store.DeleteObject(req.bucket, key) : Status::OK();
    if (d.ok()) {
      if (!quiet) AddText(result.append_child("Deleted"), "Key", key);
      continue;
    }
    S3Error e = ErrorForStatus(d, "NoSuchBucket");
    pugi::xml_node error = result.append_child("Error");
    AddText(error, "Key", key);
    AddText(error, "Code", e.code);
    AddText(error, "Message", e.message);
  }
  return req.Xml(out);
}

}  // namespace freshet::s3
