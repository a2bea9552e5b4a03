// See aws_ini.h.
#include "tools/http/aws_ini.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace freshet::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<IniSections> ParseIni(std::string_view text, const std::string& name) {
  IniSections sections;
  std::string section;
  bool have_section = false;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    line_number++;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (std::isspace(static_cast<unsigned char>(raw[0]))) continue;  // a nested sub-section line
    std::string where = name + ":" + std::to_string(line_number);
    if (line.front() == '[') {
      if (line.back() != ']') return Status::InvalidArgument(where + ": unterminated section header");
      section = std::string(Trim(line.substr(1, line.size() - 2)));
      have_section = true;
      sections[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Status::InvalidArgument(where + ": expected 'key = value'");
    if (!have_section) return Status::InvalidArgument(where + ": 'key = value' before any [section]");
    std::string key(Trim(line.substr(0, eq)));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key.empty()) return Status::InvalidArgument(where + ": empty key");
    sections[section][key] = std::string(Trim(line.substr(eq + 1)));
  }
  return sections;
}

Result<IniSections> ReadIniFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("error reading " + path);
  return ParseIni(text.str(), path);
}

}  // namespace freshet::http
