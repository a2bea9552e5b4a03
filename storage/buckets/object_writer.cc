// ObjectWriter and BucketStore::Publish: how an object becomes durable and visible (the order is
// the one bucket_store.h states: temp written and fsynced, folders created and fsynced, rename,
// the key's folder fsynced).
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "storage/buckets/bucket_files.h"
#include "storage/buckets/bucket_store.h"

namespace freshet::storage {

using namespace buckets_internal;  // NOLINT: the store's own helpers

struct ObjectWriter::Md5 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

ObjectWriter::ObjectWriter(const BucketStore* store, std::string bucket, std::string key, PutOptions options, int fd,
                           std::string temp_path)
    : store_(store),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      options_(std::move(options)),
      fd_(fd),
      temp_path_(std::move(temp_path)),
      md5_(std::make_unique<Md5>()) {
  if (options_.etag.empty()) EVP_DigestInit_ex(md5_->ctx.get(), EVP_md5(), nullptr);
}

ObjectWriter::~ObjectWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) ::unlink(temp_path_.c_str());
}

Status ObjectWriter::Append(std::string_view bytes) {
  if (done_ || fd_ < 0) return Status::FailedPrecondition("object writer for '" + key_ + "' is closed");
  FRESHET_RETURN_IF_ERROR(WriteAll(fd_, bytes, temp_path_));
  if (options_.etag.empty()) EVP_DigestUpdate(md5_->ctx.get(), bytes.data(), bytes.size());
  size_ += bytes.size();
  return Status::OK();
}

Status ObjectWriter::AppendFile(const std::string& path) {
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus("open", path, errno);
  std::string buf(1 << 20, '\0');
  Status s;
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      s = ErrnoStatus("read", path, errno);
      break;
    }
    if (n == 0) break;
    s = Append(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!s.ok()) break;
  }
  ::close(in);
  return s;
}

Result<ObjectInfo> ObjectWriter::Commit() {
  if (done_ || fd_ < 0) return Status::FailedPrecondition("object writer for '" + key_ + "' is closed");
  std::string etag = options_.etag;
  if (etag.empty()) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md5_->ctx.get(), digest, &len);
    etag = HexDigest(digest, len);
  }
  SetAttr(fd_, kEtagAttr, etag);
  SetAttr(fd_, kContentTypeAttr, options_.content_type);
  FRESHET_RETURN_IF_ERROR(SyncFd(fd_, temp_path_));
  store_->Observe("fsync-file", temp_path_);
  struct stat st;
  if (::fstat(fd_, &st) != 0) return ErrnoStatus("stat", temp_path_, errno);
  ::close(fd_);
  fd_ = -1;
  FRESHET_RETURN_IF_ERROR(store_->Publish(bucket_, key_, temp_path_));
  done_ = true;
  return ObjectInfo{key_, size_, ToMs(st.st_mtim.tv_sec, st.st_mtim.tv_nsec), etag, options_.content_type};
}

Status BucketStore::Publish(const std::string& bucket, const std::string& key, const std::string& temp_path) const {
  {
    std::shared_lock lock(Mutex());
    bool need_exclusive = false;
    Status s = PublishLocked(bucket, key, temp_path, /*exclusive=*/false, &need_exclusive);
    if (!need_exclusive) return s;
  }
  // A key beside an object ("a/b" when "a" is a file) or racing another put into a new folder:
  // done alone, so no put or delete sees the object while it moves.
  std::unique_lock lock(Mutex());
  bool unused = false;
  return PublishLocked(bucket, key, temp_path, /*exclusive=*/true, &unused);
}

Status BucketStore::PublishLocked(const std::string& bucket, const std::string& key, const std::string& temp_path,
                                  bool exclusive, bool* need_exclusive) const {
  const std::string bucket_dir = BucketPath(bucket);
  struct stat st;
  if (::stat(bucket_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::NotFound("bucket '" + bucket + "' does not exist");
  }
  const std::string rel = KeyPath(key);
  // Folders the key needs, outermost first; each new one is fsynced with its parent so the rename
  // below cannot outlive a crash while its folder does not.
  std::string dir = bucket_dir;
  size_t start = 0;
  for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', start)) {
    std::string parent = dir;
    dir = bucket_dir + "/" + rel.substr(0, slash);
    start = slash + 1;
    if (::mkdir(dir.c_str(), 0755) == 0) {
      Observe("mkdir", dir);
      FRESHET_RETURN_IF_ERROR(SyncDir(dir));
      Observe("fsync-dir", dir);
      FRESHET_RETURN_IF_ERROR(SyncDir(parent));
      Observe("fsync-dir", parent);
      continue;
    }
    const int err = errno;
    if (err == EEXIST && ::lstat(dir.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) continue;
      if (S_ISREG(st.st_mode)) {  // an object: it moves into the folder as its object entry
        if (!exclusive) {
          *need_exclusive = true;
          return Status::OK();
        }
        FRESHET_RETURN_IF_ERROR(Promote(bucket, dir));
        continue;
      }
    }
    return ErrnoStatus("create folder", dir, err);
  }
  std::string target = bucket_dir + "/" + rel;
  if (::lstat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) target += "/" + std::string(kObjectEntry);
  if (::rename(temp_path.c_str(), target.c_str()) != 0) {
    const int err = errno;
    if (!exclusive && (err == EISDIR || err == ENOTEMPTY || err == EEXIST)) {
      *need_exclusive = true;  // a concurrent put made the path a folder since the lstat
      return Status::OK();
    }
    return ErrnoStatus("rename to", target, err);
  }
  Observe("rename", target);
  const std::string target_dir = target.substr(0, target.rfind('/'));
  FRESHET_RETURN_IF_ERROR(SyncDir(target_dir));
  Observe("fsync-dir", target_dir);
  // The bucket's folder, which lost the temp's name, is not fsynced: the object does not depend on
  // it, and a temp name a crash brings back is removed as stale when a store opens.
  return Status::OK();
}

Result<std::unique_ptr<ObjectWriter>> BucketStore::NewObjectWriter(std::string_view bucket, std::string_view key,
                                                                   PutOptions options) {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  FRESHET_RETURN_IF_ERROR(ValidateKey(key));
  FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
  const std::string temp = TempPath(bucket);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("bucket '" + std::string(bucket) + "' does not exist");
    return ErrnoStatus("create temp file", temp, errno);
  }
  return std::unique_ptr<ObjectWriter>(
      new ObjectWriter(this, std::string(bucket), std::string(key), std::move(options), fd, temp));
}

Result<ObjectInfo> BucketStore::PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                                          const PutOptions& options) {
  FRESHET_ASSIGN_OR_RETURN(auto writer, NewObjectWriter(bucket, key, options));
  FRESHET_RETURN_IF_ERROR(writer->Append(bytes));
  return writer->Commit();
}

Status BucketStore::PutObject(std::string_view bucket, std::string_view key, std::string_view bytes) {
  return PutObject(bucket, key, bytes, PutOptions{}).status();
}

}  // namespace freshet::storage
