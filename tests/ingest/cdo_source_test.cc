// The CDO API client against a local stand-in (fake_cdo_server.py) built from the bundled export.
#include "ingest/cdo_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "tests/ingest/fake_cdo_server.h"

namespace freshet::ingest {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string>;

CdoOptions FastOptions(const test::FakeCdoServer& server) {
  CdoOptions options;
  options.endpoint = server.endpoint();
  options.token = "test-token";
  options.location_id = "FIPS:24031";
  options.retry_base_ms = 50;
  options.timeout_ms = 1000;
  return options;
}

TEST(CdoSourceTest, SplitDateRangeIntoLessThanAYear) {
  auto r = SplitDateRange("2012-02-29", "2014-03-01");
  ASSERT_TRUE(r.ok());
  std::vector<std::pair<std::string, std::string>> expected = {
      {"2012-02-29", "2013-02-27"}, {"2013-02-28", "2014-02-27"}, {"2014-02-28", "2014-03-01"}};
  EXPECT_EQ(*r, expected);
  EXPECT_EQ(SplitDateRange("2012-01-01", "2012-12-31")->size(), 1u);
  EXPECT_EQ(SplitDateRange("2012-01-01", "2013-01-01")->size(), 2u);
  EXPECT_FALSE(SplitDateRange("2012-01-02", "2012-01-01").ok());
  EXPECT_FALSE(SplitDateRange("2012-13-01", "2013-01-01").ok());
}

TEST(CdoSourceTest, EveryObservationArrivesOnceThroughFaultsWithinTheRateLimit) {
  test::FakeCdoServer server("faults", /*page_size=*/100);
  ASSERT_TRUE(server.ready());
  CdoOptions options = FastOptions(server);
  options.start_date = "2012-12-20";
  options.end_date = "2013-12-25";  // two chunks
  options.datatypes = {"TMAX", "TMIN"};
  std::ostringstream log;
  options.log = &log;
  StationNameCache cache("");
  test::VectorSink sink;
  Result<CdoStats> r = IngestFromCdo(options, &cache, &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  std::multiset<Key> got;
  for (const auto& j : sink.Json()) {
    got.emplace(j["station"], j["date"], j["element"], j["value"]);
    EXPECT_EQ(j["source"], "cdo-api");
    EXPECT_FALSE(j.value("station_name", "").empty());
  }
  std::multiset<Key> expected;
  for (const auto& row : server.Dump()) {
    std::string date = row[1];
    std::string element = row[2];
    if (date >= "2012-12-20" && date <= "2013-12-25" && (element == "TMAX" || element == "TMIN")) {
      expected.emplace(row[0], date, element, row[3]);
    }
  }
  ASSERT_GT(expected.size(), 1000u);
  EXPECT_EQ(got, expected);  // exactly once each
  EXPECT_EQ(r->records, expected.size());
  for (size_t n : sink.batch_sizes) EXPECT_LE(n, 100u);  // put page by page
  // 429 once, 500 twice, slow page (timeout) once, truncated page once, /stations 503 once.
  EXPECT_EQ(r->retries, 6u) << log.str();
  EXPECT_NE(log.str().find("HTTP 429"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("HTTP 500: Internal Server Error"), std::string::npos) << log.str();

  // Rate limit, measured at the server: no 6 requests within one second.
  std::vector<double> t;
  for (const auto& req : server.Requests()) t.push_back(req["t"]);
  std::sort(t.begin(), t.end());
  ASSERT_GE(t.size(), 20u);
  for (size_t i = 5; i < t.size(); ++i) EXPECT_GE(t[i] - t[i - 5], 1.0) << "requests " << i - 5 << ".." << i;
}

// Requests as the server saw them (arrival times): no 1-second window may hold a 6th. The
// client's own clock is not the measure; the server's is (NOAA counts at its side).
TEST(CdoSourceTest, NoSecondAtTheServerHoldsMoreThanFiveRequests) {
  test::FakeCdoServer server("ok", /*page_size=*/40);
  ASSERT_TRUE(server.ready());
  CdoOptions options = FastOptions(server);
  options.start_date = "2013-01-01";
  options.end_date = "2013-01-31";  // every element: about 35 pages of 40 rows
  StationNameCache cache("");
  test::VectorSink sink;
  Result<CdoStats> r = IngestFromCdo(options, &cache, &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<double> t;
  for (const auto& req : server.Requests()) t.push_back(req["t"]);
  std::sort(t.begin(), t.end());
  ASSERT_GE(t.size(), 31u);
  // Six requests in one second <=> some t[i] - t[i-5] < 1 s.
  for (size_t i = 5; i < t.size(); ++i) {
    EXPECT_GE(t[i] - t[i - 5], 1.0) << "requests " << i - 5 << ".." << i << " arrived within one second";
  }
}

TEST(CdoSourceTest, StationNamesAreCachedBetweenRuns) {
  test::FakeCdoServer server("ok");
  ASSERT_TRUE(server.ready());
  freshet::test::TempDir dir;
  CdoOptions options = FastOptions(server);
  options.start_date = "2016-06-18";
  options.end_date = "2016-06-18";
  for (int run = 0; run < 2; ++run) {
    StationNameCache cache(dir.path() + "/stations.json");
    ASSERT_TRUE(cache.Load().ok());
    test::VectorSink sink;
    ASSERT_TRUE(IngestFromCdo(options, &cache, &sink).ok());
    ASSERT_TRUE(cache.Save().ok());
    EXPECT_EQ(cache.names.at("US1MDMG0109"), "SILVER SPRING 2.1 NNE, MD US");
    bool found_trace = false;
    for (const auto& j : sink.Json()) {
      if (j["station"] == "US1MDMG0109" && j["element"] == "PRCP") {
        EXPECT_EQ(j["mflag"], "T");
        EXPECT_EQ(j["value"], "0");
        EXPECT_EQ(j["station_name"], "SILVER SPRING 2.1 NNE, MD US");
        found_trace = true;
      }
    }
    EXPECT_TRUE(found_trace);
  }
  int station_requests = 0;
  for (const auto& req : server.Requests()) {
    station_requests += req["path"].get<std::string>().rfind("/stations", 0) == 0;
  }
  EXPECT_EQ(station_requests, 1);  // the second run asked nobody
}

TEST(CdoSourceTest, MalformedPagesEndInAnErrorNamingTheRequest) {
  test::FakeCdoServer server("malformed");
  ASSERT_TRUE(server.ready());
  CdoOptions options = FastOptions(server);
  options.station_ids = {"GHCND:USC00181125"};
  options.location_id.clear();
  options.start_date = "2012-01-01";
  options.end_date = "2012-01-31";
  options.max_retries = 2;
  StationNameCache cache("");
  test::VectorSink sink;
  Result<CdoStats> r = IngestFromCdo(options, &cache, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_EQ(r.status().message(),
            "GET " + server.endpoint() +
                "/data?datasetid=GHCND&stationid=GHCND%3AUSC00181125&startdate=2012-01-01&enddate=2012-01-31"
                "&units=metric&limit=1000&offset=1: the response is not JSON: <html><body>Service temporarily "
                "unavailable</body></html> (gave up after 3 attempts)");
}

// A row whose station id is empty after "GHCND:" would be a record with an empty partition key:
// the page ends in an error naming the request and the row, and nothing of that page is put.
TEST(CdoSourceTest, AStationIdThatCannotBeAPartitionKeyIsAnErrorNamingTheRow) {
  test::FakeCdoServer server("bad-station");
  ASSERT_TRUE(server.ready());
  CdoOptions options = FastOptions(server);
  options.station_ids = {"GHCND:USC00181125"};
  options.location_id.clear();
  options.start_date = "2012-01-01";
  options.end_date = "2012-01-31";
  StationNameCache cache("");
  test::VectorSink sink;
  Result<CdoStats> r = IngestFromCdo(options, &cache, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_EQ(r.status().message(),
            "GET " + server.endpoint() +
                "/data?datasetid=GHCND&stationid=GHCND%3AUSC00181125&startdate=2012-01-01&enddate=2012-01-31"
                "&units=metric&limit=1000&offset=1: result 2 (station 'GHCND:'): partition key must be 1 to 256 "
                "characters (got 0)");
  EXPECT_TRUE(sink.records.empty());
}

TEST(CdoSourceTest, BadRequestAndBadTokenReadAsTheApiWroteThem) {
  test::FakeCdoServer server("bad-request");
  ASSERT_TRUE(server.ready());
  CdoOptions options = FastOptions(server);
  options.start_date = "2012-01-01";
  options.end_date = "2012-01-02";
  StationNameCache cache("");
  test::VectorSink sink;
  Result<CdoStats> r = IngestFromCdo(options, &cache, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message().rfind(
                "CDO API: There was an error with the request. The date range must be less than 1 year. (GET " +
                    server.endpoint() + "/data?",
                0),
            0u)
      << r.status().message();
  EXPECT_EQ(server.Requests().size(), 2u);  // /stations, then one /data: a 400 is not retried

  options.token = "wrong";
  r = IngestFromCdo(options, &cache, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message().rfind("NOAA refused the token (HTTP 400): Token parameter is invalid. (get a token", 0), 0u)
      << r.status().message();
  options.token.clear();
  r = IngestFromCdo(options, &cache, &sink);
  EXPECT_NE(r.status().message().find("no NOAA token"), std::string::npos);
}

}  // namespace
}  // namespace freshet::ingest
