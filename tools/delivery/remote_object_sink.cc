// Delivered objects PUT to an external S3-compatible endpoint (remote_object_sink.h).
#include "tools/delivery/remote_object_sink.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tools/http/base64.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::delivery {
namespace s3put {
namespace {

std::string Md5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_md5(), nullptr) != 1) return "";
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// The text of the first <tag>...</tag>, XML's five entities decoded, line breaks made spaces.
std::string Element(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t begin = xml.find(open);
  if (begin == std::string_view::npos) return "";
  begin += open.size();
  size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return "";
  std::string_view raw = xml.substr(begin, end - begin);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool decoded = false;
      for (const auto& [entity, c] : kEntities) {
        if (raw.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      }
      if (!decoded) out.push_back('&');
    } else {
      out.push_back(raw[i] == '\n' || raw[i] == '\r' ? ' ' : raw[i]);
    }
  }
  return out;
}

}  // namespace

std::string ObjectPath(std::string_view bucket, std::string_view key) {
  return "/" + http::sigv4::UriEncode(bucket, false) + "/" + http::sigv4::UriEncode(key, true);
}

std::vector<std::pair<std::string, std::string>> PutHeaders(std::string_view bytes, std::string_view content_type) {
  return {{"Content-Type", std::string(content_type)},
          {"Content-MD5", http::Base64Encode(Md5(bytes))},
          {"x-amz-content-sha256", http::sigv4::Sha256Hex(bytes)}};
}

S3Error ParseError(std::string_view body) {
  if (body.find("<Error>") == std::string_view::npos) return {};
  std::string message = Element(body, "Message");
  // The message's first part: details after a double space (freshet's S3 appends the canonical
  // request there, which changes with each request's time) would make every failure new to a
  // reader that reports each distinct error once.
  if (size_t details = message.find("  "); details != std::string::npos) message.resize(details);
  constexpr size_t kMaxMessage = 300;
  if (message.size() > kMaxMessage) message = message.substr(0, kMaxMessage) + "...";
  return {Element(body, "Code"), message};
}

bool Retryable(int http_status, std::string_view code) {
  return http_status >= 500 || http_status == 408 || http_status == 429 || code == "RequestTimeout" ||
         code == "SlowDown";
}

Status ErrorForResponse(std::string_view endpoint, std::string_view bucket, std::string_view key, int http_status,
                        std::string_view body) {
  S3Error error = ParseError(body);
  std::string text = "PUT " + std::string(endpoint) + "/" + std::string(bucket) + "/" + std::string(key) + ": HTTP " +
                     std::to_string(http_status);
  if (!error.code.empty()) text += " " + error.code;
  if (!error.message.empty()) text += ": " + error.message;
  if (error.code.empty() && !body.empty()) {  // not S3's XML: a little of what came, on one line
    std::string start(body.substr(0, 200));
    for (char& c : start) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    text += ": " + start;
  }
  if (http_status == 404) return Status::NotFound(text);
  if (http_status == 400 && !Retryable(http_status, error.code)) return Status::InvalidArgument(text);
  if (http_status >= 400 && !Retryable(http_status, error.code)) return Status::FailedPrecondition(text);
  return Status::IOError(text);
}

}  // namespace s3put

RemoteObjectSink::RemoteObjectSink(std::string endpoint, RemoteSinkOptions options)
    : endpoint_(std::move(endpoint)), options_(options) {}

Result<http::Client*> RemoteObjectSink::ClientFor(const http::AwsCredentials& creds, const std::string& region) {
  bool same = client_ && client_creds_.access_key_id == creds.access_key_id &&
              client_creds_.secret_access_key == creds.secret_access_key &&
              client_creds_.session_token == creds.session_token && client_region_ == region;
  if (!same) {
    client_.reset();
    FRESHET_ASSIGN_OR_RETURN(client_, http::Client::Create(endpoint_, creds, region));
    client_->SetTimeouts(options_.connect_timeout_ms, options_.request_timeout_ms);
    client_creds_ = creds;
    client_region_ = region;
  }
  return client_.get();
}

Status RemoteObjectSink::PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                                   std::string_view content_type) {
  std::optional<http::AwsCredentials> creds = http::FindAwsCredentials();
  if (!creds) {
    return Status::FailedPrecondition("no AWS credentials to sign PUTs to the S3 endpoint " + endpoint_ + " (bucket " +
                                      std::string(bucket) +
                                      "): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment of the "
                                      "process that delivers");
  }
  return Send("PUT", bucket, key, s3put::PutHeaders(bytes, content_type), std::string(bytes), *creds);
}

Status RemoteObjectSink::DeleteObject(std::string_view bucket, std::string_view key) {
  std::optional<http::AwsCredentials> creds = http::FindAwsCredentials();
  if (!creds) {
    return Status::FailedPrecondition("no AWS credentials to sign DELETEs to the S3 endpoint " + endpoint_ +
                                      " (bucket " + std::string(bucket) +
                                      "): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment of the "
                                      "process that delivers");
  }
  return Send("DELETE", bucket, key, {}, std::string(), *creds);
}

Status RemoteObjectSink::Send(const char* method, std::string_view bucket, std::string_view key,
                              const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                              const http::AwsCredentials& creds) {
  FRESHET_ASSIGN_OR_RETURN(http::Client * client, ClientFor(creds, http::FindAwsRegion()));
  const std::string path = s3put::ObjectPath(bucket, key);
  const int attempts = std::max(1, options_.attempts);
  Status last;
  int backoff_ms = options_.backoff_ms;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms *= 2;
    }
    Result<http::Response> sent = client->Send(method, path, headers, body, "s3");
    if (!sent.ok()) {
      last = sent.status();  // no answer (connect, reset, timeout): the same request may be sent again
      continue;
    }
    if (sent->status >= 200 && sent->status < 300) return Status::OK();
    last = s3put::ErrorForResponse(endpoint_, bucket, key, sent->status, sent->body);
    if (!s3put::Retryable(sent->status, s3put::ParseError(sent->body).code)) return last;
  }
  return last.WithContext("gave up after " + std::to_string(attempts) + " attempts");
}

stream::delivery::RemoteSinkFactory RemoteSinks(RemoteSinkOptions options) {
  return [options](const std::string& endpoint) -> Result<std::unique_ptr<stream::delivery::ObjectSink>> {
    return std::unique_ptr<stream::delivery::ObjectSink>(std::make_unique<RemoteObjectSink>(endpoint, options));
  };
}

}  // namespace freshet::delivery
