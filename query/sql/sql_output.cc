#include "query/sql/sql_output.h"

#include <charconv>
#include <cmath>
#include <map>

#include "query/item_json.h"

namespace freshet::query::sql {
namespace {

std::string RealText(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, r.ptr);
}

}  // namespace

std::string CellText(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::kNull: return "";
    case SqlValue::Kind::kInteger: return std::to_string(v.integer);
    case SqlValue::Kind::kReal: return RealText(v.real);
    case SqlValue::Kind::kText: return v.bytes;
    case SqlValue::Kind::kBlob: return EncodeBase64(v.bytes);
  }
  return "";
}

void AppendJson(const SqlValue& v, std::string* out) {
  switch (v.kind) {
    case SqlValue::Kind::kNull: *out += "null"; return;
    case SqlValue::Kind::kInteger: *out += std::to_string(v.integer); return;
    case SqlValue::Kind::kReal: *out += std::isfinite(v.real) ? RealText(v.real) : "null"; return;
    case SqlValue::Kind::kText: AppendJsonString(v.bytes, out); return;
    case SqlValue::Kind::kBlob: AppendJsonString(EncodeBase64(v.bytes), out); return;
  }
}

void ResultWriter::Begin(const std::vector<std::string>& columns) {
  columns_ = columns;
  keys_.clear();
  std::map<std::string, int> seen;
  for (const auto& c : columns) {
    const int n = ++seen[c];
    keys_.push_back(n == 1 ? c : c + ":" + std::to_string(n));
  }
  if (format_ == OutputFormat::kJson) {
    std::string head = "{\"columns\":[";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) head += ",";
      AppendJsonString(columns[i], &head);
    }
    *out_ << head << "],\"items\":[";
  } else if (format_ == OutputFormat::kCsv) {
    for (size_t i = 0; i < columns.size(); ++i) *out_ << (i ? "," : "") << CsvField(columns[i]);
    *out_ << "\n";
  }
}

void ResultWriter::AppendObject(const SqlRow& row, std::string* line) const {
  *line += "{";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) *line += ",";
    AppendJsonString(keys_[i], line);
    *line += ":";
    AppendJson(row[i], line);
  }
  *line += "}";
}

void ResultWriter::Row(const SqlRow& row) {
  std::string line;
  switch (format_) {
    case OutputFormat::kJson:
      if (count_) line += ",";
      AppendObject(row, &line);
      *out_ << line;
      break;
    case OutputFormat::kJsonl:
      AppendObject(row, &line);
      *out_ << line << "\n";
      break;
    case OutputFormat::kCsv:
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) line += ",";
        line += CsvField(CellText(row[i]));
      }
      *out_ << line << "\n";
      break;
    case OutputFormat::kTable: {
      std::vector<std::string> cells;
      cells.reserve(row.size());
      for (const auto& v : row) cells.push_back(CellText(v));
      table_rows_.push_back(std::move(cells));
      break;
    }
  }
  ++count_;
}

void ResultWriter::End() {
  if (format_ == OutputFormat::kJson) *out_ << "],\"count\":" << count_ << "}\n";
  out_->flush();
}

}  // namespace freshet::query::sql
