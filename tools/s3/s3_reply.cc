// S3 replies (s3_reply.h).
#include "tools/s3/s3_reply.h"

#include <ctime>
#include <sstream>

namespace freshet::s3 {

S3Error ErrorForStatus(const Status& status, std::string_view not_found_code, std::string_view invalid_code,
                       std::string_view conflict_code) {
  switch (status.code()) {
    case Status::Code::kNotFound: return {std::string(not_found_code), status.message(), 404};
    case Status::Code::kInvalidArgument: return {std::string(invalid_code), status.message(), 400};
    case Status::Code::kAlreadyExists: return {"BucketAlreadyOwnedByYou", status.message(), 409};
    case Status::Code::kFailedPrecondition:
      return {std::string(conflict_code), status.message(), conflict_code == "InvalidRequest" ? 400 : 409};
    case Status::Code::kLimitExceeded: return {"EntityTooSmall", status.message(), 400};
    default: return {"InternalError", status.message(), 500};
  }
}

void AddRequestIds(http::Response* response, const std::string& request_id) {
  response->headers.emplace_back("x-amz-request-id", request_id);
  response->headers.emplace_back("x-amz-id-2", request_id);
}

std::string DocumentText(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

http::Response XmlReply(const pugi::xml_document& doc, const std::string& request_id, int status) {
  http::Response r;
  r.status = status;
  r.content_type = "application/xml";
  r.body = DocumentText(doc);
  AddRequestIds(&r, request_id);
  return r;
}

http::Response ErrorReply(const S3Error& error, std::string_view resource, const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Error");
  AddText(root, "Code", error.code);
  AddText(root, "Message", error.message);
  AddText(root, "Resource", resource);
  AddText(root, "RequestId", request_id);
  return XmlReply(doc, request_id, error.http_status);
}

pugi::xml_node NewRoot(pugi::xml_document* doc, const char* root) {
  pugi::xml_node node = doc->append_child(root);
  node.append_attribute("xmlns") = kS3Namespace;
  return node;
}

pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node node = parent.append_child(name);
  node.text().set(std::string(text).c_str());
  return node;
}

std::string IsoTime(uint64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned>(ms % 1000));
  return buf;
}

std::string HttpDate(uint64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Status ParseXml(std::string_view body, pugi::xml_document* doc) {
  pugi::xml_parse_result parsed = doc->load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Status::InvalidArgument(std::string("The XML you provided was not well-formed or did not validate "
                                               "against our published schema: ") +
                                   parsed.description());
  }
  return Status::OK();
}

}  // namespace freshet::s3
