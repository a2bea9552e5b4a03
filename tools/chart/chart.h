// Chart: a described chart (ChartSpec) and its rendering as a standalone SVG document.
//
// A chart has one x axis (calendar days, months, numbers or categories), a left value axis and
// optionally a right one; each series is drawn as a line (split into separate runs wherever a
// value is missing, so a missing day is a gap, never a zero) or as bars. Two series can also be
// drawn as a band between them (the min-max band of a temperature chart). Ticks are chosen so
// labels never overlap (ticks.h); values use nice steps (1, 2, 5 x 10^n).
//
// The SVG is meant to be read by programs as well as people (tests, the dashboard): every
// series is a <g class="series" data-name=".." data-kind="line|bar|band" data-axis="left|right">,
// every observed value one element of class "mark" carrying data-x (the x value as text) and
// data-y; each run of a line one <path class="line">; tick labels are <text class="tick-label">
// inside <g class="axis" data-axis="x|left|right">, axis titles <text class="axis-label">.
//
// Thread-safety: all functions are pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace freshet::chart {

enum class XKind {
  kDay,       // x = days since 1970-01-01
  kMonth,     // x = months since 1970-01
  kNumber,    // x = any number
  kCategory,  // x = 0, 1, 2, ... labelled by x_text
};
enum class SeriesKind { kLine, kBar };
enum class Axis { kLeft, kRight };

struct Series {
  std::string name;  // legend text, and data-name
  SeriesKind kind = SeriesKind::kLine;
  Axis axis = Axis::kLeft;
  std::vector<std::optional<double>> values;  // one per x; nullopt = missing
  std::string color;                          // CSS colour; empty = the palette's next
};

struct ChartSpec {
  std::string title;
  std::string x_label;      // e.g. "Date"
  std::string left_label;   // e.g. "Temperature (C)"
  std::string right_label;  // e.g. "Precipitation (mm)"; only drawn when a series uses the right axis
  XKind x_kind = XKind::kDay;
  std::vector<double> x;            // ascending (kDay, kMonth, kNumber); 0..n-1 for kCategory
  std::vector<std::string> x_text;  // the x values as text, one per x (data-x, category labels)
  std::vector<Series> series;
  // Draw series[band->first] .. series[band->second] (low, high) as a filled band instead of lines.
  std::optional<std::pair<size_t, size_t>> band;
  int width = 960;
  int height = 480;
};

// The chart as an SVG document (UTF-8). InvalidArgument when the spec is inconsistent: a series
// with another number of values than x, x not ascending, a size under 200 x 150 or over 10000.
Result<std::string> RenderSvg(const ChartSpec& spec);

// Text escaped for SVG/XML content and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace freshet::chart
