// MultipartStore (multipart_store.h): uploads as folders of part files.
#include "storage/buckets/multipart_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/buckets/bucket_files.h"

namespace freshet::storage {

using namespace buckets_internal;  // NOLINT: the store's own helpers

namespace {

constexpr std::string_view kUploadsFolder = ".freshet-uploads";

bool IsUploadId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

// Writes `bytes` to `path` durably: temp beside it, fsync, rename, fsync of the folder.
Status WriteFileDurably(const std::string& folder, const std::string& name, std::string_view bytes) {
  static std::atomic<uint64_t> counter{0};
  const std::string temp = folder + "/.tmp-" + name + "-" + std::to_string(counter.fetch_add(1));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", temp, errno);
  Status s = WriteAll(fd, bytes, temp);
  if (s.ok()) s = SyncFd(fd, temp);
  ::close(fd);
  if (s.ok() && ::rename(temp.c_str(), (folder + "/" + name).c_str()) != 0) s = ErrnoStatus("rename", temp, errno);
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  return SyncDir(folder);
}

}  // namespace

MultipartStore::MultipartStore(BucketStore* buckets)
    : buckets_(buckets), root_(buckets->root() + "/" + std::string(kUploadsFolder)) {}

std::string MultipartStore::UploadPath(std::string_view upload_id) const {
  return root_ + "/" + std::string(upload_id);
}

Result<std::string> MultipartStore::Create(std::string_view bucket, std::string_view key,
                                           std::string_view content_type) {
  FRESHET_RETURN_IF_ERROR(buckets_->HeadBucket(bucket));
  FRESHET_RETURN_IF_ERROR(BucketStore::ValidateKey(key));
  if (content_type.find('\n') != std::string_view::npos) {
    return Status::InvalidArgument("Content-Type holds a line break");
  }
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return Status::Internal("no random bytes for an upload id");
  const std::string id = HexDigest(random, sizeof random);
  std::error_code ec;
  std::filesystem::create_directories(UploadPath(id), ec);
  if (ec) return Status::IOError("create upload folder '" + UploadPath(id) + "': " + ec.message());
  std::string target = std::string(bucket) + "\n" + std::string(key) + "\n" + std::string(content_type) + "\n";
  FRESHET_RETURN_IF_ERROR(WriteFileDurably(UploadPath(id), "target", target));
  FRESHET_RETURN_IF_ERROR(SyncDir(root_));
  return id;
}

Result<UploadInfo> MultipartStore::Get(std::string_view upload_id, std::string_view bucket,
                                       std::string_view key) const {
  auto missing = [&] {
    return Status::NotFound("upload '" + std::string(upload_id) +
                            "' does not exist (it may have been completed or "
                            "aborted)");
  };
  if (!IsUploadId(upload_id)) return missing();
  std::ifstream in(UploadPath(upload_id) + "/target", std::ios::binary);
  if (!in) return missing();
  UploadInfo info;
  info.upload_id = std::string(upload_id);
  std::getline(in, info.bucket);
  std::getline(in, info.key);
  std::getline(in, info.content_type);
  if (info.bucket != bucket || info.key != key) return missing();
  return info;
}

struct PartWriter::Md5 {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Md5() { EVP_MD_CTX_free(ctx); }
};

PartWriter::PartWriter(std::string folder, std::string name, std::string temp_path, int fd)
    : folder_(std::move(folder)),
      name_(std::move(name)),
      temp_path_(std::move(temp_path)),
      fd_(fd),
      md5_(std::make_unique<Md5>()) {
  EVP_DigestInit_ex(md5_->ctx, EVP_md5(), nullptr);
}

PartWriter::~PartWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) ::unlink(temp_path_.c_str());
}

Status PartWriter::Append(std::string_view bytes) {
  EVP_DigestUpdate(md5_->ctx, bytes.data(), bytes.size());
  return WriteAll(fd_, bytes, temp_path_);
}

Result<std::string> PartWriter::Commit() {
  Status s = SyncFd(fd_, temp_path_);
  ::close(fd_);
  fd_ = -1;
  FRESHET_RETURN_IF_ERROR(s);
  if (::rename(temp_path_.c_str(), (folder_ + "/" + name_).c_str()) != 0)
    return ErrnoStatus("rename", temp_path_, errno);
  done_ = true;
  FRESHET_RETURN_IF_ERROR(SyncDir(folder_));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md5_->ctx, digest, &len);
  return HexDigest(digest, len);
}

Result<std::unique_ptr<PartWriter>> MultipartStore::NewPartWriter(std::string_view upload_id, std::string_view bucket,
                                                                  std::string_view key, int number) {
  if (number < 1 || number > kMaxParts) {
    return Status::InvalidArgument("part number " + std::to_string(number) + " is not from 1 to 10000");
  }
  FRESHET_ASSIGN_OR_RETURN(UploadInfo info, Get(upload_id, bucket, key));
  static std::atomic<uint64_t> counter{0};
  const std::string folder = UploadPath(upload_id), name = "part-" + std::to_string(number);
  const std::string temp = folder + "/.tmp-" + name + "-" + std::to_string(counter.fetch_add(1));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", temp, errno);
  return std::unique_ptr<PartWriter>(new PartWriter(folder, name, temp, fd));
}

Result<std::string> MultipartStore::PutPart(std::string_view upload_id, std::string_view bucket, std::string_view key,
                                            int number, std::string_view bytes) {
  FRESHET_ASSIGN_OR_RETURN(std::unique_ptr<PartWriter> writer, NewPartWriter(upload_id, bucket, key, number));
  FRESHET_RETURN_IF_ERROR(writer->Append(bytes));
  return writer->Commit();
}

Result<ObjectInfo> MultipartStore::Complete(std::string_view upload_id, std::string_view bucket, std::string_view key,
                                            const std::vector<PartRef>& parts) {
  FRESHET_ASSIGN_OR_RETURN(UploadInfo info, Get(upload_id, bucket, key));
  if (parts.empty()) return Status::InvalidArgument("the upload names no parts");
  std::string md5s;
  std::vector<std::string> paths;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].number <= parts[i - 1].number) {
      return Status::InvalidArgument("parts are not in ascending order of part number");
    }
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const PartRef& p = parts[i];
    const std::string path = UploadPath(upload_id) + "/part-" + std::to_string(p.number);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::InvalidArgument("part " + std::to_string(p.number) + " was not uploaded");
    struct stat st;
    ::fstat(fd, &st);
    auto md5 = Md5OfFile(fd, path);
    ::close(fd);
    if (!md5.ok()) return md5.status();
    if (Unquote(p.etag) != *md5) {
      return Status::InvalidArgument("part " + std::to_string(p.number) + " has ETag " + *md5 + ", not " +
                                     Unquote(p.etag));
    }
    if (i + 1 < parts.size() && static_cast<uint64_t>(st.st_size) < kMinPartBytes) {
      return Status::LimitExceeded("part " + std::to_string(p.number) + " is " + std::to_string(st.st_size) +
                                   " bytes; every part but the last must be at least 5 MiB");
    }
    for (size_t j = 0; j < md5->size(); j += 2)
      md5s.push_back(static_cast<char>(std::stoi(md5->substr(j, 2), nullptr, 16)));
    paths.push_back(path);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(md5s.data(), md5s.size(), digest, &len, EVP_md5(), nullptr);
  PutOptions options{info.content_type, HexDigest(digest, len) + "-" + std::to_string(parts.size())};
  FRESHET_ASSIGN_OR_RETURN(auto writer, buckets_->NewObjectWriter(bucket, key, options));
  for (const auto& path : paths) FRESHET_RETURN_IF_ERROR(writer->AppendFile(path));
  FRESHET_ASSIGN_OR_RETURN(ObjectInfo object, writer->Commit());
  std::error_code ec;
  std::filesystem::remove_all(UploadPath(upload_id), ec);  // a leftover is only disk space
  return object;
}

Status MultipartStore::Abort(std::string_view upload_id, std::string_view bucket, std::string_view key) {
  FRESHET_ASSIGN_OR_RETURN(UploadInfo info, Get(upload_id, bucket, key));
  std::error_code ec;
  std::filesystem::remove_all(UploadPath(upload_id), ec);
  if (ec) return Status::IOError("remove upload '" + UploadPath(upload_id) + "': " + ec.message());
  return SyncDir(root_);
}

}  // namespace freshet::storage
