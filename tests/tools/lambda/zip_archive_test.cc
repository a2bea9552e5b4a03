// Tests of tools/lambda/zip_archive: round trip through a directory, refused names, bad archives.
#include "tools/lambda/zip_archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/tools/lambda/lambda_test_util.h"

namespace freshet::lambda {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ZipArchiveTest, RoundTripKeepsFilesAndExecutableBits) {
  std::string zip = test::ZipOf({{"bootstrap", "#!/bin/sh\necho hi\n"}, {"lib/mod.py", "X = 1\n"}}, true);
  freshet::test::TempDir out;
  auto size = UnpackZip(zip, out.path() + "/code");
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(size.value(), std::string("#!/bin/sh\necho hi\n").size() + 6);
  EXPECT_EQ(ReadFile(out.path() + "/code/lib/mod.py"), "X = 1\n");
  struct stat st;
  ASSERT_EQ(::stat((out.path() + "/code/bootstrap").c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR);
  // No temporary directory is left beside the code.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(out.path())) entries += e.path().filename() == "code" ? 0 : 1;
  EXPECT_EQ(entries, 0);
}

TEST(ZipArchiveTest, RefusesDamagedArchive) {
  freshet::test::TempDir out;
  auto r = UnpackZip("this is not a zip", out.path() + "/code");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out.path() + "/code"));
}

TEST(ZipArchiveTest, RefusesEntriesClimbingOut) {
  // Build an archive with a "../evil" entry directly through libzip.
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, nullptr);
  static const char kData[] = "x";
  zip_source_t* file = zip_source_buffer(archive, kData, 1, 0);
  ASSERT_GE(zip_file_add(archive, "../evil", file, 0), 0);
  ASSERT_EQ(zip_close(archive), 0);
  zip_stat_t st;
  ASSERT_EQ(zip_source_stat(out, &st), 0);
  ASSERT_EQ(zip_source_open(out), 0);
  std::string bytes(st.size, '\0');
  ASSERT_EQ(zip_source_read(out, bytes.data(), st.size), static_cast<zip_int64_t>(st.size));
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);

  freshet::test::TempDir dir;
  auto r = UnpackZip(bytes, dir.path() + "/code");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("../evil"), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/evil"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/code"));
}

}  // namespace
}  // namespace freshet::lambda
