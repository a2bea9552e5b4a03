// Helpers for the tests of tools/lambda: a data directory with a Db, and function code as a zip.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "storage/db.h"
#include "tests/test_util.h"
#include "tools/lambda/zip_archive.h"

namespace freshet::lambda::test {

// A zip of `files` (name -> content), built through a directory.
inline std::string ZipOf(const std::map<std::string, std::string>& files, bool executable = false) {
  freshet::test::TempDir dir;
  for (const auto& [name, content] : files) {
    std::filesystem::path p = std::filesystem::path(dir.path()) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    if (executable)
      std::filesystem::permissions(p, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
  }
  auto zip = ZipDirectory(dir.path());
  EXPECT_TRUE(zip.ok()) << zip.status().ToString();
  return zip.ok() ? zip.value() : std::string();
}

inline std::unique_ptr<storage::Db> OpenDb(const std::string& dir) {
  auto db = storage::Db::Open(dir + "/db", storage::OpenOptions{});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

}  // namespace freshet::lambda::test
