// libcurl through ingest/curl_api.h (loaded with dlopen on first use).
#include "ingest/http_client.h"

#include <mutex>

#include "ingest/curl_api.h"

namespace freshet::ingest {
namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

HttpClient::HttpClient(long timeout_ms) : timeout_ms_(timeout_ms) {
  const CurlApi& api = Curl();
  curl_ = api.error.empty() ? api.easy_init() : nullptr;
}

HttpClient::~HttpClient() {
  if (curl_) Curl().easy_cleanup(static_cast<CURL*>(curl_));
}

std::string HttpClient::Escape(const std::string& value) {
  const CurlApi& api = Curl();
  if (!api.error.empty()) return value;  // Get reports why libcurl is missing
  char* escaped = api.easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
  std::string out = escaped ? escaped : "";
  api.free(escaped);
  return out;
}

Result<HttpResponse> HttpClient::Get(const std::string& url, const std::vector<std::string>& headers) {
  const CurlApi& api = Curl();
  if (!api.error.empty()) return Status::FailedPrecondition("GET " + url + ": " + api.error);
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Status::Internal("libcurl could not be initialized");
  HttpResponse response;
  curl_slist* header_list = nullptr;
  for (const std::string& h : headers) header_list = api.slist_append(header_list, h.c_str());
  char error[CURL_ERROR_SIZE] = {0};
  api.easy_reset(curl);
  api.easy_setopt(curl, CURLOPT_URL, url.c_str());
  api.easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  api.easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  api.easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  api.easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
  api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
  api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when offered
  api.easy_setopt(curl, CURLOPT_USERAGENT, "freshet-ingest/1 (libcurl)");
  CURLcode code = api.easy_perform(curl);
  api.slist_free_all(header_list);
  if (code != CURLE_OK) {
    return Status::IOError("GET " + url + ": " + (error[0] ? std::string(error) : api.easy_strerror(code)));
  }
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace freshet::ingest
