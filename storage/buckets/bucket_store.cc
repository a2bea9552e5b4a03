// BucketStore: buckets, and reading and deleting objects (bucket_store.h). Writing is in
// object_writer.cc, listing in bucket_list.cc, name rules in bucket_names.cc.
#include "storage/buckets/bucket_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <mutex>

#include "storage/buckets/bucket_files.h"

namespace freshet::storage {

using namespace buckets_internal;  // NOLINT: the store's own helpers

namespace {

// Entry names of a directory ("." and ".." left out); NotFound when it does not exist.
Result<std::vector<std::string>> ListDir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return ErrnoStatus("open directory", path, errno);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  return names;
}

// Whether a temp name belongs to a process that still runs (so another store's write in flight).
bool TempOwnerAlive(std::string_view name) {
  name.remove_prefix(kTempPrefix.size());
  size_t dash = name.find('-');
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return false;
    pid = pid * 10 + (c - '0');
  }
  if (pid <= 0) return false;
  if (pid == ::getpid()) return true;
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

// Whether a folder holds at least one object (a regular file that is not a temp), at any depth.
bool HoldsObject(const std::string& path) {
  auto names = ListDir(path);
  if (!names.ok()) return false;
  for (const auto& n : *names) {
    if (n.rfind(kTempPrefix, 0) == 0) continue;  // an object entry or a mapped segment counts
    struct stat st;
    const std::string child = path + "/" + n;
    if (::lstat(child.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode)) return true;
    if (S_ISDIR(st.st_mode) && HoldsObject(child)) return true;
  }
  return false;
}

}  // namespace

std::shared_mutex& BucketStore::Mutex() {
  static std::shared_mutex mu;
  return mu;
}

BucketStore::BucketStore(std::string root) : root_(std::move(root)) { RemoveStaleTemps(); }

BucketStore::~BucketStore() = default;

void BucketStore::RemoveStaleTemps() const {
  auto buckets = ListDir(root_);
  if (!buckets.ok()) return;
  for (const auto& b : *buckets) {
    if (!ValidateBucketName(b).ok()) continue;
    auto names = ListDir(BucketPath(b));
    if (!names.ok()) continue;
    for (const auto& n : *names) {
      if (n.rfind(kTempPrefix, 0) != 0 || TempOwnerAlive(n)) continue;
      std::error_code ec;  // a file, or a folder of a Promote or Demote cut short
      std::filesystem::remove_all(BucketPath(b) + "/" + n, ec);
    }
  }
}

std::string BucketStore::BucketPath(std::string_view bucket) const { return root_ + "/" + std::string(bucket); }

Status BucketStore::CheckBucket(std::string_view bucket) const {
  struct stat st;
  if (::stat(BucketPath(bucket).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
  return Status::NotFound("bucket '" + std::string(bucket) + "' does not exist");
}

Status BucketStore::CreateBucket(std::string_view bucket) {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  std::unique_lock lock(Mutex());
  std::error_code ec;
  bool made_root = std::filesystem::create_directories(root_, ec);
  if (ec) return Status::IOError("create bucket folder '" + root_ + "': " + ec.message());
  if (made_root) {
    const std::string parent = std::filesystem::path(root_).parent_path().string();
    FRESHET_RETURN_IF_ERROR(SyncDir(parent.empty() ? "." : parent));
  }
  const std::string path = BucketPath(bucket);
  if (::mkdir(path.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Status::AlreadyExists("bucket '" + std::string(bucket) + "' already exists");
    return ErrnoStatus("create bucket", path, errno);
  }
  FRESHET_RETURN_IF_ERROR(SyncDir(path));
  return SyncDir(root_);
}

Status BucketStore::DeleteBucket(std::string_view bucket) {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  std::unique_lock lock(Mutex());
  FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
  const std::string path = BucketPath(bucket);
  if (HoldsObject(path)) {
    return Status::FailedPrecondition("bucket '" + std::string(bucket) + "' is not empty");
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IOError("delete bucket '" + path + "': " + ec.message());
  return SyncDir(root_);
}

Result<std::vector<std::pair<std::string, uint64_t>>> BucketStore::ListBuckets() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  auto names = ListDir(root_);
  if (!names.ok()) {
    if (names.status().IsNotFound()) return out;
    return names.status();
  }
  for (const auto& n : *names) {
    if (!ValidateBucketName(n).ok()) continue;
    struct statx stx;
    const std::string path = BucketPath(n);
    if (::statx(AT_FDCWD, path.c_str(), 0, STATX_BTIME | STATX_MTIME | STATX_TYPE, &stx) != 0) continue;
    if (!S_ISDIR(stx.stx_mode)) continue;
    const auto& t = (stx.stx_mask & STATX_BTIME) ? stx.stx_btime : stx.stx_mtime;
    out.emplace_back(n, ToMs(t.tv_sec, t.tv_nsec));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status BucketStore::HeadBucket(std::string_view bucket) const {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  return CheckBucket(bucket);
}

ObjectFileReader::~ObjectFileReader() { ::close(fd_); }

Status ObjectFileReader::Read(uint64_t offset, size_t max, std::string* out) const {
  out->resize(static_cast<size_t>(std::min<uint64_t>(max, length_ - std::min(offset, length_))));
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = ::pread(fd_, out->data() + done, out->size() - done, static_cast<off_t>(first_ + offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", path_, errno);
    }
    if (n == 0) break;  // truncated underneath us: what was there
    done += static_cast<size_t>(n);
  }
  out->resize(done);
  return Status::OK();
}

Result<ObjectData> BucketStore::ReadObject(std::string_view bucket, std::string_view key,
                                           std::optional<ByteRange> range, uint64_t max_in_memory) const {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  FRESHET_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = BucketPath(bucket) + "/" + KeyPath(key);
  struct stat st;
  int fd = OpenObject(path, &path, &st);
  if (fd < 0) {
    if (fd == -ENOENT) {
      FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
      return Status::NotFound("object '" + std::string(key) + "' does not exist in bucket '" + std::string(bucket) +
                              "'");
    }
    return ErrnoStatus("open", path, -fd);
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  ObjectData data;
  data.info.key = std::string(key);
  data.info.size = static_cast<uint64_t>(st.st_size);
  data.info.modified_ms = ToMs(st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  if (auto etag = GetAttr(fd, kEtagAttr)) {
    data.info.etag = *etag;
  } else {
    FRESHET_ASSIGN_OR_RETURN(data.info.etag, Md5OfFile(fd, path));
  }
  data.info.content_type = GetAttr(fd, kContentTypeAttr).value_or("");
  const uint64_t size = data.info.size;
  uint64_t first = 0, end = size;  // [first, end)
  if (range) {
    auto unsatisfiable = [&] {
      return Status::InvalidArgument("range is not satisfiable for object '" + std::string(key) + "' of " +
                                     std::to_string(size) + " bytes");
    };
    if (range->suffix) {
      if (*range->suffix == 0 || size == 0) return unsatisfiable();
      first = size - std::min(*range->suffix, size);
    } else {
      first = range->first.value_or(0);
      if (first >= size) return unsatisfiable();
      if (range->last) {
        if (*range->last < first) return unsatisfiable();
        end = std::min(*range->last + 1, size);
      }
    }
  }
  data.first = first;
  auto reader = std::make_shared<ObjectFileReader>(fd, path, first, end - first);
  closer.fd = -1;  // the reader closes it
  if (end - first > max_in_memory) {
    data.reader = std::move(reader);
    return data;
  }
  FRESHET_RETURN_IF_ERROR(reader->Read(0, static_cast<size_t>(end - first), &data.bytes));
  return data;
}

Result<std::string> BucketStore::GetObject(std::string_view bucket, std::string_view key,
                                           std::optional<std::pair<uint64_t, uint64_t>> range) const {
  std::optional<ByteRange> r;
  if (range) r = ByteRange{range->first, range->second, std::nullopt};
  FRESHET_ASSIGN_OR_RETURN(ObjectData data, ReadObject(bucket, key, r));
  return std::move(data.bytes);
}

Result<ObjectInfo> BucketStore::HeadObject(std::string_view bucket, std::string_view key) const {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  FRESHET_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = BucketPath(bucket) + "/" + KeyPath(key);
  struct stat st;
  int fd = OpenObject(path, &path, &st);
  if (fd < 0) {
    if (fd == -ENOENT) {
      FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
      return Status::NotFound("object '" + std::string(key) + "' does not exist in bucket '" + std::string(bucket) +
                              "'");
    }
    return ErrnoStatus("open", path, -fd);
  }
  ObjectInfo info{std::string(key), static_cast<uint64_t>(st.st_size), ToMs(st.st_mtim.tv_sec, st.st_mtim.tv_nsec), "",
                  GetAttr(fd, kContentTypeAttr).value_or("")};
  auto etag = GetAttr(fd, kEtagAttr);
  Result<std::string> md5 = etag ? Result<std::string>(*etag) : Md5OfFile(fd, path);
  ::close(fd);
  if (!md5.ok()) return md5.status();
  info.etag = std::move(md5.value());
  return info;
}

Status BucketStore::DeleteObject(std::string_view bucket, std::string_view key) {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  FRESHET_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = BucketPath(bucket) + "/" + KeyPath(key);
  std::string dir;
  {
    std::shared_lock lock(Mutex());
    FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return Status::OK();
    if (S_ISDIR(st.st_mode)) {  // the key is also a folder: its object, if any, is the object entry
      path += "/" + std::string(kObjectEntry);
      if (::lstat(path.c_str(), &st) != 0) return Status::OK();
    }
    if (!S_ISREG(st.st_mode)) return Status::OK();
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return Status::OK();
      return ErrnoStatus("delete", path, errno);
    }
    Observe("unlink", path);
    dir = path.substr(0, path.rfind('/'));
    FRESHET_RETURN_IF_ERROR(SyncDir(dir));
    Observe("fsync-dir", dir);
  }
  std::unique_lock lock(Mutex());
  CleanUpFolders(bucket, std::move(dir));
  return Status::OK();
}

void BucketStore::CleanUpFolders(std::string_view bucket, std::string dir) const {
  // Folders left empty go, innermost first, so the tree mirrors the keys; a folder left holding only
  // its own object ("a" once "a/b" is gone) turns back into that plain file.
  const std::string bucket_dir = BucketPath(bucket);
  while (dir.size() > bucket_dir.size() && dir.compare(0, bucket_dir.size() + 1, bucket_dir + "/") == 0) {
    const std::string parent = dir.substr(0, dir.rfind('/'));
    if (::rmdir(dir.c_str()) == 0) {
      (void)SyncDir(parent);
      dir = parent;
      continue;
    }
    if (errno == ENOTEMPTY || errno == EEXIST) {
      auto names = ListDir(dir);
      if (names.ok() && names->size() == 1 && (*names)[0] == kObjectEntry) (void)Demote(bucket, dir);
    }
    break;  // not empty (or gone): outer folders are not empty either
  }
}

}  // namespace freshet::storage
