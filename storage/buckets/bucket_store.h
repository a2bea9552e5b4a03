// BucketStore: S3-style buckets of objects kept as plain files, `<root>/<bucket>/<key>`, so a user
// can `ls` and open what was delivered. No RocksDB: the file system is the store.
//
// Layout: a key maps to a path segment by segment ("2026/11/29/part-1" is the file 29/part-1 under
// 2026/11/), so objects are plain files a user can open. Two cases need reserved entry names (all
// beginning ".freshet-", which no key segment may; bucket_files.h):
// - an object whose path is also a folder of other keys ("a" beside "a/b") is the folder's entry
//   `.freshet-object` (a/.freshet-object). The move happens when the second key arrives (either
//   order), atomically (renameat2 RENAME_EXCHANGE), and back to a plain file `a` when the folder's
//   other keys are gone;
// - the segments "", "." and ".." ("dir/" folder markers, "a//b", "/a", "a/../b") are the entries
//   .freshet-empty, .freshet-dot and .freshet-dotdot, so no key leaves its bucket's folder.
// ValidateKey refuses only what cannot be stored: an empty key, over 1024 bytes, NUL, invalid
// UTF-8, a segment over 255 bytes (the file-name limit), a segment beginning ".freshet-".
//
// Durability: PutObject (and ObjectWriter::Commit) returns only once the object is durable: its
// bytes go to a temp file in the bucket's directory (`.freshet-tmp-<pid>-<n>`), which is fsynced,
// then every directory the key needs is created (each new one fsynced, and its parent), the temp is
// renamed over the key, and the key's directory is fsynced. A crash leaves either the old object or
// the new one, never a part; temp files of dead processes are removed when a store opens, and
// are never listed. Deletes unlink and fsync the directory, then remove folders left empty.
//
// Metadata: the ETag (MD5 hex, or what the writer gives, e.g. a multipart ETag) and the Content-Type
// are extended attributes of the file (user.freshet.etag, user.freshet.content_type), set on the
// temp file before the rename; a file put there by hand has its MD5 computed when asked.
//
// Thread-safety: every method may be called concurrently from any thread. Several BucketStores on
// one root in one process are safe: they share one lock, and each removes only temps of processes
// that no longer run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace freshet::storage {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  uint64_t modified_ms = 0;
  std::string etag;          // without quotes: "9e107d9d372bb6826bd81d3542a419d6" or "<md5>-<parts>"
  std::string content_type;  // as stored at put time; "" when none was given
};

struct ObjectList {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // When truncated: the last key or common prefix returned; pass it as start_after_or_token.
  std::string next_token;
};

// What a put may carry besides the bytes.
struct PutOptions {
  std::string content_type;
  std::string etag;  // "" = the MD5 of the bytes
};

// An inclusive byte range as HTTP's Range states it: first..last, first.. (last absent), or the
// last `suffix` bytes.
struct ByteRange {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
  std::optional<uint64_t> suffix;
};

// An object's file held open, to read a range of it piece by piece (a large GetObject body as it
// is sent). The bytes read are those of the object as it was opened, even if it is replaced or
// deleted meanwhile (the open file keeps them). Closes the file when destroyed.
// Thread-safety: Read may be called from any one thread at a time.
class ObjectFileReader {
 public:
  ObjectFileReader(int fd, std::string path, uint64_t first, uint64_t length)
      : fd_(fd), path_(std::move(path)), first_(first), length_(length) {}
  ~ObjectFileReader();
  ObjectFileReader(const ObjectFileReader&) = delete;
  ObjectFileReader& operator=(const ObjectFileReader&) = delete;

  uint64_t length() const { return length_; }
  // Sets *out to up to `max` bytes at `offset` from the range's start (fewer only at its end, or
  // where the file was truncated underneath: then possibly none). IOError naming the file.
  Status Read(uint64_t offset, size_t max, std::string* out) const;

 private:
  const int fd_;
  const std::string path_;
  const uint64_t first_, length_;
};

// An object's bytes (the whole object or the satisfied range) with its metadata.
struct ObjectData {
  ObjectInfo info;
  std::string bytes;
  uint64_t first = 0;  // offset of bytes[0] in the object
  // Set, with `bytes` left empty, when the range is longer than ReadObject's max_in_memory.
  std::shared_ptr<ObjectFileReader> reader;
};

class BucketStore;

// Writes one object in pieces (large uploads, concatenated multipart parts). Nothing is visible
// until Commit; destroying an uncommitted writer removes its temp file.
// Thread-safety: one thread at a time per writer; the store must outlive it.
class ObjectWriter {
 public:
  ~ObjectWriter();
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  Status Append(std::string_view bytes);
  // Appends the whole content of the file at `path`.
  Status AppendFile(const std::string& path);
  // Makes the object durable and visible under its key (see the header comment), returns what
  // HeadObject would. REQUIRES: called at most once.
  Result<ObjectInfo> Commit();

 private:
  friend class BucketStore;
  struct Md5;
  ObjectWriter(const BucketStore* store, std::string bucket, std::string key, PutOptions options, int fd,
               std::string temp_path);
  const BucketStore* store_;
  std::string bucket_, key_;
  PutOptions options_;
  int fd_;
  std::string temp_path_;
  uint64_t size_ = 0;
  std::unique_ptr<Md5> md5_;
  bool done_ = false;
};

class BucketStore {
 public:
  // `root` is `<data dir>/buckets`; created on first CreateBucket. Removes temp files left by
  // processes that no longer run.
  explicit BucketStore(std::string root);
  ~BucketStore();

  const std::string& root() const { return root_; }

  // AlreadyExists when it exists; InvalidArgument for a bad name.
  Status CreateBucket(std::string_view bucket);
  // FailedPrecondition when it holds objects; NotFound when absent.
  Status DeleteBucket(std::string_view bucket);
  // Buckets by name, with the creation time in ms.
  Result<std::vector<std::pair<std::string, uint64_t>>> ListBuckets() const;
  // OK when the bucket exists, NotFound when not.
  Status HeadBucket(std::string_view bucket) const;

  // Replaces or creates the object; durable before it returns. NotFound when the bucket is absent;
  // InvalidArgument for a bad key.
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view bytes);
  Result<ObjectInfo> PutObject(std::string_view bucket, std::string_view key, std::string_view bytes,
                               const PutOptions& options);
  // A writer for an object too large to hold at once. Errors as PutObject's (checked up front).
  Result<std::unique_ptr<ObjectWriter>> NewObjectWriter(std::string_view bucket, std::string_view key,
                                                        PutOptions options = {});

  // The object's bytes, or the inclusive range [first, last] of them (last clamped to the size).
  // NotFound for a missing bucket or key; InvalidArgument when first >= size.
  Result<std::string> GetObject(std::string_view bucket, std::string_view key,
                                std::optional<std::pair<uint64_t, uint64_t>> range = {}) const;
  // Bytes and metadata from one open of the file. A range that cannot be satisfied (starts at or
  // past the end, or a zero suffix) is OutOfRange-like: InvalidArgument with "not satisfiable".
  // A range longer than `max_in_memory` bytes is not read: ObjectData::reader holds the file open
  // to read it from.
  Result<ObjectData> ReadObject(std::string_view bucket, std::string_view key, std::optional<ByteRange> range = {},
                                uint64_t max_in_memory = UINT64_MAX) const;
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) const;
  // OK also when the key does not exist (S3's DeleteObject); NotFound only for a missing bucket.
  Status DeleteObject(std::string_view bucket, std::string_view key);

  // Keys in byte order that start with `prefix` and sort after `start_after_or_token`, at most
  // `max_keys` entries (objects plus common prefixes). With a delimiter, keys holding it after the
  // prefix are rolled up into common prefixes (prefix + ... + delimiter), each listed once.
  Result<ObjectList> ListObjects(std::string_view bucket, std::string_view prefix, std::string_view delimiter,
                                 std::string_view start_after_or_token, size_t max_keys) const;

  static Status ValidateBucketName(std::string_view bucket);
  static Status ValidateKey(std::string_view key);

  // For tests: sees each durability step ("fsync-file", "mkdir", "rename", "fsync-dir", "unlink",
  // "promote", "demote")
  // with its path, in order. Set before concurrent use.
  using SyncObserver = std::function<void(std::string_view step, const std::string& path)>;
  void SetSyncObserver(SyncObserver observer) { observer_ = std::move(observer); }

 private:
  friend class ObjectWriter;
  std::string BucketPath(std::string_view bucket) const;
  Status CheckBucket(std::string_view bucket) const;
  void RemoveStaleTemps() const;
  // Creates the key's missing folders, renames the temp over the key, fsyncs what changed.
  Status Publish(const std::string& bucket, const std::string& key, const std::string& temp_path) const;
  // Publish's work under the lock the caller holds. Without `exclusive`, sets *need_exclusive and
  // returns OK instead of moving an object into a folder (Promote), or when a concurrent put made
  // the key's path a folder.
  Status PublishLocked(const std::string& bucket, const std::string& key, const std::string& temp_path, bool exclusive,
                       bool* need_exclusive) const;
  // A new temp name in the bucket's folder.
  std::string TempPath(std::string_view bucket) const;
  // The object file at `path` becomes `path`/.freshet-object (Promote), or the folder `path` holding
  // only its .freshet-object becomes that file (Demote). REQUIRES: the exclusive lock.
  Status Promote(std::string_view bucket, const std::string& path) const;
  Status Demote(std::string_view bucket, const std::string& dir) const;
  // After an object in `dir` was removed: removes the folders left empty, innermost first, and
  // demotes a folder left holding only an object entry. REQUIRES: the exclusive lock.
  void CleanUpFolders(std::string_view bucket, std::string dir) const;
  void Observe(std::string_view step, const std::string& path) const {
    if (observer_) observer_(step, path);
  }

  const std::string root_;
  // Shared: object puts and deletes. Exclusive: bucket create/delete, and removing emptied folders
  // (so a put never renames into a folder being removed). Process-wide, so stores opened on one
  // root by different components (S3, deliveries) coordinate too.
  static std::shared_mutex& Mutex();
  SyncObserver observer_;
};

// Paths and names (bucket_names.cc).
inline constexpr std::string_view kReservedPrefix = ".freshet-";
inline constexpr std::string_view kTempPrefix = ".freshet-tmp-";

}  // namespace freshet::storage
