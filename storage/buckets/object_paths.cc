// Where an object lives (bucket_files.h, bucket_store.h "Layout"): a key's path, the reserved entry
// names, opening an object that may be a folder's object entry, and moving an object between
// `<path>` and `<path>/.freshet-object` when its path becomes, or stops being, a folder of other keys.
//
// Promote and Demote keep the object readable and durable at every step: the object gets a second
// hard link in a temp entry of the bucket's folder, and renameat2(RENAME_EXCHANGE) swaps that temp
// with the key's path in one step, so a reader or a crash finds the object at its old place or its
// new one, never neither; what is left under the temp name is a stale temp (removed when a store
// opens). Both run under the store's exclusive lock.
#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>

#include "storage/buckets/bucket_files.h"
#include "storage/buckets/bucket_store.h"

namespace freshet::storage {

namespace buckets_internal {

std::string KeyPath(std::string_view key) {
  std::string path;
  path.reserve(key.size() + 16);
  size_t start = 0;
  for (;;) {
    const size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) {
      path += kEmptySegment;
    } else if (segment == ".") {
      path += kDotSegment;
    } else if (segment == "..") {
      path += kDotDotSegment;
    } else {
      path += segment;
    }
    if (slash == std::string_view::npos) break;
    path += '/';
    start = slash + 1;
  }
  return path;
}

std::optional<std::string> SegmentOfEntry(std::string_view name) {
  if (name.substr(0, kReservedPrefix.size()) != kReservedPrefix) return std::string(name);
  if (name == kEmptySegment) return std::string();
  if (name == kDotSegment) return std::string(".");
  if (name == kDotDotSegment) return std::string("..");
  return std::nullopt;
}

int OpenObject(const std::string& path, std::string* opened, struct stat* st) {
  // A concurrent Promote or Demote may move the object between the two places once; look again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOTDIR ? -ENOENT : -errno;
    if (::fstat(fd, st) != 0) {
      const int err = errno;
      ::close(fd);
      return -err;
    }
    if (S_ISREG(st->st_mode)) {
      *opened = path;
      return fd;
    }
    ::close(fd);
    if (!S_ISDIR(st->st_mode)) return -ENOENT;
    const std::string inner = path + "/" + std::string(kObjectEntry);
    fd = ::open(inner.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;  // none, or demoted meanwhile
      return -errno;
    }
    if (::fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
      ::close(fd);
      return -ENOENT;
    }
    *opened = inner;
    return fd;
  }
  return -ENOENT;
}

}  // namespace buckets_internal

using namespace buckets_internal;  // NOLINT: the store's own helpers

namespace {
// Process-wide, so two stores on one root in one process never pick the same temp name.
std::atomic<uint64_t> temp_counter{0};

Status Exchange(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0) {
    const int err = errno;
    if (err == EINVAL || err == ENOSYS) {
      return Status::IOError("the file system under '" + b +
                             "' cannot exchange two names atomically (renameat2 RENAME_EXCHANGE), which keys "
                             "that are both an object and a folder ('a' and 'a/b') need");
    }
    return ErrnoStatus("exchange with", b, err);
  }
  return Status::OK();
}

std::string Parent(const std::string& path) { return std::filesystem::path(path).parent_path().string(); }

}  // namespace

std::string BucketStore::TempPath(std::string_view bucket) const {
  return BucketPath(bucket) + "/" + std::string(kTempPrefix) + std::to_string(::getpid()) + "-" +
         std::to_string(temp_counter.fetch_add(1));
}

Status BucketStore::Promote(std::string_view bucket, const std::string& path) const {
  const std::string temp = TempPath(bucket);
  if (::mkdir(temp.c_str(), 0755) != 0) return ErrnoStatus("create folder", temp, errno);
  const std::string entry = temp + "/" + std::string(kObjectEntry);
  Status s;
  if (::link(path.c_str(), entry.c_str()) != 0) s = ErrnoStatus("link", entry, errno);
  if (s.ok()) s = SyncDir(temp);
  if (s.ok()) s = Exchange(temp, path);  // path: the folder holding the object; temp: a second link
  if (!s.ok()) {
    ::unlink(entry.c_str());
    ::rmdir(temp.c_str());
    return s;
  }
  Observe("promote", path);
  FRESHET_RETURN_IF_ERROR(SyncDir(Parent(path)));
  Observe("fsync-dir", Parent(path));
  ::unlink(temp.c_str());
  return Status::OK();
}

Status BucketStore::Demote(std::string_view bucket, const std::string& dir) const {
  const std::string entry = dir + "/" + std::string(kObjectEntry);
  const std::string temp = TempPath(bucket);
  if (::link(entry.c_str(), temp.c_str()) != 0) return ErrnoStatus("link", temp, errno);
  if (Status s = Exchange(temp, dir); !s.ok()) {  // dir: the object; temp: the folder
    ::unlink(temp.c_str());
    return s;
  }
  Observe("demote", dir);
  FRESHET_RETURN_IF_ERROR(SyncDir(Parent(dir)));
  Observe("fsync-dir", Parent(dir));
  ::unlink((temp + "/" + std::string(kObjectEntry)).c_str());
  ::rmdir(temp.c_str());
  return Status::OK();
}

}  // namespace freshet::storage
