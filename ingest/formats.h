// File formats freshet ingests, and the per-line parsers that turn them into stream records.
//
// | name       | layout                                                          | units     |
// |------------|-----------------------------------------------------------------|-----------|
// | cdo-csv    | CDO web export: header STATION,NAME,...,DATE, X, X_ATTRIBUTES.. | standard  |
// | access-csv | NCEI access per-station CSV: STATION,DATE,...,NAME, X, X_ATTR.. | GHCN raw  |
// | ghcn-csv   | GHCN-Daily by_station CSV, no header: ID,YYYYMMDD,ELEM,VALUE,M,Q,S,OBSTIME | GHCN raw |
// | dly        | GHCN-Daily fixed-width .dly (see dly_parser.cc)                  | GHCN raw  |
// | jsonl      | one JSON object per line                                        | -         |
// | csv        | CSV with a header; each row becomes a JSON object of strings    | -         |
//
// NOAA layouts become Observation records (ingest/observation.h, partition key = station); the
// generic ones keep the row, with the partition key taken from a named field.
//
// Thread-safety: a parser is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/record_sink.h"
#include "storage/status.h"

namespace freshet::ingest {

enum class Format { kAuto, kCdoCsv, kAccessCsv, kGhcnCsv, kDly, kJsonLines, kCsv };

// "auto", "cdo-csv", "access-csv", "ghcn-csv", "dly", "jsonl", "csv". InvalidArgument otherwise.
Result<Format> ParseFormatName(std::string_view name);
std::string_view FormatName(Format format);

// Guesses the format of a file from its first non-empty line (`line` is not modified):
// '{' -> jsonl; an 11-character id + year + month + element + 31 day groups -> dly;
// ID,YYYYMMDD,ELEMENT,... -> ghcn-csv; a header with STATION and DATE -> access-csv when DATE is
// the 2nd column, else cdo-csv; any other first line -> csv (a header).
Format DetectFormat(std::string_view line);

struct ParserOptions {
  std::string partition_key_field;  // jsonl and csv: REQUIRED non-empty
};

// Parses the lines of one file, in order.
class LineParser {
 public:
  virtual ~LineParser() = default;
  // True if the first line is a header, given to ParseHeader instead of ParseLine.
  virtual bool has_header() const { return false; }
  // InvalidArgument naming what is wrong with the header; the file cannot be read then.
  virtual Status ParseHeader(char* line) {
    (void)line;
    return Status::OK();
  }
  // Appends the records of one data line (`line` NUL-terminated, may be modified) to *out.
  // InvalidArgument (message without file and line, the caller adds them) if the line is
  // malformed; then nothing was appended.
  virtual Status ParseLine(char* line, std::vector<PendingRecord>* out) = 0;
};

// A parser for `format` (not kAuto). InvalidArgument if options are missing (partition key field).
Result<std::unique_ptr<LineParser>> MakeLineParser(Format format, const ParserOptions& options);

// The individual parsers (for tests and MakeLineParser).
std::unique_ptr<LineParser> MakeCdoCsvParser();     // standard units
std::unique_ptr<LineParser> MakeAccessCsvParser();  // GHCN raw units
std::unique_ptr<LineParser> MakeGhcnCsvParser();
std::unique_ptr<LineParser> MakeDlyParser();
std::unique_ptr<LineParser> MakeJsonLinesParser(std::string partition_key_field);
std::unique_ptr<LineParser> MakeGenericCsvParser(std::string partition_key_field);

// Helpers shared by the parsers.
// "YYYY-MM-DD", a real calendar day (leap years included).
bool IsIsoDate(std::string_view date);
// 28..31; 0 for a month outside 1..12.
int DaysInMonth(int year, int month);
// Appends `obs` as a record to *out (partition key = station).
void AppendObservationRecord(const struct Observation& obs, std::vector<PendingRecord>* out);

}  // namespace freshet::ingest
