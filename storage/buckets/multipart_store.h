// MultipartStore: S3 multipart uploads in progress, kept beside the buckets as files
// (`<root>/.freshet-uploads/<upload id>/`: a `target` file naming bucket, key and content type, and
// one file per part, `part-<n>`), and their completion into one object of a BucketStore.
//
// A part is durable when PutPart returns (temp, fsync, rename, fsync of the upload's folder).
// Complete concatenates the named parts, in order, into the object through an ObjectWriter (so the
// object appears whole or not at all, with the multipart ETag: MD5 of the parts' binary MD5s, "-N"),
// then removes the upload. The uploads folder's name is not a valid bucket name, so it never lists
// as a bucket.
//
// Errors: NotFound when the upload does not exist (or is for another bucket/key: S3's NoSuchUpload);
// InvalidArgument for a part that was not uploaded or whose ETag differs (InvalidPart), parts not in
// ascending order (InvalidPartOrder), a part number outside 1..10000; LimitExceeded for a part other
// than the last smaller than 5 MiB (EntityTooSmall).
//
// Thread-safety: all methods may be called concurrently; a part uploaded twice at once ends as
// one of the two.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/buckets/bucket_store.h"

namespace freshet::storage {

struct PartRef {
  int number = 0;
  std::string etag;  // quotes allowed, as clients send them
};

struct UploadInfo {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::string content_type;
};

// Writes one part in pieces (an UploadPart body as it arrives), computing its MD5 as it goes.
// Nothing is visible until Commit; destroying an uncommitted writer removes its temp file.
// Thread-safety: one thread at a time per writer.
class PartWriter {
 public:
  ~PartWriter();
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  Status Append(std::string_view bytes);
  // Makes the part durable under its number, replacing an earlier one (fsync, rename, fsync of the
  // upload's folder), and returns its ETag (MD5 hex, no quotes). REQUIRES: called at most once.
  Result<std::string> Commit();

 private:
  friend class MultipartStore;
  struct Md5;
  PartWriter(std::string folder, std::string name, std::string temp_path, int fd);
  const std::string folder_, name_, temp_path_;
  int fd_;
  std::unique_ptr<Md5> md5_;
  bool done_ = false;
};

class MultipartStore {
 public:
  static constexpr uint64_t kMinPartBytes = 5ull << 20;
  static constexpr int kMaxParts = 10000;

  // `buckets` is not owned and must outlive this.
  explicit MultipartStore(BucketStore* buckets);

  // A new upload id (32 hex digits) for the key. NotFound when the bucket does not exist.
  Result<std::string> Create(std::string_view bucket, std::string_view key, std::string_view content_type);
  // Stores part `number` (replacing an earlier one) and returns its ETag (MD5 hex, no quotes).
  Result<std::string> PutPart(std::string_view upload_id, std::string_view bucket, std::string_view key, int number,
                              std::string_view bytes);
  // A writer for part `number`, for a body too large to hold at once. Errors as PutPart's (checked
  // up front).
  Result<std::unique_ptr<PartWriter>> NewPartWriter(std::string_view upload_id, std::string_view bucket,
                                                    std::string_view key, int number);
  // Makes the object from `parts`. Returns what HeadObject would.
  Result<ObjectInfo> Complete(std::string_view upload_id, std::string_view bucket, std::string_view key,
                              const std::vector<PartRef>& parts);
  // Removes the upload and its parts.
  Status Abort(std::string_view upload_id, std::string_view bucket, std::string_view key);
  // The upload's target, checking it is for this bucket and key.
  Result<UploadInfo> Get(std::string_view upload_id, std::string_view bucket, std::string_view key) const;

 private:
  std::string UploadPath(std::string_view upload_id) const;
  BucketStore* const buckets_;
  const std::string root_;  // <buckets root>/.freshet-uploads
};

}  // namespace freshet::storage
