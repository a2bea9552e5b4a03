// Request helpers (see http_types.h).
#include "tools/http/http_types.h"

namespace freshet::http {

const std::string* Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

}  // namespace freshet::http
