// Tests of tools/progress.h: the line's format, and that a disabled Progress (stderr not a
// terminal) writes nothing.
#include "tools/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace freshet::cli {
namespace {

TEST(ProgressTest, Format) {
  EXPECT_EQ(Progress::Grouped(0), "0");
  EXPECT_EQ(Progress::Grouped(999), "999");
  EXPECT_EQ(Progress::Grouped(1000), "1,000");
  EXPECT_EQ(Progress::Grouped(123308), "123,308");
  EXPECT_EQ(Progress::Grouped(1234567), "1,234,567");
  // Known total: percentage, rate and ETA from the rate.
  EXPECT_EQ(Progress::Format("ingest", "records", 45000, 123308, 1.0),
            "ingest: 45,000 / 123,308 records (36%), 45,000/s, ETA 2s");
  // Unknown total: records and rate only.
  EXPECT_EQ(Progress::Format("consume weather", "records", 5000, 0, 2.0), "consume weather: 5,000 records, 2,500/s");
  // A fraction known otherwise (bytes of a file read).
  EXPECT_EQ(Progress::Format("a.csv", "records", 1000, 0, 10.0, 0.25), "a.csv: 1,000 records (25%), 100/s, ETA 30s");
  EXPECT_EQ(Progress::Format("a.csv", "records", 1000, 0, 100.0, 0.01), "a.csv: 1,000 records (1%), 10/s, ETA 2h45m");
  // Done: no ETA; at the start: no rate.
  EXPECT_EQ(Progress::Format("x", "records", 10, 10, 5.0), "x: 10 / 10 records (100%), 2/s");
  EXPECT_EQ(Progress::Format("x", "records", 0, 10, 0.0), "x: 0 / 10 records (0%)");
}

TEST(ProgressTest, DisabledWritesNothing) {
  std::ostringstream out;
  {
    Progress p("ingest", "records", 100, &out, false);
    for (int i = 0; i < 100; ++i) p.Add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    p.Add(1);
    p.Finish();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, EnabledRedrawsInPlaceAndEndsTheLine) {
  // Only lower bounds on time are relied on (a draw needs 100 ms since the start or the last draw).
  std::ostringstream out;
  Progress p("ingest", "records", 10, &out, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  p.Set(5);
  const std::string drawn = out.str();
  EXPECT_EQ(drawn.find('\r'), 0u);
  EXPECT_NE(drawn.find("ingest: 5 / 10 records (50%)"), std::string::npos);
  EXPECT_NE(drawn.find("\x1b[K"), std::string::npos);  // clears what a longer previous line left
  EXPECT_EQ(drawn.find('\n'), std::string::npos);
  p.Set(6);
  p.Finish();  // draws the final figures whatever the time, and ends the line
  EXPECT_NE(out.str().find("ingest: 6 / 10 records (60%)"), std::string::npos);
  EXPECT_EQ(out.str().back(), '\n');
  p.Finish();  // idempotent
  EXPECT_EQ(out.str().find('\n'), out.str().size() - 1);
}

}  // namespace
}  // namespace freshet::cli
