// Fuzzes ingest::IngestFile end to end: the input becomes a file (plain, or gzip when it starts
// with gzip's magic) read through LineSource, parsed, checked and batched into a RecordSink.
//
// The first byte of the input picks the format ((byte - '0') mod 7: 0 auto, 1 cdo-csv,
// 2 access-csv, 3 ghcn-csv, 4 dly, 5 jsonl, 6 csv); the rest is the file. Each input costs
// about a millisecond or more (LineSource allocates its buffers per file), so the parsers are
// fuzzed faster in memory by ingest_fuzzer.cc; this target covers the path around them.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/file_ingest.h"
#include "ingest/formats.h"
#include "ingest/record_sink.h"
#include "tests/fuzz/ingest_fuzz_util.h"

namespace freshet::ingest {
namespace {

using fuzz::CheckingSink;

const std::string& TempPath() { return fuzz::TempPath("ingest-file-fuzz"); }

}  // namespace
}  // namespace freshet::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::ingest;
  if (size == 0) return 0;
  static const Format kFormats[] = {Format::kAuto, Format::kCdoCsv,    Format::kAccessCsv, Format::kGhcnCsv,
                                    Format::kDly,  Format::kJsonLines, Format::kCsv};
  Format format = kFormats[static_cast<uint8_t>(data[0] - '0') % 7];
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)DetectFormat(payload.substr(0, payload.find('\n')));

  if (!fuzz::WriteWholeFile(TempPath(), payload)) std::abort();

  CheckingSink sink;
  std::ostringstream errors;
  FileIngestOptions options;
  options.format = format;
  options.partition_key_field = "station";
  options.errors = &errors;
  freshet::Result<FileIngestStats> stats = IngestFile(TempPath(), options, &sink);
  if (stats.ok() && stats->records != sink.count) std::abort();
  return 0;
}
