// Output formats for pages of items, shared by `table query`, `table scan` and `query`:
//   json:  {"items":[...],"count":N,"next_token":"..."|null}   (plain JSON items, or typed)
//   jsonl: one item per line (plain, or typed)
//   csv:   a header row of every attribute seen, then one row per item (RFC 4180 quoting)
//   table: aligned columns for people (rows built here, printed by the CLI)
//
// Thread-safety: all functions are pure apart from writing to the given stream.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query {

enum class OutputFormat { kTable, kJson, kJsonl, kCsv };
// "table", "json", "jsonl" or "csv"; InvalidArgument otherwise.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// Every attribute name seen in `items`: the table's key attributes first (if `table`), then
// the others in name order.
std::vector<std::string> ColumnsOf(const std::vector<Item>& items, const TableDescription* table);

// A value as one cell: S as is, N its text, B base64, BOOL true/false, NULL empty, and L, M
// and sets as plain JSON.
std::string CellText(const AttributeValue& value);
// `field` quoted for CSV if it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view field);

void WriteJson(std::ostream& out, const std::vector<Item>& items, const std::optional<std::string>& next_token,
               bool typed);
void WriteJsonl(std::ostream& out, const std::vector<Item>& items, bool typed);
void WriteCsv(std::ostream& out, const std::vector<std::string>& columns, const std::vector<Item>& items);
// Rows of cells for an aligned table (missing attributes are empty cells).
std::vector<std::vector<std::string>> TableRows(const std::vector<std::string>& columns,
                                                const std::vector<Item>& items);

}  // namespace freshet::query
