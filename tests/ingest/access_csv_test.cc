// The NCEI "access" per-station CSV: quoted, space-padded values in raw GHCN units, DATE 2nd.
// The rows follow NCEI's layout for BWI airport (USW00093721); see the note in docs/ingest.md on
// where the values come from.
#include <gtest/gtest.h>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

const char kAccessCsv[] =
    R"("STATION","DATE","LATITUDE","LONGITUDE","ELEVATION","NAME","PRCP","PRCP_ATTRIBUTES","SNOW","SNOW_ATTRIBUTES","SNWD","SNWD_ATTRIBUTES","TMAX","TMAX_ATTRIBUTES","TMIN","TMIN_ATTRIBUTES","WT01","WT01_ATTRIBUTES")"
    "\n"
    R"("USW00093721","2016-01-22","39.1733","-76.684","47.5","BALTIMORE WASHINGTON INTERNATIONAL AIRPORT, MD US","  203",",,W,2400","  135",",,W,","   76",",,W,","  -21",",,W","  -71",",,W","    1",",,W")"
    "\n"
    R"("USW00093721","2016-01-23","39.1733","-76.684","47.5","BALTIMORE WASHINGTON INTERNATIONAL AIRPORT, MD US","  361",",,W,2400","  607",",,W,","  660",",,W,","  -16",",,W","  -66",",,W","","")"
    "\n"
    R"("USW00093721","2016-01-24","39.1733","-76.684","47.5","BALTIMORE WASHINGTON INTERNATIONAL AIRPORT, MD US","    0","T,,W,2400","    0",",,W,","  610",",,W,","    0",",,W","  -99",",,W","","")"
    "\n"
    R"("USW00093721","2016-01-25","39.1733")"
    "\n"
    R"("USW00093721","2016-01-26","39.1733)"
    "\n";

TEST(AccessCsvTest, DetectedAndConvertedFromTenths) {
  freshet::test::TempDir dir;
  test::Ingested got = test::IngestText(dir.path(), "USW00093721.csv", kAccessCsv);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.format, Format::kAccessCsv);
  // Lines 5 and 6 are broken rows: reported and skipped, not fatal.
  EXPECT_EQ(got.stats.skipped_lines, 2u);
  ASSERT_EQ(got.json.size(), 6u + 5u + 5u);
  const auto& j = got.json;
  EXPECT_EQ(j[0]["element"], "PRCP");
  EXPECT_EQ(j[0]["value"], "20.3");
  EXPECT_EQ(j[0]["obs_time"], "2400");
  EXPECT_EQ(j[0]["sflag"], "W");
  EXPECT_EQ(j[0]["station_name"], "BALTIMORE WASHINGTON INTERNATIONAL AIRPORT, MD US");
  EXPECT_EQ(j[0]["source"], "access-csv");
  EXPECT_EQ(j[1]["value"], "135");   // SNOW, mm
  EXPECT_EQ(j[2]["value"], "76");    // SNWD, mm
  EXPECT_EQ(j[3]["value"], "-2.1");  // TMAX, tenths of °C
  EXPECT_EQ(j[4]["value"], "-7.1");
  EXPECT_EQ(j[5]["element"], "WT01");
  EXPECT_EQ(j[5]["value"], "1");
  EXPECT_EQ(j[6]["value"], "36.1");
  EXPECT_EQ(j[7]["value"], "607");
  EXPECT_EQ(j[11]["date"], "2016-01-24");
  EXPECT_EQ(j[11]["mflag"], "T");
  EXPECT_EQ(j[11]["value"], "0");
  EXPECT_EQ(j[15]["value"], "-9.9");
  std::string p = dir.path() + "/USW00093721.csv";
  EXPECT_EQ(got.errors,
            p + ":5: expected 18 fields as in the header, got 3\n" + p + ":6: a quoted field is not closed\n");
}

}  // namespace
}  // namespace freshet::ingest
