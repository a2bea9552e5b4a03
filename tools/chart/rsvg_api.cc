#include "tools/chart/rsvg_api.h"

#include "storage/shared_library.h"

namespace freshet::chart {
namespace {

RsvgApi LoadRsvg() {
  RsvgApi api;
  // librsvg's ABI-stable soname; cairo, gobject and glib are found among its dependencies.
  storage::SharedLibrary lib("librsvg-2.so.2", "librsvg for PNG output", &api.error);
  if (!lib.loaded()) return api;
  lib.Resolve("rsvg_handle_new_from_data", &api.handle_new_from_data);
  lib.Resolve("rsvg_handle_render_document", &api.handle_render_document);
  lib.Resolve("g_object_unref", &api.object_unref);
  lib.Resolve("g_error_free", &api.error_free);
  lib.Resolve("cairo_image_surface_create", &api.image_surface_create);
  lib.Resolve("cairo_surface_destroy", &api.surface_destroy);
  lib.Resolve("cairo_surface_flush", &api.surface_flush);
  lib.Resolve("cairo_surface_write_to_png_stream", &api.surface_write_to_png_stream);
  lib.Resolve("cairo_create", &api.create);
  lib.Resolve("cairo_destroy", &api.destroy);
  lib.Resolve("cairo_set_source_rgb", &api.set_source_rgb);
  lib.Resolve("cairo_paint", &api.paint);
  lib.Resolve("cairo_status", &api.status);
  lib.Resolve("cairo_status_to_string", &api.status_to_string);
  return api;  // the library stays loaded for the life of the process
}

}  // namespace

const RsvgApi& Rsvg() {
  static const RsvgApi kApi = LoadRsvg();
  return kApi;
}

}  // namespace freshet::chart
