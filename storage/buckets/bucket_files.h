// File-system helpers of the bucket store (internal to storage/buckets): errno to Status, fsync of
// files and directories, extended attributes holding an object's metadata, MD5.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::storage::buckets_internal {

inline constexpr const char* kEtagAttr = "user.freshet.etag";
inline constexpr const char* kContentTypeAttr = "user.freshet.content_type";

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
