// CSV fields of one line, split in place with fast-cpp-csv-parser's quoting rules (libfccp-dev).
//
// Grammar (RFC 4180 without line breaks inside fields, which no NOAA layout has):
//   line  = field *("," field)
//   field = *(non-quote-non-comma) | '"' *(char | '""') '"'   (surrounding spaces and tabs trimmed)
// A quoted field loses its quotes and "" becomes ". fccp's CSVReader is not used for the wide
// NOAA layouts because it fixes the column count at compile time, and the columns of a CDO export
// depend on what was requested; its column splitter, trimming and unescaping are used instead.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "storage/status.h"

namespace freshet::ingest {

// Splits `line` (NUL-terminated, modified in place) into `fields` (cleared first); the views point
// into `line`. InvalidArgument if a quoted field is not closed.
Status SplitCsvLine(char* line, std::vector<std::string_view>* fields);

}  // namespace freshet::ingest
