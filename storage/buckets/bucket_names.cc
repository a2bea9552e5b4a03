// Bucket-name and key rules of the bucket store (bucket_store.h): S3's bucket naming rules, and the
// few keys the store cannot hold.
#include <cctype>

#include "storage/buckets/bucket_store.h"
#include "storage/text.h"

namespace freshet::storage {

Status BucketStore::ValidateBucketName(std::string_view bucket) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bucket name '" + std::string(bucket) + "' " + std::string(why));
  };
  if (bucket.size() < 3 || bucket.size() > 63) return bad("must be 3 to 63 characters long");
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-')) {
      return bad("may hold only lowercase letters, digits, '.' and '-'");
    }
  }
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return bad("must begin and end with a letter or digit");
  if (bucket.find("..") != std::string_view::npos) return bad("must not hold two adjacent periods");
  bool ip_like = true;
  int dots = 0;
  for (char c : bucket) {
    if (c == '.')
      ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c)))
      ip_like = false;
  }
  if (ip_like && dots == 3) return bad("must not be formatted as an IP address");
  return Status::OK();
}

Status BucketStore::ValidateKey(std::string_view key) {
  auto bad = [&](std::string_view why) {
    std::string shown(key.substr(0, 200));
    for (char& c : shown) {
      if (c == '\0') c = '?';
    }
    return Status::InvalidArgument("object key '" + shown + "' " + std::string(why));
  };
  if (key.empty()) return Status::InvalidArgument("object key is empty");
  if (key.size() > 1024)
    return Status::InvalidArgument("object key is " + std::to_string(key.size()) +
                                   " bytes long; keys are at most 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return bad("holds a NUL byte");
  if (!text::IsValidUtf8(key)) return bad("is not valid UTF-8");
  // Every segment is stored as a file name (bucket_files.h maps "", "." and ".."), so only what no
  // file name can be, and the store's own reserved names, are refused.
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.size() > 255) return bad("has a path segment over 255 bytes (a file name's limit)");
    if (segment.substr(0, kReservedPrefix.size()) == kReservedPrefix) {
      return bad("has a segment beginning with '.freshet-', which the store reserves for its own entries");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::OK();
}

}  // namespace freshet::storage
