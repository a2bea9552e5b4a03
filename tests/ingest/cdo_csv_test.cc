// The CDO web export layout, on the real bundled Montgomery County export (data/noaa/).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

using test::VectorSink;

const nlohmann::json* Find(const std::vector<nlohmann::json>& all, const std::string& station, const std::string& date,
                           const std::string& element) {
  for (const auto& j : all) {
    if (j["station"] == station && j["date"] == date && j["element"] == element) return &j;
  }
  return nullptr;
}

TEST(CdoCsvTest, BundledExportBecomesEveryObservationOnce) {
  VectorSink sink;
  FileIngestOptions options;  // format auto
  Result<FileIngestStats> r = IngestFile(test::BundledExport(), options, &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, Format::kCdoCsv);
  EXPECT_EQ(r->lines, 52913u);
  EXPECT_EQ(r->skipped_lines, 0u);
  EXPECT_EQ(r->records, 123308u);  // non-empty observations, per data/noaa/PROVENANCE.md
  ASSERT_EQ(sink.records.size(), 123308u);
  for (size_t n : sink.batch_sizes) EXPECT_LE(n, kMaxBatchRecords);

  std::map<std::string, int> per_element;
  std::map<std::string, int> trace;
  std::set<std::string> stations;
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const PendingRecord& rec : sink.records) {
    nlohmann::json j = nlohmann::json::parse(rec.data);
    EXPECT_EQ(rec.partition_key, j["station"]);
    ++per_element[j["element"]];
    if (j.value("mflag", "") == "T") ++trace[j["element"]];
    stations.insert(j["station"]);
    keys.emplace(j["station"], j["date"], j["element"]);
    EXPECT_EQ(j["source"], "cdo-csv");
    EXPECT_TRUE(j["value"].is_string());
  }
  EXPECT_EQ(keys.size(), 123308u);
  EXPECT_EQ(stations.size(), 51u);
  std::map<std::string, int> expected = {{"PRCP", 52844}, {"SNOW", 33669}, {"SNWD", 14296}, {"WESD", 5495},
                                         {"TOBS", 4338},  {"TMAX", 4212},  {"TMIN", 4172},  {"WESF", 3818},
                                         {"WT03", 216},   {"WT01", 82},    {"WT04", 50},    {"WT06", 39},
                                         {"DAPR", 28},    {"MDPR", 28},    {"WT11", 12},    {"WT05", 9}};
  EXPECT_EQ(per_element, expected);
  std::map<std::string, int> expected_trace = {{"PRCP", 3542}, {"SNOW", 1173}, {"SNWD", 799},
                                               {"WESF", 231},  {"WESD", 88},   {"MDPR", 1}};
  EXPECT_EQ(trace, expected_trace);
}

TEST(CdoCsvTest, RealRowsConvertToMetric) {
  VectorSink sink;
  ASSERT_TRUE(IngestFile(test::BundledExport(), FileIngestOptions{}, &sink).ok());
  std::vector<nlohmann::json> all = sink.Json();
  // Line 18523: "USC00181125","BRIGHTON DAM, MD US",...,"2012-01-07",,,,,"0.00",",,7,0700","0.0",",,7,",
  //             "0.0",",,7,","62",",,7","28",",,7","30",",,7,",...
  const nlohmann::json* tmax = Find(all, "USC00181125", "2012-01-07", "TMAX");
  ASSERT_NE(tmax, nullptr);
  EXPECT_EQ(tmax->dump(), R"({"date":"2012-01-07","element":"TMAX","sflag":"7","source":"cdo-csv",)"
                          R"("station":"USC00181125","station_name":"BRIGHTON DAM, MD US","value":"16.67"})");
  EXPECT_EQ((*Find(all, "USC00181125", "2012-01-07", "TMIN"))["value"], "-2.22");
  EXPECT_EQ((*Find(all, "USC00181125", "2012-01-07", "TOBS"))["value"], "-1.11");
  const nlohmann::json* prcp = Find(all, "USC00181125", "2012-01-07", "PRCP");
  EXPECT_EQ((*prcp)["value"], "0");
  EXPECT_EQ((*prcp)["obs_time"], "0700");
  // Line 67: "US1MDMG0109",...,"2016-06-18",,,,,"0.00","T,,N": trace precipitation kept with its flag.
  const nlohmann::json* trace = Find(all, "US1MDMG0109", "2016-06-18", "PRCP");
  ASSERT_NE(trace, nullptr);
  EXPECT_EQ((*trace)["value"], "0");
  EXPECT_EQ((*trace)["mflag"], "T");
  EXPECT_EQ((*trace)["sflag"], "N");
  EXPECT_FALSE(trace->contains("qflag"));
  // Line 20643: DAMASCUS 3 SSW 2012-01-23, PRCP "0.07" in, WT01 "    1".
  EXPECT_EQ((*Find(all, "USC00182336", "2012-01-23", "PRCP"))["value"], "1.778");
  EXPECT_EQ((*Find(all, "USC00182336", "2012-01-23", "WT01"))["value"], "1");
  EXPECT_EQ(Find(all, "USC00182336", "2012-01-23", "WESD"), nullptr);  // empty: no record
}

TEST(CdoCsvTest, MalformedLinesAreReportedWithTheirNumbers) {
  freshet::test::TempDir dir;
  std::string text =
      R"("STATION","NAME","LATITUDE","LONGITUDE","ELEVATION","DATE","PRCP","PRCP_ATTRIBUTES","TMAX","TMAX_ATTRIBUTES")"
      "\n"
      R"("US1MDMG0109","SILVER SPRING 2.1 NNE, MD US","39.0399","-77.0041","103.3","2016-04-02","0.02",",,N",,)"
      "\n"
      R"("US1MDMG0109","SILVER SPRING 2.1 NNE, MD US","39.0399","-77.0041","103.3","2016-04-03","0.15",",,N")"
      "\n"
      R"("USC00181125","BRIGHTON DAM, MD US","39.1911","-77.0069","100.6","2012-02-30","0.00",",,7,0700","62",",,7")"
      "\n"
      R"("USC00181125","BRIGHTON DAM, MD US","39.1911","-77.0069","100.6","2012-01-07","0.0x",",,7,0700","62",",,7")"
      "\n"
      R"("USC00181125","BRIGHTON DAM, MD US","39.1911","-77.0069","100.6","2012-01-08","0.00",",,7,0700","51",",,7")"
      "\n";
  test::Ingested got = test::IngestText(dir.path(), "export.csv", text);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.skipped_lines, 3u);
  EXPECT_EQ(got.json.size(), 3u);
  std::string path = dir.path() + "/export.csv";
  EXPECT_EQ(got.errors, path + ":3: expected 10 fields as in the header, got 8\n" + path +
                            ":4: DATE '2012-02-30' is not YYYY-MM-DD\n" + path +
                            ":5: PRCP value '0.0x' is not a decimal number\n");
  EXPECT_EQ(got.json[2]["value"], "10.56");  // 51 °F
}

TEST(CdoCsvTest, HeaderWithoutStationIsFatal) {
  freshet::test::TempDir dir;
  test::Ingested got =
      test::IngestText(dir.path(), "x.csv", "\"DATE\",\"PRCP\"\n\"2012-01-01\",\"1\"\n", Format::kCdoCsv);
  EXPECT_TRUE(got.status.IsInvalidArgument());
  EXPECT_NE(got.status.message().find("x.csv:1: the header has no STATION"), std::string::npos) << got.status.message();
}

}  // namespace
}  // namespace freshet::ingest
