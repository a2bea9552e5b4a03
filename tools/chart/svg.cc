// RenderSvg: lays out a ChartSpec (title, legend, axes, ticks, series) and writes it as SVG.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "tools/chart/chart.h"
#include "tools/chart/ticks.h"

namespace freshet::chart {
namespace {

constexpr const char* kPalette[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                                    "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"};
constexpr double kTitleY = 24, kLegendY = 44, kLegendRow = 18;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string Value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

struct Scale {
  double d0 = 0, d1 = 1, p0 = 0, p1 = 1;
  double operator()(double v) const { return p0 + (v - d0) / (d1 - d0) * (p1 - p0); }
};

struct YAxis {
  bool used = false;
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  std::vector<Tick> ticks;
  Scale scale;
  double label_width = 0;
};

void Widen(YAxis* a, double v) {
  a->used = true;
  a->lo = std::min(a->lo, v);
  a->hi = std::max(a->hi, v);
}

void FinishAxis(YAxis* a, bool has_bars, double plot_h) {
  if (!a->used || a->lo > a->hi) {
    a->lo = 0;
    a->hi = 1;
  }
  if (has_bars) {
    a->lo = std::min(a->lo, 0.0);
    a->hi = std::max(a->hi, 0.0);
  }
  if (a->hi == a->lo) {
    a->lo -= 1;
    a->hi += 1;
  }
  const int max_count = std::max(2, static_cast<int>(plot_h / 40));
  NiceRange(a->lo, a->hi, max_count, &a->lo, &a->hi);
  a->ticks = NiceTicks(a->lo, a->hi, max_count);
  for (const Tick& t : a->ticks) a->label_width = std::max(a->label_width, LabelWidth(t.label));
}

Status Check(const ChartSpec& s) {
  if (s.width < 200 || s.height < 150 || s.width > 10000 || s.height > 10000) {
    return Status::InvalidArgument("chart size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                                   " is outside 200x150 .. 10000x10000");
  }
  if (s.x_text.size() != s.x.size()) return Status::InvalidArgument("chart: x_text and x differ in length");
  for (size_t i = 1; i < s.x.size(); ++i) {
    if (!(s.x[i] > s.x[i - 1]))
      return Status::InvalidArgument("chart: x values are not strictly ascending at " + s.x_text[i]);
  }
  for (const Series& series : s.series) {
    if (series.values.size() != s.x.size()) {
      return Status::InvalidArgument("chart: series " + series.name + " has " + std::to_string(series.values.size()) +
                                     " values for " + std::to_string(s.x.size()) + " x values");
    }
  }
  if (s.band && (s.band->first >= s.series.size() || s.band->second >= s.series.size())) {
    return Status::InvalidArgument("chart: band names a series that does not exist");
  }
  return Status::OK();
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<std::string> RenderSvg(const ChartSpec& s) {
  FRESHET_RETURN_IF_ERROR(Check(s));
  const double W = s.width, H = s.height;
  const size_t n = s.x.size();
  std::vector<std::string> colors;
  size_t bar_series = 0;
  for (size_t i = 0; i < s.series.size(); ++i) {
    colors.push_back(s.series[i].color.empty() ? kPalette[i % std::size(kPalette)] : s.series[i].color);
    if (s.series[i].kind == SeriesKind::kBar) ++bar_series;
  }

  // Legend rows, wrapped to the width.
  std::vector<std::pair<double, double>> legend_at;  // x, y of each series' entry
  double lx = 16, ly = kLegendY;
  for (const Series& series : s.series) {
    const double w = 20 + LabelWidth(series.name) + 16;
    if (lx + w > W - 16 && lx > 16) {
      lx = 16;
      ly += kLegendRow;
    }
    legend_at.push_back({lx, ly});
    lx += w;
  }
  const double top = (s.series.empty() ? kLegendY : ly) + 16;
  const double bottom = H - 48;

  // Value axes (their tick label widths decide the margins).
  YAxis left, right;
  bool left_bars = false, right_bars = false;
  for (const Series& series : s.series) {
    YAxis* a = series.axis == Axis::kLeft ? &left : &right;
    a->used = true;
    if (series.kind == SeriesKind::kBar) (series.axis == Axis::kLeft ? left_bars : right_bars) = true;
    for (const auto& v : series.values) {
      if (v && std::isfinite(*v)) Widen(a, *v);
    }
  }
  const bool has_right = right.used;
  FinishAxis(&left, left_bars, bottom - top);
  FinishAxis(&right, right_bars, bottom - top);
  const double px0 = 28 + left.label_width + 8;
  const double px1 = W - (has_right ? 28 + right.label_width + 8 : 24);
  left.scale = {left.lo, left.hi, bottom, top};
  right.scale = {right.lo, right.hi, bottom, top};

  // The x axis: domain, slot (the width one x value takes) and ticks.
  Scale xs{0, 1, px0, px1};
  double slot = 1;
  std::vector<Tick> xticks;
  if (n > 0) {
    if (s.x_kind == XKind::kNumber) {
      slot = n > 1 ? s.x[1] - s.x[0] : 1;
      for (size_t i = 2; i < n; ++i) slot = std::min(slot, s.x[i] - s.x[i - 1]);
    }
    const double pad = (s.x_kind == XKind::kNumber && bar_series == 0) ? 0 : slot / 2;
    xs.d0 = s.x.front() - pad;
    xs.d1 = s.x.back() + pad;
    if (xs.d1 <= xs.d0) {
      xs.d0 -= 1;
      xs.d1 += 1;
    }
    const double pixels = px1 - px0;
    switch (s.x_kind) {
      case XKind::kDay:
        xticks = DayTicks(static_cast<int64_t>(s.x.front()), static_cast<int64_t>(s.x.back()), pixels);
        break;
      case XKind::kMonth:
        xticks = MonthTicks(static_cast<int64_t>(s.x.front()), static_cast<int64_t>(s.x.back()), pixels);
        break;
      case XKind::kNumber:
        for (int count = std::max(2, static_cast<int>(pixels / 40)); count >= 2; --count) {
          xticks = NiceTicks(xs.d0, xs.d1, count);
          std::vector<double> pos;
          std::vector<std::string> labels;
          for (const Tick& t : xticks) {
            pos.push_back(xs(t.value));
            labels.push_back(t.label);
          }
          if (LabelsFit(pos, labels)) break;
        }
        break;
      case XKind::kCategory:
        for (size_t every = 1; every <= n; ++every) {
          xticks.clear();
          std::vector<double> pos;
          for (size_t i = 0; i < n; i += every) {
            xticks.push_back({s.x[i], s.x_text[i]});
            pos.push_back(xs(s.x[i]));
          }
          std::vector<std::string> labels;
          for (const Tick& t : xticks) labels.push_back(t.label);
          if (LabelsFit(pos, labels)) break;
        }
        break;
    }
  }

  std::string o;
  o.reserve(4096 + n * s.series.size() * 96);
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(s.width) + "\" height=\"" +
       std::to_string(s.height) + "\" viewBox=\"0 0 " + std::to_string(s.width) + " " + std::to_string(s.height) +
       "\" role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n";
  o += "<title>" + XmlEscape(s.title) + "</title>\n";
  o += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" + std::to_string(s.width) + "\" height=\"" +
       std::to_string(s.height) + "\" fill=\"#ffffff\"/>\n";
  o += "<text class=\"title\" x=\"" + Num(W / 2) + "\" y=\"" + Num(kTitleY) +
       "\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">" + XmlEscape(s.title) +
       "</text>\n";

  // Grid and axes.
  o += "<g class=\"axis\" data-axis=\"x\" fill=\"#333\">\n";
  o += "<line x1=\"" + Num(px0) + "\" y1=\"" + Num(bottom) + "\" x2=\"" + Num(px1) + "\" y2=\"" + Num(bottom) +
       "\" stroke=\"#444\"/>\n";
  for (const Tick& t : xticks) {
    const double x = xs(t.value);
    o += "<line class=\"tick\" x1=\"" + Num(x) + "\" y1=\"" + Num(bottom) + "\" x2=\"" + Num(x) + "\" y2=\"" +
         Num(bottom + 5) + "\" stroke=\"#444\"/>";
    o += "<text class=\"tick-label\" x=\"" + Num(x) + "\" y=\"" + Num(bottom + 17) + "\" text-anchor=\"middle\">" +
         XmlEscape(t.label) + "</text>\n";
  }
  o += "<text class=\"axis-label\" x=\"" + Num((px0 + px1) / 2) + "\" y=\"" + Num(H - 10) +
       "\" text-anchor=\"middle\" font-size=\"12\">" + XmlEscape(s.x_label) + "</text>\n</g>\n";
  auto y_axis = [&](const YAxis& a, bool is_left, const std::string& label) {
    const double x = is_left ? px0 : px1;
    o += std::string("<g class=\"axis\" data-axis=\"") + (is_left ? "left" : "right") + "\" fill=\"#333\">\n";
    o += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" x2=\"" + Num(x) + "\" y2=\"" + Num(bottom) +
         "\" stroke=\"#444\"/>\n";
    for (const Tick& t : a.ticks) {
      const double y = a.scale(t.value);
      if (is_left) {
        o += "<line class=\"grid\" x1=\"" + Num(px0) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(px1) + "\" y2=\"" +
             Num(y) + "\" stroke=\"#e6e6e6\"/>";
      }
      o += "<text class=\"tick-label\" x=\"" + Num(is_left ? x - 6 : x + 6) + "\" y=\"" + Num(y + 4) +
           "\" text-anchor=\"" + (is_left ? "end" : "start") + "\">" + XmlEscape(t.label) + "</text>\n";
    }
    const double lx2 = is_left ? 14 : W - 10;
    const double ly2 = (top + bottom) / 2;
    o += "<text class=\"axis-label\" x=\"" + Num(lx2) + "\" y=\"" + Num(ly2) + "\" transform=\"rotate(-90 " + Num(lx2) +
         " " + Num(ly2) + ")\" text-anchor=\"middle\" font-size=\"12\">" + XmlEscape(label) + "</text>\n</g>\n";
  };
  y_axis(left, true, s.left_label);
  if (has_right) y_axis(right, false, s.right_label);

  // Series: bars first (behind), then the band, then lines.
  const double slot_px = std::abs(xs(xs.d0 + slot) - xs(xs.d0));
  const double bar_w = std::max(1.0, slot_px * 0.8 / std::max<size_t>(1, bar_series));
  const double mark_r = n > 200 ? 1.2 : 2.5;
  size_t bar_index = 0;
  auto open_group = [&](size_t i, const char* kind) {
    const Series& series = s.series[i];
    o += "<g class=\"series\" data-name=\"" + XmlEscape(series.name) + "\" data-kind=\"" + kind + "\" data-axis=\"" +
         (series.axis == Axis::kLeft ? "left" : "right") + "\" fill=\"" + colors[i] + "\">\n";
  };
  for (size_t i = 0; i < s.series.size(); ++i) {
    const Series& series = s.series[i];
    if (series.kind != SeriesKind::kBar) continue;
    const Scale& ys = (series.axis == Axis::kLeft ? left : right).scale;
    open_group(i, "bar");
    for (size_t k = 0; k < n; ++k) {
      if (!series.values[k] || !std::isfinite(*series.values[k])) continue;
      const double v = *series.values[k];
      const double x = xs(s.x[k]) - bar_w * bar_series / 2 + bar_w * bar_index;
      const double y0 = ys(0), y1 = ys(v);
      o += "<rect class=\"mark\" data-x=\"" + XmlEscape(s.x_text[k]) + "\" data-y=\"" + Value(v) + "\" x=\"" + Num(x) +
           "\" y=\"" + Num(std::min(y0, y1)) + "\" width=\"" + Num(bar_w) + "\" height=\"" +
           Num(std::max(0.5, std::abs(y1 - y0))) + "\"/>\n";
    }
    o += "</g>\n";
    ++bar_index;
  }
  if (s.band) {
    const Series& low = s.series[s.band->first];
    const Series& high = s.series[s.band->second];
    const Scale& ys = (low.axis == Axis::kLeft ? left : right).scale;
    o += "<g class=\"band\" fill=\"" + colors[s.band->second] + "\" fill-opacity=\"0.3\">\n";
    for (size_t k = 0; k < n;) {
      if (!low.values[k] || !high.values[k]) {
        ++k;
        continue;
      }
      size_t end = k;
      while (end < n && low.values[end] && high.values[end]) ++end;
      std::string points;
      for (size_t j = k; j < end; ++j) points += Num(xs(s.x[j])) + "," + Num(ys(*high.values[j])) + " ";
      for (size_t j = end; j-- > k;) points += Num(xs(s.x[j])) + "," + Num(ys(*low.values[j])) + " ";
      if (end - k == 1) {  // one day alone: a short vertical bar
        o += "<rect class=\"run\" x=\"" + Num(xs(s.x[k]) - 1.5) + "\" y=\"" + Num(ys(*high.values[k])) +
             "\" width=\"3\" height=\"" + Num(std::max(0.5, ys(*low.values[k]) - ys(*high.values[k]))) + "\"/>\n";
      } else {
        o += "<polygon class=\"run\" points=\"" + points + "\"/>\n";
      }
      k = end;
    }
    o += "</g>\n";
  }
  for (size_t i = 0; i < s.series.size(); ++i) {
    const Series& series = s.series[i];
    if (series.kind != SeriesKind::kLine) continue;
    const bool in_band = s.band && (i == s.band->first || i == s.band->second);
    const Scale& ys = (series.axis == Axis::kLeft ? left : right).scale;
    open_group(i, in_band ? "band" : "line");
    for (size_t k = 0; k < n && !in_band;) {
      if (!series.values[k] || !std::isfinite(*series.values[k])) {
        ++k;
        continue;
      }
      std::string d = "M";
      size_t j = k;
      for (; j < n && series.values[j] && std::isfinite(*series.values[j]); ++j) {
        d += (j == k ? "" : " L") + Num(xs(s.x[j])) + " " + Num(ys(*series.values[j]));
      }
      o += "<path class=\"line\" d=\"" + d + "\" fill=\"none\" stroke=\"" + colors[i] + "\" stroke-width=\"1.5\"/>\n";
      k = j;
    }
    for (size_t k = 0; k < n; ++k) {
      if (!series.values[k] || !std::isfinite(*series.values[k])) continue;
      o += "<circle class=\"mark\" data-x=\"" + XmlEscape(s.x_text[k]) + "\" data-y=\"" + Value(*series.values[k]) +
           "\" cx=\"" + Num(xs(s.x[k])) + "\" cy=\"" + Num(ys(*series.values[k])) + "\" r=\"" + Num(mark_r) + "\"/>\n";
    }
    o += "</g>\n";
  }
  bool any_value = false;
  for (const Series& series : s.series) {
    for (const auto& v : series.values) any_value = any_value || (v && std::isfinite(*v));
  }
  if (!any_value) {
    o += "<text class=\"no-data\" x=\"" + Num((px0 + px1) / 2) + "\" y=\"" + Num((top + bottom) / 2) +
         "\" text-anchor=\"middle\" font-size=\"14\" fill=\"#777\">no data in this range</text>\n";
  }

  // Legend.
  o += "<g class=\"legend\" fill=\"#222\">\n";
  for (size_t i = 0; i < s.series.size(); ++i) {
    const auto [x, y] = legend_at[i];
    o += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y - 9) + "\" width=\"14\" height=\"10\" fill=\"" + colors[i] +
         "\"/><text class=\"legend-label\" x=\"" + Num(x + 20) + "\" y=\"" + Num(y) + "\">" +
         XmlEscape(s.series[i].name) + "</text>\n";
  }
  o += "</g>\n</svg>\n";
  return o;
}

}  // namespace freshet::chart
