// IngestFile: gzip input, batching, format detection, and errors that stop a file.
#include "ingest/file_ingest.h"

#include <gtest/gtest.h>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

std::string ManyGhcnRows(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    char line[64];
    std::snprintf(line, sizeof(line), "USW00093721,%04d0101,PRCP,%d,,,W,2400\n", 1900 + i % 100, i);
    text += line;
  }
  return text;
}

TEST(FileIngestTest, GzipFilesAreReadAsTheyAre) {
  freshet::test::TempDir dir;
  std::string text = ManyGhcnRows(1200);
  test::WriteGzipFile(dir.path() + "/rows.csv.gz", text);
  test::VectorSink sink;
  Result<FileIngestStats> r = IngestFile(dir.path() + "/rows.csv.gz", FileIngestOptions{}, &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, Format::kGhcnCsv);
  EXPECT_EQ(r->records, 1200u);
  EXPECT_EQ(sink.batch_sizes, (std::vector<size_t>{500, 500, 200}));
  EXPECT_EQ(nlohmann::json::parse(sink.records[1199].data)["value"], "119.9");
}

TEST(FileIngestTest, TruncatedGzipIsAnErrorNamingTheFile) {
  freshet::test::TempDir dir;
  std::string path = dir.path() + "/rows.csv.gz";
  test::WriteGzipFile(path, ManyGhcnRows(20000));
  std::string whole;
  {
    std::ifstream in(path, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  test::WriteFile(path, whole.substr(0, whole.size() / 2));
  test::VectorSink sink;
  Result<FileIngestStats> r = IngestFile(path, FileIngestOptions{}, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_NE(r.status().message().find(path + ":"), std::string::npos) << r.status().message();
}

TEST(FileIngestTest, MissingFileIsIOError) {
  test::VectorSink sink;
  Result<FileIngestStats> r = IngestFile("/nonexistent/x.csv", FileIngestOptions{}, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "/nonexistent/x.csv: No such file or directory");
}

class FailingSink : public RecordSink {
 public:
  Status Put(std::vector<PendingRecord>&&) override { return Status::IOError("disk full"); }
};

TEST(FileIngestTest, SinkFailureStopsTheFile) {
  freshet::test::TempDir dir;
  test::WriteFile(dir.path() + "/rows.csv", ManyGhcnRows(10));
  FailingSink sink;
  Result<FileIngestStats> r = IngestFile(dir.path() + "/rows.csv", FileIngestOptions{}, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "disk full");
}

TEST(FileIngestTest, DetectFormatFromTheFirstLine) {
  EXPECT_EQ(DetectFormat(R"("STATION","NAME","LATITUDE","LONGITUDE","ELEVATION","DATE","PRCP")"), Format::kCdoCsv);
  EXPECT_EQ(DetectFormat(R"("STATION","DATE","LATITUDE","LONGITUDE","ELEVATION","NAME","PRCP")"), Format::kAccessCsv);
  EXPECT_EQ(DetectFormat("USW00093721,20160123,PRCP,361,,,W,2400"), Format::kGhcnCsv);
  EXPECT_EQ(DetectFormat("  {\"a\":1}"), Format::kJsonLines);
  EXPECT_EQ(DetectFormat("customer_id,name"), Format::kCsv);
  std::string dly = "USW00093721201601PRCP";
  for (int d = 0; d < 31; ++d) dly += "    0  W";
  EXPECT_EQ(DetectFormat(dly), Format::kDly);
}

TEST(FileIngestTest, FormatNamesRoundTrip) {
  for (const char* name : {"auto", "cdo-csv", "access-csv", "ghcn-csv", "dly", "jsonl", "csv"}) {
    Result<Format> f = ParseFormatName(name);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(FormatName(*f), name);
  }
  EXPECT_FALSE(ParseFormatName("xml").ok());
}

}  // namespace
}  // namespace freshet::ingest
