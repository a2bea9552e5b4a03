// Client (see http_client.h) on libcurl: one easy handle per Client, reset before every request
// (curl_easy_reset keeps the live connection, so requests reuse it) and signed by libcurl's own
// SigV4 (CURLOPT_AWS_SIGV4, libcurl >= 7.75).
#include "tools/http/http_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include "ingest/curl_api.h"
#include "tools/http/sigv4.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::http {
namespace {

// Where libcurl writes one response.
struct Collected {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  static_cast<Collected*>(user)->body.append(data, size * count);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* collected = static_cast<Collected*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    collected->headers.clear();  // a new response (after "100 Continue" or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  collected->headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

// Frees a curl_slist on scope exit.
struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { ingest::Curl().slist_free_all(list); }
  void Add(const std::string& line) {
    if (curl_slist* next = ingest::Curl().slist_append(list, line.c_str())) list = next;
  }
};

// Whether libcurl 7.88's CURLOPT_AWS_SIGV4 signs this request as AWS checks it. That libcurl signs
// the path and query exactly as given (no second encoding of the path for services other than S3,
// no sorting or re-encoding of the query), so it is right only when they are already canonical:
// "/" for every JSON protocol call (Kinesis, DynamoDB, Firehose).
bool CurlSignsAsAws(std::string_view path_and_query, const std::string& service) {
  size_t question = path_and_query.find('?');
  std::string_view path = path_and_query.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : path_and_query.substr(question + 1);
  return sigv4::CanonicalUri(path, service == "s3") == path && sigv4::CanonicalQuery(query, "") == query;
}

// "host:port" of "http://host:port/...".
std::string Authority(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find('/', start) - start);
}

}  // namespace

Result<std::unique_ptr<Client>> Client::Create(std::string endpoint_url, std::optional<AwsCredentials> creds,
                                               std::string region) {
  if (endpoint_url.rfind("http://", 0) != 0 && endpoint_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("endpoint must be an http:// or https:// URL, not '" + endpoint_url + "'");
  }
  while (endpoint_url.size() > 8 && endpoint_url.back() == '/') endpoint_url.pop_back();
  const ingest::CurlApi& api = ingest::Curl();
  if (!api.error.empty()) return Status::FailedPrecondition("endpoint " + endpoint_url + ": " + api.error);
  CURL* curl = api.easy_init();
  if (curl == nullptr) return Status::Internal("libcurl failed to create a handle for " + endpoint_url);
  return std::unique_ptr<Client>(new Client(std::move(endpoint_url), std::move(creds), std::move(region), curl));
}

Client::Client(std::string endpoint, std::optional<AwsCredentials> creds, std::string region, void* curl)
    : endpoint_(std::move(endpoint)), creds_(std::move(creds)), region_(std::move(region)), curl_(curl) {}

Client::~Client() { ingest::Curl().easy_cleanup(static_cast<CURL*>(curl_)); }

Result<Response> Client::Send(const std::string& method, const std::string& path_and_query,
                              const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                              const std::string& service) {
  CURL* curl = static_cast<CURL*>(curl_);
  std::string url = endpoint_ + (path_and_query.empty() || path_and_query[0] != '/' ? "/" : "") + path_and_query;
  ingest::Curl().easy_reset(curl);
  Collected collected;
  char error[CURL_ERROR_SIZE] = {0};
  ingest::Curl().easy_setopt(curl, CURLOPT_URL, url.c_str());
  ingest::Curl().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  ingest::Curl().easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  ingest::Curl().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms_);
  ingest::Curl().easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_timeout_ms_);
  ingest::Curl().easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);  // give up on a peer silent for a minute
  ingest::Curl().easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  ingest::Curl().easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  ingest::Curl().easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  ingest::Curl().easy_setopt(curl, CURLOPT_WRITEDATA, &collected);
  ingest::Curl().easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  ingest::Curl().easy_setopt(curl, CURLOPT_HEADERDATA, &collected);

  if (method == "HEAD") {
    ingest::Curl().easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && body.empty()) {
    ingest::Curl().easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    // POSTFIELDS (not a read callback) so libcurl's SigV4 hashes the body it sends.
    ingest::Curl().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    ingest::Curl().easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    if (method != "POST") ingest::Curl().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  // Signing: libcurl's CURLOPT_AWS_SIGV4 where it signs as AWS does (CurlSignsAsAws), else
  // SignRequest. libcurl signs every CURLOPT_HTTPHEADER line, even the empty "Name:" lines that
  // remove a header, so those are only sent when libcurl is not the signer.
  bool curl_signs = creds_ && CurlSignsAsAws(path_and_query, service);
  std::vector<std::pair<std::string, std::string>> all_headers = headers;
  if (creds_ && !creds_->session_token.empty()) all_headers.emplace_back("X-Amz-Security-Token", creds_->session_token);
  if (creds_ && !curl_signs) {
    std::string host = Authority(endpoint_);
    all_headers.emplace_back("Host", host);
    auto signature = SignRequest(method, path_and_query[0] == '/' ? path_and_query : "/" + path_and_query, host,
                                 all_headers, body, creds_->access_key_id, creds_->secret_access_key, region_, service,
                                 std::chrono::system_clock::now());
    all_headers.insert(all_headers.end(), signature.begin(), signature.end());
  }
  HeaderList list;
  bool has_content_type = false;
  for (const auto& [name, value] : all_headers) {
    list.Add(name + ": " + value);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    has_content_type |= lower == "content-type";
  }
  std::string provider;
  if (curl_signs) {
    provider = "aws:amz:" + region_ + ":" + service;
    ingest::Curl().easy_setopt(curl, CURLOPT_AWS_SIGV4, provider.c_str());
    ingest::Curl().easy_setopt(curl, CURLOPT_USERNAME, creds_->access_key_id.c_str());
    ingest::Curl().easy_setopt(curl, CURLOPT_PASSWORD, creds_->secret_access_key.c_str());
  } else {
    // Without this libcurl would label a body application/x-www-form-urlencoded.
    if (!has_content_type && method != "GET" && method != "HEAD") list.Add("Content-Type:");
    list.Add("Expect:");  // no 100-continue round trip before large bodies
  }
  ingest::Curl().easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);

  CURLcode code = ingest::Curl().easy_perform(curl);
  ingest::Curl().easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);  // `list` dies with this call
  if (code != CURLE_OK) {
    return Status::IOError(method + " " + url +
                           " failed: " + (error[0] != '\0' ? error : ingest::Curl().easy_strerror(code)));
  }
  Response response;
  long status = 0;
  ingest::Curl().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.body = std::move(collected.body);
  for (const auto& [name, value] : collected.headers) {
    if (name == "content-type" && response.content_type.empty()) response.content_type = value;
  }
  response.headers = std::move(collected.headers);
  return response;
}

}  // namespace freshet::http
