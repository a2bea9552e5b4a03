// Helpers for the ingest tests: an in-memory RecordSink, files, parsing a text in one format, and
// running the freshet binary.
#pragma once

#include <sys/wait.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/file_ingest.h"
#include "ingest/record_sink.h"

namespace freshet::ingest::test {

// Keeps every batch it is given; can be told to fail.
class VectorSink : public RecordSink {
 public:
  Status Put(std::vector<PendingRecord>&& records) override {
    batch_sizes.push_back(records.size());
    for (auto& r : records) this->records.push_back(std::move(r));
    return Status::OK();
  }
  std::vector<nlohmann::json> Json() const {
    std::vector<nlohmann::json> out;
    for (const auto& r : records) out.push_back(nlohmann::json::parse(r.data));
    return out;
  }
  std::vector<PendingRecord> records;
  std::vector<size_t> batch_sizes;
};

inline std::string SourceDir() {
  const char* dir = std::getenv("FRESHET_SOURCE_DIR");
#ifdef FRESHET_DEFAULT_SOURCE_DIR
  if (!dir || !*dir) dir = FRESHET_DEFAULT_SOURCE_DIR;
#endif
  return dir && *dir ? dir : ".";
}
// What a run of the freshet binary printed, and its exit code.
struct CliRun {
  int exit_code;
  std::string out, err;
};

// Runs `freshet --data-dir <data_dir> <args>` through the shell ($FRESHET_BIN, else the build's
// binary), its output going through files in `tmp`.
inline CliRun RunFreshetCli(const std::string& data_dir, const std::string& args, const std::string& tmp) {
  const char* bin = std::getenv("FRESHET_BIN");
#ifdef FRESHET_DEFAULT_BIN
  if (!bin || !*bin) bin = FRESHET_DEFAULT_BIN;
#endif
  std::string cmd = std::string(bin ? bin : "freshet") + " --data-dir " + data_dir + " " + args + " >" + tmp +
                    "/out 2>" + tmp + "/err";
  int rc = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return CliRun{WEXITSTATUS(rc), slurp(tmp + "/out"), slurp(tmp + "/err")};
}

inline std::string BundledExport() { return SourceDir() + "/data/noaa/cdo-montgomery-md-2012-2018.csv.gz"; }

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}
inline void WriteGzipFile(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

struct Ingested {
  Status status;
  FileIngestStats stats;
  std::vector<nlohmann::json> json;
  std::vector<PendingRecord> records;
  std::string errors;
};

// Writes `text` to `dir`/`name` and ingests it in `format`.
inline Ingested IngestText(const std::string& dir, const std::string& name, const std::string& text,
                           Format format = Format::kAuto, std::string key_field = "") {
  std::string path = dir + "/" + name;
  WriteFile(path, text);
  VectorSink sink;
  std::ostringstream errors;
  FileIngestOptions options;
  options.format = format;
  options.partition_key_field = std::move(key_field);
  options.errors = &errors;
  Ingested out;
  Result<FileIngestStats> r = IngestFile(path, options, &sink);
  out.status = r.status();
  if (r.ok()) out.stats = *r;
  out.json = sink.Json();
  out.records = std::move(sink.records);
  out.errors = errors.str();
  return out;
}

}  // namespace freshet::ingest::test
