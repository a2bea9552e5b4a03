#include "query/item_output.h"

#include <algorithm>
#include <set>

#include "query/item_json.h"

namespace freshet::query {

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  return Status::InvalidArgument("--output must be table, json, jsonl or csv, not '" + std::string(name) + "'");
}

std::vector<std::string> ColumnsOf(const std::vector<Item>& items, const TableDescription* table) {
  std::vector<std::string> columns;
  std::set<std::string> others;
  if (table) {
    columns.push_back(table->partition_key.name);
    if (table->sort_key) columns.push_back(table->sort_key->name);
  }
  for (const Item& item : items) {
    for (const auto& [name, value] : item) {
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) others.insert(name);
    }
  }
  columns.insert(columns.end(), others.begin(), others.end());
  return columns;
}

std::string CellText(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeValue::Type::kS:
    case AttributeValue::Type::kN: return v.scalar();
    case AttributeValue::Type::kB: return EncodeBase64(v.scalar());
    case AttributeValue::Type::kBool: return v.boolean() ? "true" : "false";
    case AttributeValue::Type::kNull: return "";
    default: {
      std::string out;
      AppendPlainJson(v, &out);
      return out;
    }
  }
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void WriteJson(std::ostream& out, const std::vector<Item>& items, const std::optional<std::string>& next_token,
               bool typed) {
  std::string text = "{\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) text.push_back(',');
    text += typed ? ItemToTypedJson(items[i]) : ItemToPlainJson(items[i]);
  }
  text += "],\"count\":" + std::to_string(items.size()) + ",\"next_token\":";
  if (next_token) {
    AppendJsonString(*next_token, &text);
  } else {
    text += "null";
  }
  out << text << "}\n";
}

void WriteJsonl(std::ostream& out, const std::vector<Item>& items, bool typed) {
  for (const Item& item : items) out << (typed ? ItemToTypedJson(item) : ItemToPlainJson(item)) << '\n';
}

void WriteCsv(std::ostream& out, const std::vector<std::string>& columns, const std::vector<Item>& items) {
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << CsvField(columns[i]);
  out << '\n';
  for (const Item& item : items) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const AttributeValue* v = item.Find(columns[i]);
      out << (i ? "," : "") << (v ? CsvField(CellText(*v)) : "");
    }
    out << '\n';
  }
}

std::vector<std::vector<std::string>> TableRows(const std::vector<std::string>& columns,
                                                const std::vector<Item>& items) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(items.size());
  for (const Item& item : items) {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      const AttributeValue* v = item.Find(c);
      row.push_back(v ? CellText(*v) : "");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace freshet::query
