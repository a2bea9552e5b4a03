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

namespace freshet::ingest {
namespace {

// Checks what IngestFile promises a sink: non-empty batches within the Kinesis limits.
class CheckingSink : public RecordSink {
 public:
  Status Put(std::vector<PendingRecord>&& records) override {
    if (records.empty() || records.size() > kMaxBatchRecords) std::abort();
    size_t bytes = 0;
    for (const PendingRecord& r : records) {
      if (!CheckRecordLimits(r).ok()) std::abort();
      bytes += r.partition_key.size() + r.data.size();
    }
    if (bytes > kMaxBatchBytes) std::abort();
    count += records.size();
    return Status::OK();
  }
  size_t count = 0;
};

// One temp file per process, rewritten for every input and removed at exit.
struct TempFile {
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/freshet-ingest-file-fuzz-" + std::to_string(getpid());
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

const std::string& TempPath() {
  static const TempFile file;
  return file.path;
}

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

  FILE* f = std::fopen(TempPath().c_str(), "wb");
  if (!f) std::abort();
  bool written = std::fwrite(payload.data(), 1, payload.size(), f) == payload.size();
  if (std::fclose(f) != 0 || !written) std::abort();

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
