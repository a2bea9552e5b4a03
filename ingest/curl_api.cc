#include "ingest/curl_api.h"

#include <dlfcn.h>

namespace freshet::ingest {
namespace {

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
  return api;                                                   // the library stays loaded for the life of the process
}

}  // namespace

const CurlApi& Curl() {
  static const CurlApi kApi = LoadCurl();
  return kApi;
}

}  // namespace freshet::ingest
