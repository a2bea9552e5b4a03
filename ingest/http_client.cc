// libcurl is loaded with dlopen on first use, not linked: its dependencies (TLS, Kerberos, LDAP,
// SSH, ...) are about 25 shared libraries whose loading and relocation cost every freshet
// command about 4.5 ms of CPU at start, though only the CDO source uses HTTP.
#include "ingest/http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <mutex>

namespace freshet::ingest {
namespace {

// The libcurl functions freshet calls, resolved from libcurl.so.4 (curl's ABI-stable soname).
struct CurlApi {
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  char* (*easy_escape)(CURL*, const char*, int) = nullptr;
  void (*free)(void*) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  std::string error;  // empty when loaded
};

template <typename Fn>
bool Resolve(void* lib, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (*fn == nullptr && error->empty()) *error = std::string("libcurl.so.4 has no ") + name;
  return *fn != nullptr;
}

CurlApi LoadCurl() {
  CurlApi api;
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    api.error = std::string("cannot load libcurl (libcurl.so.4): ") + (why ? why : "unknown error");
    return api;
  }
  std::string* e = &api.error;
  Resolve(lib, "curl_global_init", &api.global_init, e);
  Resolve(lib, "curl_easy_init", &api.easy_init, e);
  Resolve(lib, "curl_easy_cleanup", &api.easy_cleanup, e);
  Resolve(lib, "curl_easy_escape", &api.easy_escape, e);
  Resolve(lib, "curl_free", &api.free, e);
  Resolve(lib, "curl_slist_append", &api.slist_append, e);
  Resolve(lib, "curl_slist_free_all", &api.slist_free_all, e);
  Resolve(lib, "curl_easy_reset", &api.easy_reset, e);
  Resolve(lib, "curl_easy_setopt", &api.easy_setopt, e);
  Resolve(lib, "curl_easy_perform", &api.easy_perform, e);
  Resolve(lib, "curl_easy_strerror", &api.easy_strerror, e);
  Resolve(lib, "curl_easy_getinfo", &api.easy_getinfo, e);
  if (api.error.empty()) api.global_init(CURL_GLOBAL_DEFAULT);  // once: Curl() is a function-local static
  return api;  // the library stays loaded for the life of the process
}

// Loaded on first call; thread-safe (function-local static).
const CurlApi& Curl() {
  static const CurlApi api = LoadCurl();
  return api;
}

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
