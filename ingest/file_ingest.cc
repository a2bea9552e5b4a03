#include "ingest/file_ingest.h"

#include <cstdio>
#include <iostream>

#include "ingest/line_source.h"

namespace freshet::ingest {
namespace {

bool IsBlank(const char* line) {
  for (; *line; ++line)
    if (*line != ' ' && *line != '\t') return false;
  return true;
}

std::string Where(const LineSource& source) { return source.path() + ":" + std::to_string(source.line_number()); }

}  // namespace

Result<FileIngestStats> IngestFile(const std::string& path, const FileIngestOptions& options, RecordSink* sink) {
  std::ostream& errors = options.errors ? *options.errors : std::cerr;
  FRESHET_ASSIGN_OR_RETURN(std::unique_ptr<LineSource> source, LineSource::Open(path));
  FileIngestStats stats;
  stats.format = options.format;
  RecordBatcher batcher(sink);
  std::unique_ptr<LineParser> parser;
  std::vector<PendingRecord> records;
  bool header_pending = false;
  for (;;) {
    char* line = nullptr;
    FRESHET_RETURN_IF_ERROR(source->Next(&line));
    if (line == nullptr) break;
    ++stats.lines;
    if (IsBlank(line)) continue;
    if (parser == nullptr) {
      if (stats.format == Format::kAuto) stats.format = DetectFormat(line);
      ParserOptions parser_options{options.partition_key_field};
      Result<std::unique_ptr<LineParser>> made = MakeLineParser(stats.format, parser_options);
      if (!made.ok()) return made.status();
      parser = std::move(made).value();
      header_pending = parser->has_header();
    }
    Status st;
    records.clear();
    try {
      if (header_pending) {
        header_pending = false;
        st = parser->ParseHeader(line);
        if (!st.ok()) return Status::InvalidArgument(Where(*source) + ": " + st.message());
        continue;
      }
      st = parser->ParseLine(line, &records);
    } catch (const std::exception& e) {  // a library exception escaping a parser: report the line
      st = Status::InvalidArgument(e.what());
      records.clear();
    }
    // The NOAA parsers do not check the per-record limits (e.g. a station id over 256
    // characters); a record over them is a malformed line, not a batch the sink refuses.
    for (size_t i = 0; st.ok() && i < records.size(); ++i) st = CheckRecordLimits(records[i]);
    if (!st.ok()) {
      errors << Where(*source) << ": " << st.message() << "\n";
      ++stats.skipped_lines;
      continue;
    }
    for (PendingRecord& record : records) FRESHET_RETURN_IF_ERROR(batcher.Add(std::move(record)));
    if ((stats.lines & 0x3fff) == 0) {
      if (options.should_stop && options.should_stop()) {
        FRESHET_RETURN_IF_ERROR(batcher.Flush());
        return Status::Aborted("interrupted after " + std::to_string(batcher.records_put()) + " records of " + path);
      }
      if (options.on_progress) options.on_progress(batcher.records_put(), source->fraction_read());
    }
  }
  FRESHET_RETURN_IF_ERROR(batcher.Flush());
  stats.records = batcher.records_put();
  if (stats.format == Format::kAuto) stats.format = Format::kCsv;  // an empty file
  return stats;
}

}  // namespace freshet::ingest
