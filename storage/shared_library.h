// A shared library loaded with dlopen on first use instead of linked, for libraries whose
// dependency trees would cost every freshet command milliseconds at start though few commands
// use them (libcurl: ingest/curl_api.h; librsvg and cairo: tools/chart/rsvg_api.h). The caller
// fills a struct of function pointers with Resolve and keeps it in a function-local static; the
// library stays loaded for the life of the process.
//
// Thread-safety: used by one thread while loading (the static's initialisation).
#pragma once

#include <dlfcn.h>

#include <string>

namespace freshet::storage {

class SharedLibrary {
 public:
  // dlopen(soname, RTLD_NOW | RTLD_LOCAL). On failure *error is "cannot load WHAT (SONAME): why".
  // `error` must outlive this object and start empty.
  SharedLibrary(const char* soname, const char* what, std::string* error)
      : soname_(soname), handle_(dlopen(soname, RTLD_NOW | RTLD_LOCAL)), error_(error) {
    if (handle_ == nullptr) {
      const char* why = dlerror();
      *error_ = std::string("cannot load ") + what + " (" + soname + "): " + (why ? why : "unknown error");
    }
  }

  bool loaded() const { return handle_ != nullptr; }

  // Sets *fn to the function `name`, looked up in the library and the libraries it depends on;
  // the first one missing is named in *error ("SONAME has no NAME").
  template <typename Fn>
  void Resolve(const char* name, Fn* fn) {
    *fn = handle_ == nullptr ? nullptr : reinterpret_cast<Fn>(dlsym(handle_, name));
    if (*fn == nullptr && error_->empty()) *error_ = std::string(soname_) + " has no " + name;
  }

 private:
  const char* soname_;
  void* handle_;
  std::string* error_;
};

}  // namespace freshet::storage
