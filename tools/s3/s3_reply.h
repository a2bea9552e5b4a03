// How the S3 service answers: XML bodies (pugixml), S3's error shape, and the time and encoding
// formats S3 uses.
//
// Error body, as S3 sends it:
//   <Error><Code>NoSuchKey</Code><Message>...</Message><Resource>/bucket/key</Resource>
//          <RequestId>...</RequestId></Error>
// with the HTTP status of the code, and x-amz-request-id / x-amz-id-2 on every reply.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "storage/status.h"
#include "tools/http/http_types.h"

namespace freshet::s3 {

inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct S3Error {
  std::string code;  // "NoSuchKey"
  std::string message;
  int http_status = 400;
};

// S3's error for an engine Status: NotFound -> `not_found_code` (NoSuchBucket, NoSuchKey,
// NoSuchUpload) 404; InvalidArgument -> `invalid_code` 400; AlreadyExists ->
// BucketAlreadyOwnedByYou 409; FailedPrecondition -> `conflict_code` (BucketNotEmpty 409, else
// InvalidRequest 400); others InternalError 500.
S3Error ErrorForStatus(const Status& status, std::string_view not_found_code,
                       std::string_view invalid_code = "InvalidArgument",
                       std::string_view conflict_code = "InvalidRequest");

// The XML error reply for `resource` ("/bucket/key").
http::Response ErrorReply(const S3Error& error, std::string_view resource, const std::string& request_id);

// A 200 (or `status`) reply with the document as its body (application/xml).
http::Response XmlReply(const pugi::xml_document& doc, const std::string& request_id, int status = 200);

// A document whose root element is `root` in S3's namespace.
pugi::xml_node NewRoot(pugi::xml_document* doc, const char* root);
// Appends <name>text</name> to `parent`.
pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text);

// The reply's x-amz-request-id / x-amz-id-2 headers.
void AddRequestIds(http::Response* response, const std::string& request_id);

// "2026-11-29T21:04:05.123Z".
std::string IsoTime(uint64_t ms);
// "Sun, 29 Nov 2026 21:04:05 GMT" (Last-Modified).
std::string HttpDate(uint64_t ms);
// S3's encoding-type=url: every byte but unreserved characters and '/' as %XX.
std::string UrlEncode(std::string_view text);
// Parses an XML body; InvalidArgument ("MalformedXML") when it is not well-formed.
Status ParseXml(std::string_view body, pugi::xml_document* doc);

}  // namespace freshet::s3
