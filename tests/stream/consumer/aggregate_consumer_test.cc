// The consumer's aggregate target mode end to end: weather-monthly on synthetic observations,
// checked against figures computed here; batch boundaries, restarts and dead letters.
#include <gtest/gtest.h>

#include <map>

#include "query/item_json.h"
#include "stream/consumer/consumer.h"
#include "tests/stream/consumer/consumer_test_util.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

class AggregateConsumerTest : public StreamFixture {
 protected:
  std::unique_ptr<Consumer> MustOpen(const PipelineSpec& spec, size_t batch = 1000) {
    ConsumerOptions options;
    options.batch = batch;
    auto c = Consumer::Open(log_.get(), spec, options);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c.value()) : nullptr;
  }
  std::unique_ptr<Consumer> MustOpen(const std::string& name, size_t batch = 1000) {
    auto spec = LoadPipeline(name);
    EXPECT_TRUE(spec.ok());
    return MustOpen(*spec, batch);
  }
  void Put(const std::vector<std::pair<std::string, std::string>>& keyed, const std::string& stream = "weather") {
    auto d = *log_->Get(stream);
    std::vector<PutRecord> records;
    for (auto& [key, data] : keyed) records.push_back({key, data, {}});
    for (size_t i = 0; i < records.size(); i += 500) {
      MustPut(d, std::vector<PutRecord>(records.begin() + i, records.begin() + std::min(i + 500, records.size())));
    }
  }
  // Every item of the table as plain JSON, keyed by its typed key JSON.
  std::map<std::string, std::string> Table(const std::string& name) {
    query::TableStore store(db_.get());
    auto table = store.Get(name);
    EXPECT_TRUE(table.ok()) << name;
    std::map<std::string, std::string> out;
    query::ScanRequest req;
    while (table.ok()) {
      auto page = store.Scan(*table, req);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      for (auto& item : page->items) {
        out[item.Find("station")->scalar() + "/" + item.Find("month")->scalar()] = query::ItemToPlainJson(item);
      }
      if (!page->next_token) break;
      req.start_after = *page->next_token;
    }
    return out;
  }
  // Two months of three stations; values in tenths so the expected figures are easy to state.
  static std::vector<std::pair<std::string, std::string>> Records() {
    std::vector<std::pair<std::string, std::string>> out;
    const char* stations[] = {"USW00093721", "USC00186350", "US1MDMG0001"};
    for (int month = 1; month <= 2; ++month) {
      for (int day = 1; day <= 28; ++day) {
        for (int s = 0; s < 3; ++s) {
          const std::string st = stations[s];
          const std::string date = "2016-0" + std::to_string(month) + "-" + (day < 10 ? "0" : "") + std::to_string(day);
          out.emplace_back(st, Observation(st, date, "PRCP", "0." + std::to_string(day % 10)));
          out.emplace_back(st, Observation(st, date, "TMAX", std::to_string(day + s)));
          out.emplace_back(st, Observation(st, date, "TMIN", std::to_string(-day),
                                           R"(,"station_name":"S)" + std::to_string(s) + "\""));
          if (day % 7 == 0) out.emplace_back(st, Observation(st, date, "SNOW", "10.5"));
        }
      }
    }
    return out;
  }
};

TEST_F(AggregateConsumerTest, WeatherMonthlyFiguresPerStationAndMonth) {
  auto c = MustOpen("weather-monthly");
  Put(Records());
  ASSERT_TRUE(c->Drain(nullptr).ok());
  EXPECT_EQ(c->stats().rejected, 0u);
  if (c->stats().rejected) {
    auto dead = ReadShard(*db_, *log_->Get("weather-dlq"), 0, 0, 1);
    ADD_FAILURE() << (dead.ok() && !dead->empty() ? (*dead)[0].data : "");
  }
  auto table = Table("weather_monthly");
  ASSERT_EQ(table.size(), 6u);
  // Station s=1, February: PRCP 0.1..0.9,0.0 cycling over 28 days = 2 x 4.5 + (0.1+...+0.8) = 12.6;
  // TMAX = day + 1: max 29, mean 15.5; TMIN = -day: min -28, mean -14.5; SNOW on 4 days, 42.
  EXPECT_EQ(table["USC00186350/2016-02"],
            R"({"PRCP_days":28,"PRCP_sum":12.6,"SNOW_days":4,"SNOW_sum":42,"TMAX_days":28,"TMAX_max":29,)"
            R"("TMAX_mean":15.5,"TMAX_mean_count":28,"TMAX_mean_sum":434,"TMIN_days":28,"TMIN_mean":-14.5,)"
            R"("TMIN_mean_count":28,"TMIN_mean_sum":-406,"TMIN_min":-28,"first_date":"2016-02-01",)"
            R"("last_date":"2016-02-28","month":"2016-02","station":"USC00186350","station_name":"S1"})");
}

TEST_F(AggregateConsumerTest, BatchBoundariesAndRestartsDoNotChangeTheFigures) {
  auto once = MustOpen("weather-monthly");
  Put(Records());
  ASSERT_TRUE(once->Drain(nullptr).ok());
  auto expected = Table("weather_monthly");
  ASSERT_EQ(expected.size(), 6u);
  once.reset();
  ASSERT_TRUE(query::TableStore(db_.get()).Delete("weather_monthly").ok());

  // Tiny batches, and a new consumer (a restart) every three steps: each resumes at the cursor
  // committed with the figures, so nothing is counted twice or missed.
  auto spec = *LoadPipeline("weather-monthly");
  spec.consumer = "restarted";
  size_t steps = 0;
  while (true) {
    auto c = MustOpen(spec, 5);
    ASSERT_NE(c, nullptr);
    size_t n = 0;
    for (int i = 0; i < 3; ++i) {
      auto r = c->Step();
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      n += *r;
      ++steps;
    }
    if (n == 0) break;
  }
  EXPECT_GT(steps, 50u);
  EXPECT_EQ(Table("weather_monthly"), expected);
}

TEST_F(AggregateConsumerTest, RecordsThatCannotBeAggregatedAreDeadLettersAndChangeNothing) {
  auto spec = ParsePipelineSpec(R"({"consumer":"c","stream":"in","create_if_missing":true,"targets":[{
      "table":"agg","key_schema":{"partition_key":"k:S","sort_key":"month:S"},"mode":"aggregate",
      "key":{"k":"k","month":{"field":"t","truncate":"month"}},
      "aggregates":{"total":{"sum":"v"},"n":{"count":"*"},"n_v":{"count":"v"},"last":{"last":"v"}}}]})",
                                "test");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto c = MustOpen(*spec);
  Put({{"a", R"({"k":"a","t":"2020-05-01T10:00:00Z","v":1E+30})"},
       {"a", R"({"k":"a","t":"2020-05-02","v":0.000000001})"},  // 1E+30 + 1E-9 needs 40 digits
       {"a", R"({"k":"a","t":"May 3","v":1})"},                 // not a date
       {"a", R"({"k":"a","t":"2020-05-04","v":"x"})"},          // not a number
       {"a", R"({"k":"a","t":"2020-05-05"})"},                  // no v: counted, not summed
       {"a", R"({"k":"a","t":"2020-05-06","v":5})"}},
      "in");
  ASSERT_TRUE(c->Drain(nullptr).ok());
  EXPECT_EQ(c->stats().rejected, 3u);
  query::TableStore store(db_.get());
  auto item = store.GetItem(*store.Get("agg"), *query::ParseItemJson(R"({"k":"a","month":"2020-05"})"));
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ(query::ItemToPlainJson(**item),
            R"({"k":"a","last":5,"month":"2020-05","n":3,"n_v":2,"total":1000000000000000000000000000005})");
  auto dead = ReadShard(*db_, *log_->Get("in-dlq"), 0, 0, 100);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 3u);
  EXPECT_NE((*dead)[0].data.find("38 significant digits"), std::string::npos) << (*dead)[0].data;
  EXPECT_NE((*dead)[1].data.find("is not a date"), std::string::npos) << (*dead)[1].data;
}

TEST_F(AggregateConsumerTest, AnAggregateTableCannotAlsoTakePutsOrMerges) {
  auto spec = ParsePipelineSpec(R"({"consumer":"c","stream":"in","create_if_missing":true,"targets":[
      {"table":"agg","key_schema":{"partition_key":"k:S"},"mode":"aggregate","key":{"k":"k"},
       "aggregates":{"n":{"count":"*"}}},
      {"table":"agg","key_schema":{"partition_key":"k:S"},"mode":"merge","key":{"k":"k"}}]})",
                                "test");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto c = Consumer::Open(log_.get(), *spec, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("cannot also be a put or merge target"), std::string::npos);
}

}  // namespace
}  // namespace freshet::stream
