#include "stream/record_mapper.h"

#include <gtest/gtest.h>

#include "query/item_json.h"
#include "tests/stream/consumer_test_util.h"

namespace freshet::stream {
namespace {

std::vector<query::TableDescription> TablesOf(const PipelineSpec& spec) {
  std::vector<query::TableDescription> tables;
  for (auto& t : spec.targets) tables.push_back(*t.key_schema);
  return tables;
}

TEST(RecordMapperTest, WeatherObservationBecomesOneAttributeNamedByItsElement) {
  auto spec = *LoadPipeline("weather");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  ASSERT_TRUE(mapper.Map(Observation("USW00093721", "2016-01-23", "SNOW", "741"), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToPlainJson(out[0].item), R"({"SNOW":741,"date":"2016-01-23","station":"USW00093721"})");

  out.clear();
  ASSERT_TRUE(mapper.Map(Observation("USW00093721", "2016-01-23", "PRCP", "0",
                                     R"(,"mflag":"T","sflag":"0","obs_time":"2400","station_name":"BALTIMORE")"),
                         &out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToTypedJson(out[0].item),
            R"({"PRCP":{"N":"0"},"PRCP_mflag":{"S":"T"},"PRCP_obs_time":{"S":"2400"},"PRCP_sflag":{"S":"0"},)"
            R"("date":{"S":"2016-01-23"},"station":{"S":"USW00093721"},"station_name":{"S":"BALTIMORE"}})");
}

TEST(RecordMapperTest, ConditionsRouteToTargets) {
  auto spec = *LoadPipeline("student");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  ASSERT_TRUE(mapper.Map(Observation("S", "2016-01-01", "TMAX", "5.6"), &out).ok());
  ASSERT_TRUE(mapper.Map(Observation("S", "2016-01-01", "SNOW", "12"), &out).ok());
  ASSERT_TRUE(mapper.Map(Observation("S", "2016-01-01", "SNWD", "30"), &out).ok());  // neither table
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].target, 1u);  // Temperature
  EXPECT_EQ(out[1].target, 0u);  // Precipitation
}

TEST(RecordMapperTest, SensorRecord) {
  auto spec = *LoadPipeline("sensors");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  ASSERT_TRUE(mapper.Map(R"({"sensor_id":"sensor-2","temperature":88.8,"current_time":987654321})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToTypedJson(out[0].item),
            R"({"CurrentTime":{"N":"987654321"},"SensorId":{"S":"sensor-2"},"Temperature":{"N":"88.8"}})");
}

TEST(RecordMapperTest, UnmappableRecordsSayWhy) {
  auto spec = *LoadPipeline("sensors");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  struct Case {
    const char* data;
    const char* reason;
  } cases[] = {
      {"not json", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"temperature":1,"current_time":2})", "key field 'sensor_id' is missing"},
      {R"({"sensor_id":"a","temperature":1,"current_time":"soon"})", "'current_time' is not a number"},
      {R"({"sensor_id":"a","temperature":"hot","current_time":2})", "'temperature' is not a number"},
      {R"({"sensor_id":"a","current_time":2})", "'temperature' is missing"},
  };
  for (auto& c : cases) {
    Status s = mapper.Map(c.data, &out);
    ASSERT_FALSE(s.ok()) << c.data;
    EXPECT_NE(s.message().find(c.reason), std::string::npos) << s.message();
  }
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace freshet::stream
