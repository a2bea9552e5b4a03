// PNG output of a chart: the chart's SVG rendered by librsvg onto a cairo image surface, so the
// PNG is exactly the SVG (one drawing code path).
//
// Thread-safety: SvgToPng may be called from several threads (librsvg handles are not shared).
#pragma once

#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::chart {

// The PNG bytes of `svg` rendered at width x height pixels on a white background. Errors:
// InvalidArgument if librsvg cannot parse the SVG; Internal if cairo cannot draw or encode.
Result<std::string> SvgToPng(std::string_view svg, int width, int height);

}  // namespace freshet::chart
