// Output of SQL results, in the formats of `freshet table query` (query/item_output.h):
//   json:  {"columns":[...],"items":[{...},...],"count":N}   (members in column order)
//   jsonl: one object per row
//   csv:   a header row of the column names, then one row per result row (RFC 4180 quoting)
//   table: aligned columns for people (cells built here, printed by the CLI)
// Values: INTEGER and REAL as JSON numbers (REAL in its shortest round-trip form; infinities
// as null), TEXT as strings, BLOB as base64 strings, NULL as null (an empty cell in csv/table).
// A column name that repeats gets ":2", ":3", ... in json and jsonl objects.
//
// Thread-safety: a writer is used by one thread; it writes to the given stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "query/item_output.h"
#include "query/sql/engine.h"

namespace freshet::query::sql {

// A cell for csv and table: NULL empty, numbers as text, BLOB base64.
std::string CellText(const SqlValue& value);
// Appends the JSON form of `value`.
void AppendJson(const SqlValue& value, std::string* out);

// Writes rows as they come (json, jsonl, csv) or keeps them for Table (table).
class ResultWriter {
 public:
  ResultWriter(std::ostream* out, OutputFormat format) : out_(out), format_(format) {}
  void Begin(const std::vector<std::string>& columns);
  void Row(const SqlRow& row);
  void End();
  // kTable only: the headers and cells to print (available after End).
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::vector<std::string>>& table_rows() const { return table_rows_; }

 private:
  void AppendObject(const SqlRow& row, std::string* line) const;

  std::ostream* out_;
  OutputFormat format_;
  std::vector<std::string> columns_;
  std::vector<std::string> keys_;  // JSON member names (columns made unique)
  std::vector<std::vector<std::string>> table_rows_;
  size_t count_ = 0;
};

}  // namespace freshet::query::sql
