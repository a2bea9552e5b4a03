// Zip archives of function code, through libzip: unpacked durably into a function's code
// directory, and built from a directory for `freshet function create --code DIR`.
//
// Unpacking is all or nothing: entries go to a temporary sibling directory, every file and
// directory is fsynced, then the directory is renamed into place and its parent fsynced (so after
// a crash the code directory is either whole or absent). Entries are refused when their names are
// absolute or climb out with "..". Unix permission bits stored in the archive are kept (a
// `provided` runtime's bootstrap stays executable).
//
// Thread-safety: pure functions on their arguments; two unpacks into one target race only on the
// final rename, and the loser's copy is dropped.
#pragma once

#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::lambda {

// Unpacks the zip in `zip_bytes` into `target_dir` (which must not exist; its parent must).
// Returns the total uncompressed size. Errors: InvalidArgument for a damaged archive or a refused
// entry name (naming it); IOError naming the path for file-system failures. Does nothing and
// returns OK if `target_dir` already exists (the same code unpacked before).
Result<uint64_t> UnpackZip(std::string_view zip_bytes, const std::string& target_dir);

// A zip archive of every regular file under `dir` (names relative to it, permissions kept).
// Errors: IOError naming the path; InvalidArgument if `dir` is not a directory.
Result<std::string> ZipDirectory(const std::string& dir);

// Writes `bytes` to `path` durably (temporary file, fsync, rename, fsync of the directory).
Status WriteFileDurably(const std::string& path, std::string_view bytes);

// Creates `dir` and its missing parents. Errors: IOError naming the path.
Status MakeDirs(const std::string& dir);

}  // namespace freshet::lambda
