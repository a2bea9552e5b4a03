// See http_request_parts.h.
#include "tools/http/http_request_parts.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace freshet::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    out.emplace_back(PercentDecode(name, true), PercentDecode(value, true));
  }
  return out;
}

Request MakeRequest(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
                    std::string body, std::string remote_address) {
  Request request;
  request.method = std::move(method);
  size_t question = target.find('?');
  std::string_view raw_path = std::string_view(target).substr(0, question);
  request.path = PercentDecode(raw_path, false);
  if (question != std::string::npos) request.query = ParseQuery(std::string_view(target).substr(question + 1));
  request.raw_target = std::move(target);
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.remote_address = std::move(remote_address);
  return request;
}

std::string BodyTooLargeMessage(size_t max_body_bytes) {
  return "request body is over the limit of " + std::to_string(max_body_bytes) + " bytes";
}

BodyCheck CheckBodyHeaders(std::string_view method, const std::string* content_length, bool has_transfer_encoding,
                           size_t max_body_bytes) {
  BodyCheck check;
  uint64_t length = 0;
  if (content_length != nullptr) {
    const char* begin = content_length->data();
    const char* end = begin + content_length->size();
    auto [ptr, ec] = std::from_chars(begin, end, length);
    if (content_length->empty() || ec != std::errc() || ptr != end) {
      return {false, 400, "SerializationException", "invalid Content-Length header: '" + *content_length + "'"};
    }
  }
  bool has_body = length > 0 || has_transfer_encoding;
  if (has_body && (method == "GET" || method == "HEAD" || method == "OPTIONS")) {
    return {false, 400, "SerializationException", std::string(method) + " requests may not carry a body"};
  }
  if (!has_transfer_encoding && length > max_body_bytes) {
    return {false, 413, "RequestEntityTooLargeException",
            "request body of " + std::to_string(length) + " bytes is over the limit of " +
                std::to_string(max_body_bytes) + " bytes"};
  }
  return check;
}

std::string ErrorBody(std::string_view type, std::string_view message) {
  nlohmann::json body = {{"__type", std::string(type)}, {"message", std::string(message)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response InternalErrorResponse(std::string_view what) {
  Response response;
  response.status = 500;
  response.content_type = "application/x-amz-json-1.1";
  response.body = ErrorBody("InternalFailure", "internal error: " + std::string(what));
  return response;
}

}  // namespace freshet::http
