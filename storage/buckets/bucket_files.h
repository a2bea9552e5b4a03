// File-system helpers of the bucket store (internal to storage/buckets): errno to Status, fsync of
// files and directories, extended attributes holding an object's metadata, MD5, and how a key maps
// to a path (the reserved entry names below).
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

struct stat;

namespace freshet::storage::buckets_internal {

inline constexpr const char* kEtagAttr = "user.freshet.etag";
inline constexpr const char* kContentTypeAttr = "user.freshet.content_type";

// Reserved entry names. Every one begins ".freshet-", which no key segment may, so none is ever a
// key's own name:
// - kObjectEntry: the object whose path is also a folder of other keys ("a" beside "a/b" is
//   a/.freshet-object);
// - kEmptySegment, kDotSegment, kDotDotSegment: the key segments "", "." and "..", which are not
//   file names ("dir/" is dir/.freshet-empty, "a//b" is a/.freshet-empty/b, "a/../b" is
//   a/.freshet-dotdot/b).
inline constexpr std::string_view kObjectEntry = ".freshet-object";
inline constexpr std::string_view kEmptySegment = ".freshet-empty";
inline constexpr std::string_view kDotSegment = ".freshet-dot";
inline constexpr std::string_view kDotDotSegment = ".freshet-dotdot";

// The path of a key under its bucket's folder: its segments, with "", "." and ".." replaced as
// above. REQUIRES: BucketStore::ValidateKey(key) is OK.
std::string KeyPath(std::string_view key);
// The key segment a folder entry stands for, or nullopt when the entry is no key's segment (a temp,
// kObjectEntry, another reserved name).
std::optional<std::string> SegmentOfEntry(std::string_view name);
// Opens the object stored at `path`: the file there, or when `path` is a folder, its kObjectEntry.
// Returns the fd (O_RDONLY) with `*st` filled and `*opened` the file's path, or -errno: -ENOENT
// when there is no object (nothing there, a folder without an object entry, or a file where a
// folder was needed).
int OpenObject(const std::string& path, std::string* opened, struct stat* st);

// "<what> '<path>': <strerror(err)>" as an IOError (NotFound for ENOENT).
Status ErrnoStatus(std::string_view what, const std::string& path, int err);
// Writes all of `bytes` to fd (retrying short writes and EINTR).
Status WriteAll(int fd, std::string_view bytes, const std::string& path);
// fsync of an open file, or of a directory opened by path.
Status SyncFd(int fd, const std::string& path);
Status SyncDir(const std::string& path);
// The attribute's value, or nullopt when absent or unsupported.
std::optional<std::string> GetAttr(int fd, const char* name);
// Sets an attribute; a file system without user attributes is not an error (the metadata is then
// recomputed or defaulted when read).
void SetAttr(int fd, const char* name, std::string_view value);
// Hex MD5 of the file's whole content, read from fd.
Result<std::string> Md5OfFile(int fd, const std::string& path);
std::string HexDigest(const unsigned char* digest, size_t n);
// ms since the epoch of a timespec.
uint64_t ToMs(int64_t sec, int64_t nsec);

}  // namespace freshet::storage::buckets_internal
