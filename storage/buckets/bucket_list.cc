// BucketStore::ListObjects: keys in byte order from a walk of the bucket's folder tree.
//
// A folder's entries are visited sorted by the key segment they stand for (bucket_files.h: the
// reserved names of "", "." and ".." decoded), a subfolder as "segment/", which is exactly the byte
// order of the keys below it; a subfolder's own object (its .freshet-object entry) sorts as
// "segment", before everything inside it. Subtrees that cannot hold a wanted key are not opened: those outside
// the prefix, those wholly before start_after, and those inside a common prefix already returned.
// Cost: the folders on the path to the listed keys, not the whole bucket.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "storage/buckets/bucket_files.h"
#include "storage/buckets/bucket_store.h"

namespace freshet::storage {

using namespace buckets_internal;  // NOLINT: the store's own helpers

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

struct Lister {
  std::string_view prefix;
  std::string_view delimiter;
  std::string after;        // keys <= after are skipped
  std::string skip_prefix;  // keys starting with it are skipped (a common prefix already returned)
  size_t max_keys = 0;
  ObjectList* out = nullptr;
  size_t count = 0;
  bool stop = false;
  Status status;

  // Whether any key below folder key-prefix `d` ("a/b/") may be wanted.
  bool Wanted(const std::string& d) const {
    if (!StartsWith(d, prefix) && !StartsWith(prefix, d)) return false;
    if (!skip_prefix.empty() && StartsWith(d, skip_prefix)) return false;
    if (d < after && !StartsWith(after, d)) return false;
    return true;
  }

  bool Full() {
    if (count < max_keys) return false;
    out->truncated = true;
    stop = true;
    return true;
  }

  // `maybe_absent`: a folder's object entry, which most folders do not have.
  void Object(const std::string& key, const std::string& path, bool maybe_absent) {
    if (!StartsWith(key, prefix) || key <= after) return;
    if (maybe_absent) {
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    }
    if (!skip_prefix.empty() && StartsWith(key, skip_prefix)) return;
    if (!BucketStore::ValidateKey(key).ok()) return;  // a file put there by hand that no request could name
    if (!delimiter.empty()) {
      size_t pos = key.find(delimiter, prefix.size());
      if (pos != std::string::npos) {
        if (Full()) return;
        skip_prefix = key.substr(0, pos + delimiter.size());
        out->common_prefixes.push_back(skip_prefix);
        out->next_token = skip_prefix;
        ++count;
        return;
      }
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // deleted meanwhile
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return;
    }
    if (Full()) {
      ::close(fd);
      return;
    }
    ObjectInfo info{key, static_cast<uint64_t>(st.st_size), ToMs(st.st_mtim.tv_sec, st.st_mtim.tv_nsec), "",
                    GetAttr(fd, kContentTypeAttr).value_or("")};
    if (auto etag = GetAttr(fd, kEtagAttr)) {
      info.etag = *etag;
    } else if (auto md5 = Md5OfFile(fd, path); md5.ok()) {
      info.etag = *md5;
    }
    ::close(fd);
    out->objects.push_back(std::move(info));
    out->next_token = key;
    ++count;
  }

  void Folder(const std::string& path, const std::string& key_prefix) {
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      if (errno != ENOENT && key_prefix.empty()) status = ErrnoStatus("open bucket folder", path, errno);
      return;
    }
    struct Entry {
      std::string sort_key;  // the key segment, + "/" for a folder's contents
      std::string path;
      bool folder;
      bool maybe_absent;
    };
    std::vector<Entry> entries;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == kObjectEntry) continue;
      std::optional<std::string> segment = SegmentOfEntry(name);
      if (!segment) continue;  // temps and other reserved names
      const std::string child = path + "/" + std::string(name);
      bool folder = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
        struct stat st;
        if (::stat(child.c_str(), &st) != 0) continue;
        folder = S_ISDIR(st.st_mode);
      }
      if (folder) {
        entries.push_back({*segment + "/", child, true, false});
        entries.push_back({std::move(*segment), child + "/" + std::string(kObjectEntry), false, true});
      } else {
        entries.push_back({std::move(*segment), child, false, false});
      }
    }
    ::closedir(d);
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.sort_key < b.sort_key; });
    for (const Entry& e : entries) {
      if (stop) return;
      const std::string key = key_prefix + e.sort_key;
      if (e.folder) {
        if (Wanted(key)) Folder(e.path, key);
      } else {
        Object(key, e.path, e.maybe_absent);
      }
    }
  }
};

}  // namespace

Result<ObjectList> BucketStore::ListObjects(std::string_view bucket, std::string_view prefix,
                                            std::string_view delimiter, std::string_view start_after_or_token,
                                            size_t max_keys) const {
  FRESHET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  FRESHET_RETURN_IF_ERROR(CheckBucket(bucket));
  ObjectList list;
  Lister lister;
  lister.prefix = prefix;
  lister.delimiter = delimiter;
  lister.after = std::string(start_after_or_token);
  lister.max_keys = max_keys;
  lister.out = &list;
  // Resuming after a common prefix (a token that is one): the rest of it was rolled up already.
  if (!delimiter.empty() && StartsWith(lister.after, prefix)) {
    size_t pos = lister.after.find(delimiter, prefix.size());
    if (pos != std::string::npos && pos + delimiter.size() == lister.after.size()) lister.skip_prefix = lister.after;
  }
  lister.Folder(BucketPath(bucket), "");
  if (!lister.status.ok()) return lister.status;
  if (!list.truncated) list.next_token.clear();
  return list;
}

}  // namespace freshet::storage
