// The INI format of ~/.aws/credentials and ~/.aws/config, as the AWS CLI reads it: "[section]"
// headers, "key = value" lines, "#" and ";" comment lines, blank lines. Keys are lower-cased and
// values trimmed; indented lines (the CLI's nested sub-sections, e.g. under "s3 =") continue the
// previous key and are skipped.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::http {

using IniSections = std::map<std::string, std::map<std::string, std::string>>;

// Parses `text`; `name` (a file path) names the source in errors. InvalidArgument names the line
// that is neither a section, a key = value pair, a comment nor a continuation.
Result<IniSections> ParseIni(std::string_view text, const std::string& name);

// Reads and parses a file. IOError when it cannot be read.
Result<IniSections> ReadIniFile(const std::string& path);

}  // namespace freshet::http
