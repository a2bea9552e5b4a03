// SvgToPng through librsvg and cairo (see png.h), both loaded on first use (rsvg_api.h).
#include "tools/chart/png.h"

#include <memory>

#include "tools/chart/rsvg_api.h"

namespace freshet::chart {
namespace {

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> SvgToPng(std::string_view svg, int width, int height) {
  if (width < 1 || height < 1 || width > 10000 || height > 10000) {
    return Status::InvalidArgument("PNG size " + std::to_string(width) + "x" + std::to_string(height) +
                                   " is outside 1x1 .. 10000x10000");
  }
  const RsvgApi& api = Rsvg();
  if (!api.error.empty()) return Status::Internal(api.error);
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, void (*)(gpointer)> handle(
      api.handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error), api.object_unref);
  if (!handle) {
    std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) api.error_free(error);
    return Status::InvalidArgument("chart SVG does not parse: " + message);
  }
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      api.image_surface_create(CAIRO_FORMAT_ARGB32, width, height), api.surface_destroy);
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> cr(api.create(surface.get()), api.destroy);
  api.set_source_rgb(cr.get(), 1, 1, 1);
  api.paint(cr.get());
  const RsvgRectangle viewport{0, 0, static_cast<double>(width), static_cast<double>(height)};
  if (!api.handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) api.error_free(error);
    return Status::Internal("cannot render the chart: " + message);
  }
  api.surface_flush(surface.get());
  if (api.status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("cairo: ") + api.status_to_string(api.status(cr.get())));
  }
  std::string png;
  const cairo_status_t status = api.surface_write_to_png_stream(surface.get(), &Append, &png);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("cannot encode the PNG: ") + api.status_to_string(status));
  }
  return png;
}

}  // namespace freshet::chart
