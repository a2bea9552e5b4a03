// The dashboard's files, compiled into the binary (assets_*.cc hold them as raw string literals),
// so `freshet serve` serves the page offline with nothing fetched from elsewhere.
//
// Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace freshet::dashboard {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// The asset served at `path` ("/dashboard/index.html", "/dashboard/app.js", "/dashboard/app.css"),
// or nullptr.
const Asset* FindAsset(std::string_view path);

// Defined in assets_page.cc (HTML, CSS) and assets_script.cc (JS).
extern const std::string_view kIndexHtml;
extern const std::string_view kAppCss;
extern const std::string_view kAppJs;

}  // namespace freshet::dashboard
