// LineSource: the lines of a file, plain or gzip-compressed, read fast.
//
// Built on fast-cpp-csv-parser's io::LineReader (Debian libfccp-dev), which reads ahead on a
// background thread into 16 MiB blocks and hands out NUL-terminated lines in place, with its byte
// source replaced by zlib's gzread so gzip files (and plain files, which gzread passes through)
// are read as they are. A trailing '\r' (CRLF files) and a UTF-8 BOM are removed.
//
// Thread-safety: one thread per LineSource.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "storage/status.h"

namespace freshet::ingest {

class LineSource {
 public:
  // Opens `path`. IOError naming the file if it cannot be opened or read.
  static Result<std::unique_ptr<LineSource>> Open(const std::string& path);
  ~LineSource();

  // Sets *line to the next line (NUL-terminated, writable, valid until the next call) or to
  // nullptr at the end. IOError "FILE:LINE: ..." on a read error, a corrupt or truncated gzip
  // stream, or a line longer than 16 MiB.
  Status Next(char** line);
  // 1-based number of the line Next returned last.
  uint64_t line_number() const;
  // Fraction of the file (its bytes on disk, compressed or not) consumed so far, 0..1.
  double fraction_read() const;
  const std::string& path() const { return path_; }

 private:
  struct Rep;
  LineSource(std::string path, std::unique_ptr<Rep> rep);
  std::string path_;
  std::unique_ptr<Rep> rep_;
};

}  // namespace freshet::ingest
