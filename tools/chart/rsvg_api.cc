#include "tools/chart/rsvg_api.h"

#include <dlfcn.h>

namespace freshet::chart {
namespace {

constexpr const char* kLibrary = "librsvg-2.so.2";  // librsvg's ABI-stable soname

template <typename Fn>
void Resolve(void* lib, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (*fn == nullptr && error->empty()) *error = std::string(kLibrary) + " (or cairo, glib) has no " + name;
}

RsvgApi LoadRsvg() {
  RsvgApi api;
  void* lib = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    api.error = std::string("cannot load librsvg for PNG output (") + kLibrary + "): " + (why ? why : "unknown error");
    return api;
  }
  std::string* e = &api.error;
  Resolve(lib, "rsvg_handle_new_from_data", &api.handle_new_from_data, e);
  Resolve(lib, "rsvg_handle_render_document", &api.handle_render_document, e);
  Resolve(lib, "g_object_unref", &api.object_unref, e);
  Resolve(lib, "g_error_free", &api.error_free, e);
  Resolve(lib, "cairo_image_surface_create", &api.image_surface_create, e);
  Resolve(lib, "cairo_surface_destroy", &api.surface_destroy, e);
  Resolve(lib, "cairo_surface_flush", &api.surface_flush, e);
  Resolve(lib, "cairo_surface_write_to_png_stream", &api.surface_write_to_png_stream, e);
  Resolve(lib, "cairo_create", &api.create, e);
  Resolve(lib, "cairo_destroy", &api.destroy, e);
  Resolve(lib, "cairo_set_source_rgb", &api.set_source_rgb, e);
  Resolve(lib, "cairo_paint", &api.paint, e);
  Resolve(lib, "cairo_status", &api.status, e);
  Resolve(lib, "cairo_status_to_string", &api.status_to_string, e);
  return api;  // the library stays loaded for the life of the process
}

}  // namespace

const RsvgApi& Rsvg() {
  static const RsvgApi kApi = LoadRsvg();
  return kApi;
}

}  // namespace freshet::chart
