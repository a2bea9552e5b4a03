// Helpers of the ingest fuzz targets (ingest_fuzzer.cc, ingest_file_fuzzer.cc): a RecordSink that
// aborts when IngestFile or a parser breaks what it promises a sink, and the one temporary file a
// target rewrites for every input.
//
// Thread-safety: libFuzzer calls a target from one thread; so are these used.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/record_sink.h"

namespace freshet::ingest::fuzz {

// Checks what a sink is promised: non-empty batches within the Kinesis limits, and no record over
// them (the parsers must not emit one). Aborts otherwise; counts the records.
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

// The process's temp file $TMPDIR/freshet-<name>-<pid> (default /tmp), removed at exit. `name` is
// taken on the first call.
inline const std::string& TempPath(const char* name) {
  struct TempFile {
    explicit TempFile(const char* name) {
      const char* dir = std::getenv("TMPDIR");
      path = std::string(dir && *dir ? dir : "/tmp") + "/freshet-" + name + "-" + std::to_string(getpid());
    }
    ~TempFile() { std::remove(path.c_str()); }
    std::string path;
  };
  static const TempFile file(name);
  return file.path;
}

// Writes `payload` as the whole of `path`; false if it could not.
inline bool WriteWholeFile(const std::string& path, std::string_view payload) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(payload.data(), 1, payload.size(), f) == payload.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace freshet::ingest::fuzz
