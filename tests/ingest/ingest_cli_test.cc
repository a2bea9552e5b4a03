// `freshet ingest file` end to end through the freshet binary ($FRESHET_BIN).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

using test::CliRun;

CliRun Freshet(const std::string& data_dir, const std::string& args, const std::string& tmp) {
  return test::RunFreshetCli(data_dir, "--no-sync " + args, tmp);
}

TEST(IngestCliTest, FileIntoAStreamAndMalformedLinesExitTwo) {
  freshet::test::TempDir dir;
  std::string data = dir.path() + "/data";
  CliRun missing = Freshet(data, "ingest file --stream weather " + test::BundledExport(), dir.path());
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("stream 'weather' does not exist; create it first"), std::string::npos) << missing.err;

  ASSERT_EQ(Freshet(data, "stream create weather --shards 2", dir.path()).exit_code, 0);
  CliRun ok = Freshet(data, "ingest file --stream weather " + test::BundledExport(), dir.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, test::BundledExport() + ": 123308 records (cdo-csv)\n");
  EXPECT_EQ(ok.err, "");  // no progress line when stderr is not a terminal

  std::string bad = dir.path() + "/rows.csv";
  test::WriteFile(bad,
                  "USW00093721,20160123,PRCP,361,,,W,2400\nUSW00093721,2016012,PRCP,1,,,W,\n"
                  "USW00093721,20160124,PRCP,0,T,,W,2400\n");
  CliRun partial = Freshet(data, "ingest file --stream weather " + bad, dir.path());
  EXPECT_EQ(partial.exit_code, 2);
  EXPECT_EQ(partial.err, bad +
                             ":2: date '2016012' is not YYYYMMDD\n"
                             "freshet: 1 malformed line(s) skipped (listed above); the other 2 records were put to "
                             "'weather'\n");
}

}  // namespace
}  // namespace freshet::ingest
