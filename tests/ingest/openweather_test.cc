// OpenWeather polling (ingest/openweather_source.h) against tests/ingest/fake_openweather_server.py
// on 127.0.0.1: recorded-shape answers, repeated readings, 429 / 5xx / truncated answers, a bad
// key, malformed bodies, an unknown city; and `freshet ingest openweather` -> the openweather
// pipeline -> `freshet sql` end to end.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "ingest/openweather_source.h"
#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

extern char** environ;

namespace freshet::ingest {
namespace {

class FakeOpenWeather {
 public:
  explicit FakeOpenWeather(const std::string& scenario) {
    std::vector<std::string> args = {"python3",     test::SourceDir() + "/tests/ingest/fake_openweather_server.py",
                                     "--port-file", dir_.path() + "/port",
                                     "--log",       dir_.path() + "/log",
                                     "--scenario",  scenario};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 300 && pid_ > 0; ++i) {
      std::ifstream in(dir_.path() + "/port");
      if (in >> port_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~FakeOpenWeather() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return port_ > 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t requests() const {
    std::ifstream in(dir_.path() + "/log");
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

 private:
  freshet::test::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

OpenWeatherOptions Options(const FakeOpenWeather& server) {
  OpenWeatherOptions o;
  o.base_url = server.url();
  o.appid = "good-key";
  o.every_ms = 1;
  o.count = 1;
  o.retry_base_ms = 1;
  o.timeout_ms = 5000;
  return o;
}

OpenWeatherLocation City(const std::string& name) { return {OpenWeatherLocation::Kind::kCity, name, 0, 0, ""}; }
OpenWeatherLocation Id(const std::string& id) { return {OpenWeatherLocation::Kind::kId, "", 0, 0, id}; }

// A London answer as OpenWeather documents it (units=metric).
constexpr const char* kLondon = R"({"coord":{"lon":-0.1257,"lat":51.5085},
  "weather":[{"id":500,"main":"Rain","description":"light rain","icon":"10d"}],"base":"stations",
  "main":{"temp":11.2,"feels_like":10.7,"temp_min":10.1,"temp_max":12.5,"pressure":1016,"humidity":64},
  "visibility":10000,"wind":{"speed":3.6,"deg":250,"gust":7.2},"rain":{"1h":0.42},"clouds":{"all":75},
  "dt":1700000000,"sys":{"type":2,"id":2019646,"country":"GB","sunrise":1699980000,"sunset":1700012000},
  "timezone":0,"id":2643743,"name":"London","cod":200})";

TEST(OpenWeatherRecordTest, EveryDocumentedFieldFromARecordedAnswer) {
  auto r = OpenWeatherRecord(kLondon, "metric");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partition_key, "2643743");
  auto j = nlohmann::json::parse(r->data);
  EXPECT_EQ(j["city_id"], 2643743);
  EXPECT_EQ(j["city"], "London");
  EXPECT_EQ(j["country"], "GB");
  EXPECT_EQ(j["lat"], 51.5085);
  EXPECT_EQ(j["lon"], -0.1257);
  EXPECT_EQ(j["dt"], 1700000000);
  EXPECT_EQ(j["observed_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["units"], "metric");
  EXPECT_EQ(j["temp"], 11.2);
  EXPECT_EQ(j["feels_like"], 10.7);
  EXPECT_EQ(j["temp_min"], 10.1);
  EXPECT_EQ(j["temp_max"], 12.5);
  EXPECT_EQ(j["pressure"], 1016);
  EXPECT_EQ(j["humidity"], 64);
  EXPECT_EQ(j["visibility"], 10000);
  EXPECT_EQ(j["wind_speed"], 3.6);
  EXPECT_EQ(j["wind_deg"], 250);
  EXPECT_EQ(j["wind_gust"], 7.2);
  EXPECT_EQ(j["clouds"], 75);
  EXPECT_EQ(j["rain_1h"], 0.42);
  EXPECT_FALSE(j.contains("snow_1h"));
  EXPECT_EQ(j["weather_id"], 500);
  EXPECT_EQ(j["weather_main"], "Rain");
  EXPECT_EQ(j["weather_description"], "light rain");
  EXPECT_EQ(j["timezone"], 0);
  EXPECT_EQ(j["source"], "openweather");
}

TEST(OpenWeatherRecordTest, AnswersWithoutTheEssentialsAreRefused) {
  EXPECT_EQ(OpenWeatherRecord("<html>", "metric").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(OpenWeatherRecord(R"({"id":1,"main":{"temp":1}})", "metric").status().message(), "the answer has no dt");
  EXPECT_EQ(OpenWeatherRecord(R"({"id":1,"dt":5,"main":{}})", "metric").status().message(),
            "the answer has no main.temp");
  EXPECT_EQ(OpenWeatherRecord(R"({"dt":5,"main":{"temp":1}})", "metric").status().message(),
            "the answer has no city id");
}

TEST(OpenWeatherPollTest, PollsEveryLocationEachRoundAndSkipsReadingsAlreadyPut) {
  FakeOpenWeather server("ok");
  ASSERT_TRUE(server.ready());
  OpenWeatherOptions o = Options(server);
  o.locations = {City("Rockville"), Id("2643743")};
  o.count = 3;
  o.units = "imperial";
  test::VectorSink sink;
  auto stats = PollOpenWeather(o, &sink);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rounds, 3u);
  EXPECT_EQ(stats->requests, 6u);
  EXPECT_EQ(server.requests(), 6u);
  // The stand-in advances dt every second request: readings dt0, dt0 (again), dt0+600 per city.
  EXPECT_EQ(stats->records, 4u);
  EXPECT_EQ(stats->duplicates, 2u);
  ASSERT_EQ(sink.records.size(), 4u);
  auto json = sink.Json();
  EXPECT_EQ(sink.records[0].partition_key, "4366164");
  EXPECT_EQ(json[0]["city"], "Rockville");
  EXPECT_EQ(json[0]["units"], "imperial");
  EXPECT_NEAR(json[0]["temp"].get<double>(), 70.47, 1e-9);
  EXPECT_EQ(json[1]["city"], "London");
  EXPECT_EQ(json[2]["dt"].get<int64_t>() - json[0]["dt"].get<int64_t>(), 600);
  EXPECT_EQ(sink.batch_sizes, (std::vector<size_t>{2, 2}));  // one batch per round with news
}

TEST(OpenWeatherPollTest, RetriesTooManyRequestsServerErrorsAndTruncatedAnswers) {
  FakeOpenWeather server("faults");
  ASSERT_TRUE(server.ready());
  OpenWeatherOptions o = Options(server);
  o.locations = {City("London")};
  test::VectorSink sink;
  auto stats = PollOpenWeather(o, &sink);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->requests, 4u);  // 429, 500, truncated, then the answer
  EXPECT_EQ(stats->retries, 3u);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.Json()[0]["city"], "London");
}

TEST(OpenWeatherPollTest, ABadKeyEndsTheRunInOneLineWithoutTheKey) {
  FakeOpenWeather server("ok");
  ASSERT_TRUE(server.ready());
  OpenWeatherOptions o = Options(server);
  o.appid = "secret-but-wrong";
  o.locations = {City("London")};
  test::VectorSink sink;
  auto stats = PollOpenWeather(o, &sink);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Status::Code::kInvalidArgument);
  const std::string& m = stats.status().message();
  EXPECT_EQ(m.rfind("OpenWeather refused the API key (HTTP 401): Invalid API key.", 0), 0u) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos);
  EXPECT_EQ(m.find("secret-but-wrong"), std::string::npos);
  EXPECT_EQ(server.requests(), 1u);  // not retried
  EXPECT_TRUE(sink.records.empty());
}

TEST(OpenWeatherPollTest, MalformedAnswersAreRetriedThenGivenUpForTheRound) {
  FakeOpenWeather server("malformed");
  ASSERT_TRUE(server.ready());
  OpenWeatherOptions o = Options(server);
  o.locations = {City("London")};
  o.max_retries = 2;
  std::ostringstream log;
  o.log = &log;
  test::VectorSink sink;
  auto stats = PollOpenWeather(o, &sink);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->requests, 3u);
  EXPECT_EQ(stats->skipped, 1u);
  EXPECT_TRUE(sink.records.empty());
  EXPECT_NE(log.str().find("unexpected answer: the answer is not a JSON object"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("gave up on --city London"), std::string::npos) << log.str();
}

TEST(OpenWeatherPollTest, AnUnknownCityAndBadOptionsAreOneLine) {
  FakeOpenWeather server("ok");
  ASSERT_TRUE(server.ready());
  OpenWeatherOptions o = Options(server);
  o.locations = {City("Atlantis")};
  test::VectorSink sink;
  auto stats = PollOpenWeather(o, &sink);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().message(),
            "OpenWeather does not know the location --city Atlantis (HTTP 404: city not found)");
  o.locations = {};
  EXPECT_EQ(PollOpenWeather(o, &sink).status().message(), "give at least one location: --city, --lat/--lon or --id");
  o.locations = {City("London")};
  o.appid = "";
  EXPECT_EQ(PollOpenWeather(o, &sink).status().message(),
            "no OpenWeather API key: pass --appid or set OPENWEATHER_API_KEY");
}

using test::CliRun;

CliRun Freshet(const std::string& data_dir, const std::string& args, const std::string& tmp) {
  return test::RunFreshetCli(data_dir, args, tmp);
}

TEST(OpenWeatherCliTest, IngestConsumeAndQueryWithSql) {
  FakeOpenWeather server("ok");
  ASSERT_TRUE(server.ready());
  freshet::test::TempDir dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(Freshet(data, "stream create openweather", dir.path()).exit_code, 0);
  CliRun bad = Freshet(
      data, "ingest openweather --stream openweather --city London --appid nope --count 1 --base-url " + server.url(),
      dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("freshet: OpenWeather refused the API key (HTTP 401)", 0), 0u) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
  CliRun ok = Freshet(data,
                      "ingest openweather --stream openweather --city Rockville --id 2643743 --lat 51.5 --lon -0.1 "
                      "--every 1ms --count 2 --appid good-key --base-url " +
                          server.url(),
                      dir.path());
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  // Three locations (--lat/--lon is nearest London) x 2 rounds = 6 requests.
  EXPECT_NE(ok.out.find("readings put to 'openweather' (2 rounds, 6 requests"), std::string::npos) << ok.out;
  ASSERT_EQ(Freshet(data, "consume --pipeline openweather", dir.path()).exit_code, 0);
  CliRun sql = Freshet(data,
                       "sql --output csv \"SELECT city_id, dt, city, temp, observed_at FROM openweather "
                       "WHERE city_id = 2643743 ORDER BY dt\"",
                       dir.path());
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  // London asked 4 times (by id and by coordinates, 2 rounds): dt0, dt0, dt0+600, dt0+600.
  EXPECT_EQ(sql.out,
            "city_id,dt,city,temp,observed_at\n"
            "2643743,1700000000,London,11.2,2023-11-14T22:13:20Z\n"
            "2643743,1700000600,London,11.2,2023-11-14T22:23:20Z\n");
}

}  // namespace
}  // namespace freshet::ingest
