// Zip archives through libzip (see zip_archive.h).
#include "tools/lambda/zip_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

namespace freshet::lambda {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot fsync", path);
  return Status::OK();
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

// Whether an entry name stays inside the target directory.
bool SafeEntryName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

Status UnpackInto(zip_t* archive, const std::string& dir, uint64_t* total) {
  zip_int64_t count = zip_get_num_entries(archive, 0);
  std::vector<std::string> dirs = {dir};
  std::vector<char> buffer(1 << 16);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      return Status::InvalidArgument("zip archive: entry " + std::to_string(i) + " is unreadable");
    }
    std::string name = st.name;
    if (!SafeEntryName(name)) return Status::InvalidArgument("zip archive: entry name refused: " + name);
    std::string path = dir + "/" + name;
    if (name.back() == '/') {
      std::error_code ec;
      fs::create_directories(path, ec);
      if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
      dirs.push_back(path);
      continue;
    }
    std::string parent = fs::path(path).parent_path().string();
    std::error_code ec;
    if (fs::create_directories(parent, ec)) dirs.push_back(parent);
    if (ec) return Status::IOError("cannot create " + parent + ": " + ec.message());
    mode_t mode = 0644;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(i), 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0777) != 0) {
      mode = ((attributes >> 16) & 0777) | 0400;
    }
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (!file) return Status::InvalidArgument("zip archive: cannot read entry " + name + ": " + zip_strerror(archive));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
      zip_fclose(file);
      return Errno("cannot create", path);
    }
    Status status;
    for (;;) {
      zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
      if (n < 0) {
        status = Status::InvalidArgument("zip archive: entry " + name + " is damaged: " + zip_file_strerror(file));
        break;
      }
      if (n == 0) break;
      *total += static_cast<uint64_t>(n);
      status = WriteAll(fd, std::string_view(buffer.data(), static_cast<size_t>(n)), path);
      if (!status.ok()) break;
    }
    zip_fclose(file);
    if (status.ok() && ::fchmod(fd, mode) != 0) status = Errno("cannot chmod", path);
    if (status.ok() && ::fsync(fd) != 0) status = Errno("cannot fsync", path);
    ::close(fd);
    FRESHET_RETURN_IF_ERROR(status);
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) FRESHET_RETURN_IF_ERROR(FsyncPath(*it, true));
  return Status::OK();
}

}  // namespace

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  return Status::OK();
}

Result<uint64_t> UnpackZip(std::string_view zip_bytes, const std::string& target_dir) {
  std::error_code ec;
  if (fs::exists(target_dir, ec)) return uint64_t{0};
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return Status::Internal("libzip: cannot create a source");
  }
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    std::string message = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return Status::InvalidArgument("zip archive is not valid: " + message);
  }
  zip_error_fini(&error);
  std::string parent = fs::path(target_dir).parent_path().string();
  FRESHET_RETURN_IF_ERROR(MakeDirs(parent));
  std::string temp = target_dir + ".tmp-" + RandomSuffix();
  if (::mkdir(temp.c_str(), 0755) != 0) return Errno("cannot create", temp);
  uint64_t total = 0;
  Status status = UnpackInto(archive.get(), temp, &total);
  if (status.ok() && ::rename(temp.c_str(), target_dir.c_str()) != 0) {
    // Another unpack of the same code won the rename: theirs is as good as ours.
    if (errno != ENOTEMPTY && errno != EEXIST) status = Errno("cannot rename into", target_dir);
  }
  fs::remove_all(temp, ec);
  FRESHET_RETURN_IF_ERROR(status);
  FRESHET_RETURN_IF_ERROR(FsyncPath(parent, true));
  return total;
}

Result<std::string> ZipDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("not a directory: " + dir);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_error_fini(&error);
  if (!out) return Status::Internal("libzip: cannot create a buffer");
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, nullptr);
  if (!archive) {
    zip_source_free(out);
    return Status::Internal("libzip: cannot open an archive for writing");
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    zip_discard(archive);
    zip_source_free(out);
    return Status::IOError("cannot list " + dir + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    std::string name = fs::relative(path, dir).generic_string();
    zip_source_t* file = zip_source_file(archive, path.c_str(), 0, -1);
    zip_int64_t index = file ? zip_file_add(archive, name.c_str(), file, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (file) zip_source_free(file);
      std::string message = zip_strerror(archive);
      zip_discard(archive);
      zip_source_free(out);
      return Status::IOError("cannot add " + path.string() + " to the archive: " + message);
    }
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) {
      zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                       static_cast<zip_uint32_t>(st.st_mode & 0xFFFF) << 16);
    }
  }
  if (zip_close(archive) != 0) {
    std::string message = zip_strerror(archive);
    zip_discard(archive);
    zip_source_free(out);
    return Status::IOError("cannot write the archive of " + dir + ": " + message);
  }
  std::string bytes;
  zip_stat_t st;
  if (zip_source_stat(out, &st) == 0 && zip_source_open(out) == 0) {
    bytes.resize(st.size);
    zip_int64_t n = zip_source_read(out, bytes.data(), st.size);
    zip_source_close(out);
    if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) bytes.clear();
  }
  zip_source_free(out);
  if (bytes.empty()) return Status::Internal("libzip: cannot read back the archive of " + dir);
  return bytes;
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  std::string temp = path + ".tmp-" + RandomSuffix();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", temp);
  Status status = WriteAll(fd, bytes, temp);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("cannot fsync", temp);
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) status = Errno("cannot rename into", path);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return FsyncPath(fs::path(path).parent_path().string(), true);
}

}  // namespace freshet::lambda
