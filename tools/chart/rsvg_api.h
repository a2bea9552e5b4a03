// librsvg and cairo, loaded with dlopen on first use instead of linked: with their dependencies
// (glib, pango, harfbuzz, fontconfig, X11, ICU, ...) they are 43 shared libraries whose loading
// and relocation cost every freshet command about 7 ms at start, though only `freshet chart
// --format png` and the dashboard's PNG charts render anything. Include <cairo.h> and
// <librsvg/rsvg.h> for the types; call through Rsvg().
//
// Thread-safety: Rsvg() loads once (a function-local static) and is safe from any thread; the
// functions are librsvg's and cairo's own, with their rules (objects are not shared between threads).
#pragma once

#include <cairo.h>
#include <librsvg/rsvg.h>

#include <string>

namespace freshet::chart {

// The functions SvgToPng calls, resolved from librsvg-2.so.2 and the libraries it depends on
// (cairo, gobject, glib: dlsym on a handle searches its dependencies too).
struct RsvgApi {
  RsvgHandle* (*handle_new_from_data)(const guint8*, gsize, GError**) = nullptr;
  gboolean (*handle_render_document)(RsvgHandle*, cairo_t*, const RsvgRectangle*, GError**) = nullptr;
  void (*object_unref)(gpointer) = nullptr;
  void (*error_free)(GError*) = nullptr;
  cairo_surface_t* (*image_surface_create)(cairo_format_t, int, int) = nullptr;
  void (*surface_destroy)(cairo_surface_t*) = nullptr;
  void (*surface_flush)(cairo_surface_t*) = nullptr;
  cairo_status_t (*surface_write_to_png_stream)(cairo_surface_t*, cairo_write_func_t, void*) = nullptr;
  cairo_t* (*create)(cairo_surface_t*) = nullptr;
  void (*destroy)(cairo_t*) = nullptr;
  void (*set_source_rgb)(cairo_t*, double, double, double) = nullptr;
  void (*paint)(cairo_t*) = nullptr;
  cairo_status_t (*status)(cairo_t*) = nullptr;
  const char* (*status_to_string)(cairo_status_t) = nullptr;
  std::string error;  // empty when loaded; else why PNG rendering is unavailable, for a one-line error
};

// librsvg and cairo, loaded on the first call.
const RsvgApi& Rsvg();

}  // namespace freshet::chart
