// Generic line formats, for data that is not NOAA weather (a customers CSV, application events).
//
// jsonl: line = a JSON object (RFC 8259) on one line; blank lines are skipped. The record's data is
//   the line as given (trimmed), so numbers keep their exact text; the partition key is the named
//   field's value: a string as is, a number or boolean as its JSON text. Anything else is malformed.
// csv: header = name *("," name); row = as many fields as the header (ingest/csv_fields.h). The
//   record is {"name":"value",...} with every value a JSON string, exactly as in the file (no type
//   guessing: "007" stays "007"); the partition key is the named column, which must be non-empty.
#include <nlohmann/json.hpp>

#include "ingest/csv_fields.h"
#include "ingest/formats.h"
#include "ingest/observation.h"

namespace freshet::ingest {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class JsonLinesParser : public LineParser {
 public:
  explicit JsonLinesParser(std::string field) : field_(std::move(field)) {}

  Status ParseLine(char* line, std::vector<PendingRecord>* out) override {
    std::string_view text = Trim(line);
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Status::InvalidArgument("not valid JSON");
    if (!doc.is_object()) return Status::InvalidArgument("not a JSON object");
    auto it = doc.find(field_);
    if (it == doc.end()) return Status::InvalidArgument("no field '" + field_ + "' for the partition key");
    PendingRecord record;
    if (it->is_string()) {
      record.partition_key = it->get<std::string>();
    } else if (it->is_number() || it->is_boolean()) {
      record.partition_key = it->dump();
    } else {
      return Status::InvalidArgument("field '" + field_ + "' is not a string, number or boolean");
    }
    record.data.assign(text);
    FRESHET_RETURN_IF_ERROR(CheckRecordLimits(record));
    out->push_back(std::move(record));
    return Status::OK();
  }

 private:
  const std::string field_;
};

class GenericCsvParser : public LineParser {
 public:
  explicit GenericCsvParser(std::string field) : field_(std::move(field)) {}

  bool has_header() const override { return true; }

  Status ParseHeader(char* line) override {
    FRESHET_RETURN_IF_ERROR(SplitCsvLine(line, &fields_));
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i] == field_) key_col_ = static_cast<int>(i);
      std::string quoted;
      AppendJsonString(fields_[i], &quoted);
      quoted_names_.push_back(std::move(quoted));
    }
    if (key_col_ < 0) {
      return Status::InvalidArgument("the header has no column '" + field_ + "' (--partition-key-field)");
    }
    return Status::OK();
  }

  Status ParseLine(char* line, std::vector<PendingRecord>* out) override {
    FRESHET_RETURN_IF_ERROR(SplitCsvLine(line, &fields_));
    if (fields_.size() != quoted_names_.size()) {
      return Status::InvalidArgument("expected " + std::to_string(quoted_names_.size()) +
                                     " fields as in the header, got " + std::to_string(fields_.size()));
    }
    PendingRecord record;
    record.partition_key.assign(fields_[key_col_]);
    record.data.push_back('{');
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) record.data.push_back(',');
      record.data.append(quoted_names_[i]);
      record.data.push_back(':');
      AppendJsonString(fields_[i], &record.data);
    }
    record.data.push_back('}');
    FRESHET_RETURN_IF_ERROR(CheckRecordLimits(record));
    out->push_back(std::move(record));
    return Status::OK();
  }

 private:
  const std::string field_;
  int key_col_ = -1;
  std::vector<std::string> quoted_names_;
  std::vector<std::string_view> fields_;
};

}  // namespace

std::unique_ptr<LineParser> MakeJsonLinesParser(std::string partition_key_field) {
  return std::make_unique<JsonLinesParser>(std::move(partition_key_field));
}
std::unique_ptr<LineParser> MakeGenericCsvParser(std::string partition_key_field) {
  return std::make_unique<GenericCsvParser>(std::move(partition_key_field));
}

}  // namespace freshet::ingest
