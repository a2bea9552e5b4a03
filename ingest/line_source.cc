#include "ingest/line_source.h"

#include <libfccp/csv.h>
#include <sys/stat.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace freshet::ingest {
namespace {

// io::LineReader's byte source over zlib (gzip or plain). Called from the reader's thread.
class GzByteSource : public io::ByteSourceBase {
 public:
  GzByteSource(gzFile file, std::atomic<int64_t>* offset) : file_(file), offset_(offset) { gzbuffer(file_, 1 << 18); }
  ~GzByteSource() override { gzclose(file_); }

  int read(char* buffer, int size) override {
    int n = gzread(file_, buffer, static_cast<unsigned>(size));
    if (n < size) {  // end of file, or an error; a truncated gzip stream shows as Z_BUF_ERROR
      int errnum = Z_OK;
      const char* msg = gzerror(file_, &errnum);
      if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
        throw std::runtime_error(errnum == Z_ERRNO       ? std::strerror(errno)
                                 : errnum == Z_BUF_ERROR ? "truncated gzip file"
                                                         : msg);
      }
    }
    offset_->store(gzoffset(file_), std::memory_order_relaxed);
    return n;
  }

 private:
  gzFile file_;
  std::atomic<int64_t>* offset_;
};

}  // namespace

struct LineSource::Rep {
  std::atomic<int64_t> offset{0};
  int64_t size = 0;
  std::unique_ptr<io::LineReader> reader;
};

LineSource::LineSource(std::string path, std::unique_ptr<Rep> rep) : path_(std::move(path)), rep_(std::move(rep)) {}
LineSource::~LineSource() = default;

Result<std::unique_ptr<LineSource>> LineSource::Open(const std::string& path) {
  auto rep = std::make_unique<Rep>();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::IOError(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::IOError(path + ": is a directory");
  rep->size = st.st_size;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IOError(path + ": " + std::strerror(errno ? errno : ENOMEM));
  try {
    rep->reader = std::make_unique<io::LineReader>(path, std::make_unique<GzByteSource>(file, &rep->offset));
  } catch (const std::exception& e) {
    return Status::IOError(path + ": " + e.what());
  }
  return std::unique_ptr<LineSource>(new LineSource(path, std::move(rep)));
}

Status LineSource::Next(char** line) {
  try {
    *line = rep_->reader->next_line();
  } catch (const io::error::line_length_limit_exceeded&) {
    *line = nullptr;
    return Status::IOError(path_ + ":" + std::to_string(line_number()) + ": line longer than 16 MiB");
  } catch (const std::exception& e) {
    *line = nullptr;
    return Status::IOError(path_ + ":" + std::to_string(line_number() + 1) + ": cannot read: " + e.what());
  }
  return Status::OK();
}

uint64_t LineSource::line_number() const { return rep_->reader->get_file_line(); }

double LineSource::fraction_read() const {
  if (rep_->size <= 0) return 1.0;
  double f = static_cast<double>(rep_->offset.load(std::memory_order_relaxed)) / static_cast<double>(rep_->size);
  return f > 1.0 ? 1.0 : f;
}

}  // namespace freshet::ingest
