// The fixed-width GHCN-Daily .dly layout (ID 1-11, YEAR 12-15, MONTH 16-17, ELEMENT 18-21, then 31 x
// VALUE(5) MFLAG QFLAG SFLAG), raw units, -9999 missing.
#include <gtest/gtest.h>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

// February 2016 (a leap year: 29 days) TMAX and January 2016 PRCP at BWI, 269 columns each.
const char kDly[] =
    "USW00093721201602TMAX   56  W   39  W  -21  W  -16  W    0  W   33  W   94  W  128  W  100  W   61  W   44  W"
    "   17  W   -5  W   28  W   67  W  111  W  150  W   83  W   22  W  -10  W    6  W   39  W   50  W   72  W   89  W"
    "  117  W  156  W  139  W   78  W-9999   -9999   \n"
    "USW00093721201601PRCP    0T W  361  W-9999       0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W"
    "    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W"
    "    0  W    0  W    0  W    0  W    0  W   25  W\n"
    "USW00093721201613PRCP    0T W  361  W-9999       0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W"
    "    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W    0  W"
    "    0  W    0  W    0  W    0  W    0  W   25  W\n"
    "USW00093721201601SNOW    0  W\n";

TEST(DlyTest, FixedWidthMonthsBecomeDays) {
  freshet::test::TempDir dir;
  test::Ingested got = test::IngestText(dir.path(), "USW00093721.dly", kDly);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.format, Format::kDly);
  EXPECT_EQ(got.stats.skipped_lines, 2u);
  ASSERT_EQ(got.json.size(), 29u + 30u);
  EXPECT_EQ(got.json[0].dump(), R"({"date":"2016-02-01","element":"TMAX","sflag":"W","source":"dly",)"
                                R"("station":"USW00093721","value":"5.6"})");
  EXPECT_EQ(got.json[2]["value"], "-2.1");
  EXPECT_EQ(got.json[4]["value"], "0");
  EXPECT_EQ(got.json[12]["value"], "-0.5");
  EXPECT_EQ(got.json[28]["date"], "2016-02-29");
  EXPECT_EQ(got.json[28]["value"], "7.8");
  EXPECT_EQ(got.json[29]["date"], "2016-01-01");
  EXPECT_EQ(got.json[29]["mflag"], "T");
  EXPECT_EQ(got.json[30]["value"], "36.1");
  EXPECT_EQ(got.json[31]["date"], "2016-01-04");  // day 3 is -9999
  EXPECT_EQ(got.json[58]["date"], "2016-01-31");
  EXPECT_EQ(got.json[58]["value"], "2.5");
  std::string p = dir.path() + "/USW00093721.dly";
  EXPECT_EQ(got.errors,
            p + ":3: bad YEAR or MONTH '201613'\n" + p + ":4: a .dly line is 269 characters, this one is 29\n");
}

TEST(DlyTest, ValueOnADayPastTheMonthIsMalformed) {
  freshet::test::TempDir dir;
  std::string line(kDly, 269);            // the February line
  line.replace(21 + 8 * 29, 5, "   11");  // day 30
  test::Ingested got = test::IngestText(dir.path(), "x.dly", line + "\n", Format::kDly);
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.json.size(), 0u);
  EXPECT_EQ(got.errors, dir.path() + "/x.dly:1: a value for day 30 of a 29-day month\n");
}

}  // namespace
}  // namespace freshet::ingest
