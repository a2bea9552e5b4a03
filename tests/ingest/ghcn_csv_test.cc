// The GHCN-Daily by_station CSV: ID,YYYYMMDD,ELEMENT,VALUE,M,Q,S,OBSTIME with raw units, no header.
#include <gtest/gtest.h>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

const char kByStation[] =
    "USW00093721,20160123,PRCP,361,,,W,2400\n"
    "USW00093721,20160123,SNOW,607,,,W,\n"
    "USW00093721,20160123,TMAX,-16,,,W,\n"
    "USW00093721,20160123,TMIN,-66,,,W,\n"
    "USW00093721,20160124,PRCP,0,T,,W,2400\n"
    "USW00093721,20160124,TAVG,-9999,,,W,\n"  // missing: no record
    "USW00093721,20160124,TMAX,12,,I,W,\n"    // quality flag kept
    "USW00093721,20160231,TMAX,12,,,W,\n"     // no such day
    "USW00093721,20160125,TMAX,1.2.3,,,W,\n"  // not a number
    "USW00093721,20160125,TMIN\n"             // too few fields
    "USW00093721,20160125,AWND,45,,,W\n";     // 7 fields (no OBSTIME) is accepted

TEST(GhcnCsvTest, ByStationRows) {
  freshet::test::TempDir dir;
  test::Ingested got = test::IngestText(dir.path(), "USW00093721.csv", kByStation);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.format, Format::kGhcnCsv);
  EXPECT_EQ(got.stats.skipped_lines, 3u);
  ASSERT_EQ(got.json.size(), 7u);
  EXPECT_EQ(got.json[0].dump(), R"({"date":"2016-01-23","element":"PRCP","obs_time":"2400","sflag":"W",)"
                                R"("source":"ghcn-csv","station":"USW00093721","value":"36.1"})");
  EXPECT_EQ(got.records[0].partition_key, "USW00093721");
  EXPECT_EQ(got.json[1]["value"], "607");
  EXPECT_EQ(got.json[2]["value"], "-1.6");
  EXPECT_EQ(got.json[3]["value"], "-6.6");
  EXPECT_EQ(got.json[4]["mflag"], "T");
  EXPECT_EQ(got.json[4]["value"], "0");
  EXPECT_EQ(got.json[5]["qflag"], "I");
  EXPECT_EQ(got.json[6]["element"], "AWND");
  EXPECT_EQ(got.json[6]["value"], "45");
  std::string p = dir.path() + "/USW00093721.csv";
  EXPECT_EQ(got.errors, p + ":8: date '20160231' is not YYYYMMDD\n" + p +
                            ":9: TMAX value '1.2.3' is not a decimal number\n" + p +
                            ":10: expected 8 fields ID,YYYYMMDD,ELEMENT,VALUE,M,Q,S,OBSTIME, got 3\n");
}

}  // namespace
}  // namespace freshet::ingest
