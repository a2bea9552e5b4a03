#include "stream/consumer/consumer.h"

#include <map>
#include <nlohmann/json.hpp>

#include "query/item_json.h"
#include "stream/consumer/cursors.h"
#include "tests/stream/consumer/consumer_test_util.h"
#include "tests/stream/stream_test_util.h"

namespace freshet::stream {
namespace {

class ConsumerTest : public StreamFixture {
 protected:
  std::unique_ptr<Consumer> MustOpen(const std::string& pipeline, size_t batch = 1000,
                                     const std::string& consumer_name = "") {
    auto spec = LoadPipeline(pipeline);
    EXPECT_TRUE(spec.ok());
    if (!consumer_name.empty()) spec->consumer = consumer_name;
    ConsumerOptions options;
    options.batch = batch;
    options.notice = [this](const std::string& line) { notices_.push_back(line); };
    auto c = Consumer::Open(log_.get(), *spec, options);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c.value()) : nullptr;
  }
  void PutData(const std::string& stream_name, const std::vector<std::pair<std::string, std::string>>& keyed) {
    auto d = *log_->Get(stream_name);
    std::vector<PutRecord> records;
    for (auto& [key, data] : keyed) records.push_back({key, data, {}});
    for (size_t i = 0; i < records.size(); i += 500) {
      MustPut(d, std::vector<PutRecord>(records.begin() + i, records.begin() + std::min(i + 500, records.size())));
    }
  }
  // Every item of the table as typed JSON, in key order.
  std::vector<std::string> Table(const std::string& name) {
    query::TableStore store(db_.get());
    auto table = store.Get(name);
    EXPECT_TRUE(table.ok()) << name;
    std::vector<std::string> out;
    query::ScanRequest req;
    while (true) {
      auto page = store.Scan(*table, req);
      EXPECT_TRUE(page.ok());
      for (auto& item : page->items) out.push_back(query::ItemToTypedJson(item));
      if (!page->next_token) break;
      req.start_after = *page->next_token;
    }
    return out;
  }
  std::vector<Record> ReadAll(const std::string& stream_name) {
    auto d = *log_->Get(stream_name);
    std::vector<Record> out;
    for (uint32_t s = 0; s < d.shard_count; ++s) {
      auto r = ReadShard(*db_, d, s, 0, 1000000);
      out.insert(out.end(), r->begin(), r->end());
    }
    return out;
  }
  std::vector<std::pair<std::string, std::string>> WeatherRecords() {
    std::vector<std::pair<std::string, std::string>> out;
    const char* stations[] = {"USW00093721", "USC00186350", "US1MDMG0001"};
    const char* elements[] = {"PRCP", "SNOW", "TMAX", "TMIN"};
    int n = 0;
    for (int day = 1; day <= 28; ++day) {
      for (auto* st : stations) {
        for (auto* el : elements) {
          std::string date = "2016-02-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
          out.emplace_back(st, Observation(st, date, el, std::to_string(n++ % 40) + ".5"));
        }
      }
    }
    return out;
  }
  std::vector<std::string> notices_;
};

TEST_F(ConsumerTest, WeatherMergesElementsIntoOneItemPerStationAndDay) {
  auto c = MustOpen("weather");  // creates stream, dead-letter stream and table
  PutData("weather", WeatherRecords());
  ASSERT_TRUE(c->Drain(nullptr).ok());
  EXPECT_EQ(c->stats().records_read, 3u * 28 * 4);
  EXPECT_EQ(c->stats().rejected, 0u);
  auto items = Table("weather");
  ASSERT_EQ(items.size(), 3u * 28);
  query::TableStore store(db_.get());
  auto item =
      store.GetItem(*store.Get("weather"), *query::ParseItemJson(R"({"station":"USW00093721","date":"2016-02-01"})"));
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ(query::ItemToPlainJson(**item),
            R"({"PRCP":0.5,"SNOW":1.5,"TMAX":2.5,"TMIN":3.5,"date":"2016-02-01","station":"USW00093721"})");
}

TEST_F(ConsumerTest, BatchBoundariesDoNotChangeTheResult) {
  auto one = MustOpen("weather", 1000, "big-batches");
  PutData("weather", WeatherRecords());
  // A later observation of the same element overrides the earlier one, in sequence order.
  PutData("weather", {{"USW00093721", Observation("USW00093721", "2016-02-01", "PRCP", "99")}});
  ASSERT_TRUE(one->Drain(nullptr).ok());
  auto expected = Table("weather");
  ASSERT_TRUE(query::TableStore(db_.get()).Delete("weather").ok());
  auto tiny = MustOpen("weather", 7, "tiny-batches");
  ASSERT_TRUE(tiny->Drain(nullptr).ok());
  EXPECT_EQ(Table("weather"), expected);
  size_t overridden = 0;
  for (auto& item : expected) {
    if (item.find(R"("PRCP":{"N":"99"})") != std::string::npos) {
      EXPECT_NE(item.find(R"("date":{"S":"2016-02-01"},"station":{"S":"USW00093721"})"), std::string::npos);
      ++overridden;
    }
  }
  EXPECT_EQ(overridden, 1u);
}

TEST_F(ConsumerTest, StudentPipelineFillsTwoTables) {
  auto c = MustOpen("student");
  PutData("weather", WeatherRecords());
  PutData("weather", {{"X", Observation("USW00093721", "2016-02-01", "SNWD", "10", R"(,"station_name":"BWI")")}});
  ASSERT_TRUE(c->Drain(nullptr).ok());
  auto precipitation = Table("Precipitation");
  auto temperature = Table("Temperature");
  ASSERT_EQ(precipitation.size(), 84u);
  ASSERT_EQ(temperature.size(), 84u);
  EXPECT_EQ(precipitation[0].find("TMAX"), std::string::npos);
  EXPECT_NE(temperature[0].find("TMAX"), std::string::npos);
  EXPECT_EQ(temperature[0].find("PRCP"), std::string::npos);
}

TEST_F(ConsumerTest, SensorPipeline) {
  auto c = MustOpen("sensors");
  PutData("sensors", {{"sensor-2", R"({"sensor_id":"sensor-2","temperature":88.8,"current_time":987654321})"}});
  ASSERT_TRUE(c->Drain(nullptr).ok());
  EXPECT_EQ(Table("SensorData"),
            (std::vector<std::string>{R"({"CurrentTime":{"N":"987654321"},"SensorId":{"S":"sensor-2"},)"
                                      R"("Temperature":{"N":"88.8"}})"}));
}

TEST_F(ConsumerTest, DeadLettersCarryShardSequenceAndReasonAndDoNotStopTheConsumer) {
  auto c = MustOpen("sensors", 2);
  PutData("sensors", {{"a", R"({"sensor_id":"a","temperature":1,"current_time":1})"},
                      {"b", "this is not json"},
                      {"c", R"({"sensor_id":"c","temperature":1})"},
                      {"d", R"({"sensor_id":"d","temperature":2,"current_time":2})"}});
  ASSERT_TRUE(c->Drain(nullptr).ok());
  EXPECT_EQ(c->stats().records_read, 4u);
  EXPECT_EQ(c->stats().rejected, 2u);
  EXPECT_EQ(Table("SensorData").size(), 2u);
  auto dead = ReadAll("sensors-dlq");
  ASSERT_EQ(dead.size(), 2u);
  auto first = nlohmann::json::parse(dead[0].data);
  EXPECT_EQ(first["sequence_number"], "2");
  EXPECT_EQ(first["shard_id"], "shardId-000000000000");
  EXPECT_EQ(first["reason"], "record is not valid JSON");
  EXPECT_EQ(first["data"], "this is not json");
  EXPECT_EQ(dead[0].partition_key, "b");
  EXPECT_EQ(nlohmann::json::parse(dead[1].data)["reason"], "key field 'current_time' is missing");
  // The cursor passed the dead letters in the same write.
  auto cursor = LoadCursor(*db_, "sensors", log_->Get("sensors")->id, 0);
  EXPECT_EQ(cursor->value_or(0), 4u);
}

TEST_F(ConsumerTest, TwoConsumersReadIndependentlyAndResumeFromCursors) {
  auto a = MustOpen("sensors", 1000, "a");
  auto b = MustOpen("sensors", 1000, "b");
  PutData("sensors", {{"s", R"({"sensor_id":"s","temperature":1,"current_time":1})"}});
  ASSERT_TRUE(a->Drain(nullptr).ok());
  PutData("sensors", {{"s", R"({"sensor_id":"s","temperature":2,"current_time":2})"}});
  ASSERT_TRUE(a->Drain(nullptr).ok());
  ASSERT_TRUE(b->Drain(nullptr).ok());
  EXPECT_EQ(a->stats().records_read, 2u);
  EXPECT_EQ(b->stats().records_read, 2u);
  // A new consumer object with a's name resumes after a's cursor: nothing is applied twice.
  auto again = MustOpen("sensors", 1000, "a");
  ASSERT_TRUE(again->Drain(nullptr).ok());
  EXPECT_EQ(again->stats().records_read, 0u);
  auto consumers = ListConsumers(*db_, *log_);
  ASSERT_EQ(consumers->size(), 2u);
  auto lag = ConsumerLag(*db_, "b", *log_->Get("sensors"));
  EXPECT_EQ((*lag)[0].behind, 0u);
  ASSERT_TRUE(ResetConsumer(db_.get(), "b", *log_->Get("sensors"), Position{}).ok());
  lag = ConsumerLag(*db_, "b", *log_->Get("sensors"));
  EXPECT_EQ((*lag)[0].behind, 2u);
}

TEST_F(ConsumerTest, RecordsRemovedByRetentionAreReportedAsMissed) {
  auto c = MustOpen("sensors");
  PutData("sensors", {{"s", R"({"sensor_id":"s","temperature":1,"current_time":1})"}});
  ASSERT_TRUE(c->Drain(nullptr).ok());
  PutData("sensors", {{"s", R"({"sensor_id":"s","temperature":2,"current_time":2})"},
                      {"s", R"({"sensor_id":"s","temperature":3,"current_time":3})"}});
  auto d = *log_->Get("sensors");
  ASSERT_EQ(*log_->TrimExpired(d, NowMs() + d.retention_ms() + 1000), 3u);
  PutData("sensors", {{"s", R"({"sensor_id":"s","temperature":4,"current_time":4})"}});
  auto resumed = MustOpen("sensors");
  ASSERT_TRUE(resumed->Drain(nullptr).ok());
  EXPECT_EQ(resumed->stats().missed, 2u);
  EXPECT_EQ(resumed->stats().records_read, 1u);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_NE(notices_[0].find("2 records"), std::string::npos) << notices_[0];
  EXPECT_EQ(Table("SensorData").size(), 2u);
}

TEST_F(ConsumerTest, ParentsAreReadToTheirEndBeforeChildrenAcrossSplitAndMerge) {
  // Each put i of key k writes two items: (k, i) once, and (last-k, 0) which the latest record
  // of key k overwrites. So every record applied once shows as one (k, i) item, and per-key
  // order shows in each last-k item holding the key's last put.
  auto c = MustOpen("sensors", 7);
  int next = 0;
  std::map<std::string, int> last;
  auto put = [&](int n) {
    std::vector<std::pair<std::string, std::string>> keyed;
    for (int j = 0; j < n; ++j, ++next) {
      std::string k = "k" + std::to_string(next % 13);
      std::string i = std::to_string(next);
      keyed.push_back({k, R"({"sensor_id":")" + k + R"(","temperature":)" + i + R"(,"current_time":)" + i + "}"});
      keyed.push_back({k, R"({"sensor_id":"last-)" + k + R"(","temperature":)" + i + R"(,"current_time":0})"});
      last[k] = next;
    }
    PutData("sensors", keyed);
  };
  put(40);
  ASSERT_TRUE(c->Step().ok());  // part of shard 0 is applied before the split
  ASSERT_TRUE(log_->SplitShard("sensors", 0, HashKey{1} << 127).ok());
  put(40);
  const uint64_t first_step = c->stats().records_read;
  c.reset();
  auto middle = MustOpen("sensors", 5);  // the same consumer name: resumes from the cursors
  ASSERT_TRUE(middle->Drain(nullptr).ok());
  ASSERT_TRUE(log_->MergeShards("sensors", 1, 2).ok());
  put(40);
  ASSERT_TRUE(log_->UpdateShardCount("sensors", 2).ok());
  put(40);
  ASSERT_TRUE(middle->Drain(nullptr).ok());

  EXPECT_EQ(first_step + middle->stats().records_read, 2u * next);
  EXPECT_EQ(middle->stats().rejected, 0u);
  auto items = Table("SensorData");
  EXPECT_EQ(items.size(), static_cast<size_t>(next) + last.size());
  query::TableStore store(db_.get());
  for (const auto& [k, i] : last) {
    auto item = store.GetItem(*store.Get("SensorData"),
                              *query::ParseItemJson(R"({"SensorId":"last-)" + k + R"(","CurrentTime":0})"));
    ASSERT_TRUE(item.ok() && item->has_value()) << k;
    EXPECT_NE(query::ItemToPlainJson(**item).find("\"Temperature\":" + std::to_string(i) + "}"), std::string::npos)
        << k << ": " << query::ItemToPlainJson(**item);
  }
  // Every closed shard's cursor is at its end.
  auto d = *log_->Get("sensors");
  for (const auto& s : d.shards) {
    if (s.open()) continue;
    auto cursor = LoadCursor(*db_, "sensors", d.id, s.index);
    EXPECT_EQ(cursor->value_or(0), *s.ending_sequence) << s.index;
  }
}

}  // namespace
}  // namespace freshet::stream
