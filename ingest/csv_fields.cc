#include "ingest/csv_fields.h"

#include <libfccp/csv.h>

namespace freshet::ingest {

Status SplitCsvLine(char* line, std::vector<std::string_view>* fields) {
  using Quote = io::double_quote_escape<',', '"'>;
  using Trim = io::trim_chars<' ', '\t'>;
  fields->clear();
  try {
    while (line != nullptr) {
      char* begin;
      char* end;
      io::detail::chop_next_column<Quote>(line, begin, end);
      Trim::trim(begin, end);
      Quote::unescape(begin, end);
      fields->emplace_back(begin, static_cast<size_t>(end - begin));
    }
  } catch (const io::error::escaped_string_not_closed&) {
    return Status::InvalidArgument("a quoted field is not closed");
  }
  return Status::OK();
}

}  // namespace freshet::ingest
