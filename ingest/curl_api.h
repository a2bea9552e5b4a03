// libcurl, loaded with dlopen on first use instead of linked: its dependencies (TLS, Kerberos,
// LDAP, SSH, ...) are about 25 shared libraries whose loading and relocation would cost every
// freshet command several milliseconds at start, though only the CDO and OpenWeather sources and
// the CLI's --endpoint client use HTTP. Include <curl/curl.h> for the types; call through Curl().
//
// Thread-safety: Curl() loads once (a function-local static) and is safe from any thread; the
// functions are libcurl's own, with its rules (one easy handle per thread at a time).
#pragma once

#include <curl/curl.h>

#include <string>

namespace freshet::ingest {

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
  std::string error;  // empty when loaded; else why libcurl is unusable, for a one-line error
};

// libcurl, loaded (and curl_global_init run) on the first call.
const CurlApi& Curl();

}  // namespace freshet::ingest
