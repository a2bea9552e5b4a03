// The local object sink and the check of external endpoints' URLs (object_sink.h).
#include "stream/delivery/object_sink.h"

#include <algorithm>
#include <cctype>

namespace freshet::stream::delivery {

Status LocalObjectSink::PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                                  std::string_view content_type) {
  storage::PutOptions options;
  options.content_type = std::string(content_type);
  auto put = buckets_->PutObject(bucket, key, bytes, options);
  return put.ok() ? Status::OK() : put.status();
}

Status LocalObjectSink::DeleteObject(std::string_view bucket, std::string_view key) {
  return buckets_->DeleteObject(bucket, key);
}

Result<std::string> NormalizeS3Endpoint(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("S3 endpoint '" + std::string(url) + "' " + why +
                                   " (expected http://HOST[:PORT] or https://HOST[:PORT])");
  };
  std::string lower(url);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string scheme;
  if (lower.rfind("http://", 0) == 0) {
    scheme = "http://";
  } else if (lower.rfind("https://", 0) == 0) {
    scheme = "https://";
  } else {
    return bad("is not an http:// or https:// URL");
  }
  std::string_view rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) return bad("has a path, query or fragment");
  if (rest.find('@') != std::string_view::npos) return bad("has user info (credentials come from the environment)");
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed '[' in its host");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("has characters after its IPv6 host");
    if (!after.empty()) port = after.substr(1);
    if (host.size() < 3 ||
        host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return bad("has a malformed IPv6 host");
    }
  } else {
    size_t colon = rest.find(':');
    if (colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (host.empty()) return bad("has no host");
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return bad("has a host with '" + std::string(1, c) + "' in it");
      }
    }
  }
  if (rest.size() > host.size()) {  // a ':' followed
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return bad("has a port that is not 1 to 65535");
    }
  }
  return scheme + std::string(rest);
}

}  // namespace freshet::stream::delivery
