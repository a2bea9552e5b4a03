#include "ingest/formats.h"

#include <array>
#include <utility>

#include "ingest/csv_fields.h"
#include "ingest/observation.h"

namespace freshet::ingest {
namespace {

constexpr std::array<std::pair<Format, std::string_view>, 7> kNames = {{
    {Format::kAuto, "auto"},
    {Format::kCdoCsv, "cdo-csv"},
    {Format::kAccessCsv, "access-csv"},
    {Format::kGhcnCsv, "ghcn-csv"},
    {Format::kDly, "dly"},
    {Format::kJsonLines, "jsonl"},
    {Format::kCsv, "csv"},
}};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool IsIdChars(std::string_view s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

Result<Format> ParseFormatName(std::string_view name) {
  for (auto& [format, text] : kNames) {
    if (text == name) return format;
  }
  return Status::InvalidArgument("unknown format '" + std::string(name) +
                                 "' (auto, cdo-csv, access-csv, ghcn-csv, dly, jsonl, csv)");
}

std::string_view FormatName(Format format) {
  for (auto& [f, text] : kNames) {
    if (f == format) return text;
  }
  return "?";
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  if (!AllDigits(d.substr(0, 4)) || !AllDigits(d.substr(5, 2)) || !AllDigits(d.substr(8, 2))) return false;
  int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return day >= 1 && day <= DaysInMonth(year, month);
}

void AppendObservationRecord(const Observation& obs, std::vector<PendingRecord>* out) {
  PendingRecord& record = out->emplace_back();
  record.partition_key = obs.station;
  record.data.reserve(160 + obs.station_name.size());
  obs.AppendJson(&record.data);
}

Format DetectFormat(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (!line.empty() && line.front() == '{') return Format::kJsonLines;
  if (line.size() >= 266 && line.size() <= 269 && IsIdChars(line.substr(0, 11)) && AllDigits(line.substr(11, 6)) &&
      IsIdChars(line.substr(17, 4))) {
    return Format::kDly;
  }
  std::string copy(line);
  std::vector<std::string_view> fields;
  if (!SplitCsvLine(copy.data(), &fields).ok()) return Format::kCsv;
  if ((fields.size() == 7 || fields.size() == 8) && fields[0].size() == 11 && IsIdChars(fields[0]) &&
      fields[1].size() == 8 && AllDigits(fields[1]) && fields[2].size() == 4 && IsIdChars(fields[2])) {
    return Format::kGhcnCsv;
  }
  int station = -1;
  int date = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "STATION") station = static_cast<int>(i);
    if (fields[i] == "DATE") date = static_cast<int>(i);
  }
  if (station >= 0 && date >= 0) return date == 1 ? Format::kAccessCsv : Format::kCdoCsv;
  return Format::kCsv;
}

Result<std::unique_ptr<LineParser>> MakeLineParser(Format format, const ParserOptions& options) {
  switch (format) {
    case Format::kCdoCsv: return MakeCdoCsvParser();
    case Format::kAccessCsv: return MakeAccessCsvParser();
    case Format::kGhcnCsv: return MakeGhcnCsvParser();
    case Format::kDly: return MakeDlyParser();
    case Format::kJsonLines:
    case Format::kCsv:
      if (options.partition_key_field.empty()) {
        return Status::InvalidArgument(std::string("format ") + std::string(FormatName(format)) +
                                       " needs --partition-key-field (the field whose value is the partition key)");
      }
      if (format == Format::kJsonLines) return MakeJsonLinesParser(options.partition_key_field);
      return MakeGenericCsvParser(options.partition_key_field);
    case Format::kAuto: break;
  }
  return Status::InvalidArgument("format auto must be resolved before parsing");
}

}  // namespace freshet::ingest
