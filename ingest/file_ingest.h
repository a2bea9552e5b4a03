// IngestFile: one file (plain or gzip) in any supported format -> stream records, in batches.
//
// A malformed line is written to `errors` as "FILE:LINE: what is wrong", skipped, and counted;
// every other line still lands. A bad header, an unreadable file or a failing sink stops the file.
//
// Thread-safety: one call per thread; the sink is called from the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "ingest/formats.h"
#include "ingest/record_sink.h"
#include "storage/status.h"

namespace freshet::ingest {

struct FileIngestOptions {
  Format format = Format::kAuto;    // kAuto: DetectFormat on the first non-empty line
  std::string partition_key_field;  // jsonl and csv
  // Called now and then (every 16,384 lines) with the records put so far and the fraction of the
  // file read (tools/ draws it as a progress line on a terminal); may be empty.
  std::function<void(uint64_t records, double fraction)> on_progress;
  std::ostream* errors = nullptr;     // malformed-line reports; nullptr = std::cerr
  std::function<bool()> should_stop;  // polled between batches; true -> Aborted
};

struct FileIngestStats {
  Format format = Format::kAuto;  // the format used (resolved when auto)
  uint64_t lines = 0;             // lines read, header and blank lines included
  uint64_t records = 0;           // records put to the sink
  uint64_t skipped_lines = 0;     // malformed lines reported and skipped
};

// Reads `path` to the end and puts its records to `sink` (batches of <= 500 records / 5 MiB; a
// batch is put as soon as it is full, and the rest at the end).
// Returns the counts (OK even when lines were skipped: check skipped_lines). Errors: IOError
// (open/read, naming the file), InvalidArgument (bad header or options, "FILE:1: ..."), Aborted
// (should_stop), or the sink's error. Records put before an error stay put.
Result<FileIngestStats> IngestFile(const std::string& path, const FileIngestOptions& options, RecordSink* sink);

}  // namespace freshet::ingest
