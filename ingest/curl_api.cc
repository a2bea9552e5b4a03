#include "ingest/curl_api.h"

#include "storage/shared_library.h"

namespace freshet::ingest {
namespace {

CurlApi LoadCurl() {
  CurlApi api;
  storage::SharedLibrary lib("libcurl.so.4", "libcurl", &api.error);  // curl's ABI-stable soname
  if (!lib.loaded()) return api;
  lib.Resolve("curl_global_init", &api.global_init);
  lib.Resolve("curl_easy_init", &api.easy_init);
  lib.Resolve("curl_easy_cleanup", &api.easy_cleanup);
  lib.Resolve("curl_easy_escape", &api.easy_escape);
  lib.Resolve("curl_free", &api.free);
  lib.Resolve("curl_slist_append", &api.slist_append);
  lib.Resolve("curl_slist_free_all", &api.slist_free_all);
  lib.Resolve("curl_easy_reset", &api.easy_reset);
  lib.Resolve("curl_easy_setopt", &api.easy_setopt);
  lib.Resolve("curl_easy_perform", &api.easy_perform);
  lib.Resolve("curl_easy_strerror", &api.easy_strerror);
  lib.Resolve("curl_easy_getinfo", &api.easy_getinfo);
  if (api.error.empty()) api.global_init(CURL_GLOBAL_DEFAULT);  // once: Curl() is a function-local static
  return api;                                                   // the library stays loaded for the life of the process
}

}  // namespace

const CurlApi& Curl() {
  static const CurlApi kApi = LoadCurl();
  return kApi;
}

}  // namespace freshet::ingest
