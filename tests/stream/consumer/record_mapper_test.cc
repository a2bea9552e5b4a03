#include "stream/consumer/record_mapper.h"

#include <gtest/gtest.h>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "tests/stream/consumer/consumer_test_util.h"

namespace freshet::stream {
namespace {

std::vector<query::TableDescription> TablesOf(const PipelineSpec& spec) {
  std::vector<query::TableDescription> tables;
  for (auto& t : spec.targets) tables.push_back(*t.key_schema);
  return tables;
}

// The item a mapped record makes on its own: a merge target's attributes set on its key.
query::Item Whole(const MappedItem& m) {
  query::Item item;
  EXPECT_TRUE(query::DecodeItemValue(m.value, &item));
  for (const auto& [name, value] : m.item) item.Set(name, value);
  return item;
}

TEST(RecordMapperTest, WeatherObservationBecomesOneAttributeNamedByItsElement) {
  auto spec = *LoadPipeline("weather");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  ASSERT_TRUE(mapper.Map(Observation("USW00093721", "2016-01-23", "SNOW", "741"), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToPlainJson(Whole(out[0])), R"({"SNOW":741,"date":"2016-01-23","station":"USW00093721"})");

  out.clear();
  ASSERT_TRUE(mapper
                  .Map(Observation("USW00093721", "2016-01-23", "PRCP", "0",
                                   R"(,"mflag":"T","sflag":"0","obs_time":"2400","station_name":"BALTIMORE")"),
                       &out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToTypedJson(Whole(out[0])),
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

// A JSON number keeps every significant digit from record to item (DynamoDB keeps 38); a
// double would turn 12345678901234567890123 into 12345678901234568000000.
TEST(RecordMapperTest, NumbersKeepEverySignificantDigit) {
  auto spec = *LoadPipeline("sensors");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  ASSERT_TRUE(mapper
                  .Map(R"({"sensor_id":"s","temperature":12345678901234567890123,)"
                       R"("current_time":98765432109876543210987654321})",
                       &out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].item.Find("Temperature")->scalar(), "12345678901234567890123");
  EXPECT_EQ(out[0].item.Find("CurrentTime")->scalar(), "98765432109876543210987654321");

  out.clear();
  const std::string digits38 = "0.12345678901234567890123456789012345678";
  ASSERT_TRUE(mapper.Map(R"({"sensor_id":"s","temperature":)" + digits38 + R"(,"current_time":-1.5e-3})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].item.Find("Temperature")->scalar(), digits38);
  EXPECT_EQ(out[0].item.Find("CurrentTime")->scalar(), "-1.5e-3");

  // A number in an untyped mapping keeps its digits too.
  auto loose = ParsePipelineSpec(R"({"consumer":"c","stream":"s","targets":[{"table":"things",
      "key_schema":{"partition_key":"id:S"},"key":{"id":"id"},"attributes":{"v":"v"}}]})",
                                 "test");
  ASSERT_TRUE(loose.ok()) << loose.status().ToString();
  RecordMapper loose_mapper(&*loose, TablesOf(*loose));
  out.clear();
  ASSERT_TRUE(loose_mapper.Map(R"({"id":"a","v":{"n":123456789012345678901234567890.5}})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToPlainJson(out[0].item), R"({"id":"a","v":{"n":123456789012345678901234567890.5}})");
}

TEST(RecordMapperTest, NumbersOverThirtyEightDigitsAreRejectedWithTheReason) {
  auto spec = *LoadPipeline("sensors");
  RecordMapper mapper(&spec, TablesOf(spec));
  std::vector<MappedItem> out;
  Status s = mapper.Map(R"({"sensor_id":"s","temperature":123456789012345678901234567890123456789,)"
                        R"("current_time":1})",
                        &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'temperature'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("38 significant digits"), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());
}

// Records are read without a DOM, but still as JSON: trailing content, bad number tokens and
// bad escapes are invalid; nested paths, null (as missing), escapes and duplicate keys (the last
// wins) behave as a DOM would.
TEST(RecordMapperTest, RecordsAreReadAsJsonWithoutADom) {
  auto spec = ParsePipelineSpec(R"({"consumer":"c","stream":"s","targets":[{"table":"things",
      "key_schema":{"partition_key":"id:S"},"key":{"id":"id"},
      "attributes":{"v":{"field":"reading.value","type":"N"},"note":{"field":"note","optional":true}}}]})",
                                "test");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  RecordMapper mapper(&*spec, TablesOf(*spec));
  std::vector<MappedItem> out;
  for (const char* bad : {R"({"id":"a","reading":{"value":1}} x)", R"({"id":"a","reading":{"value":01}})",
                          R"({"id":"a","reading":{"value":1.}})", R"({"id":"a\q","reading":{"value":1}})",
                          R"({"id":"a","other":[1,2,}],"reading":{"value":1}})", "{\"id\":\"\xff\"}"}) {
    Status s = mapper.Map(bad, &out);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("not valid JSON"), std::string::npos) << bad << ": " << s.message();
  }
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(mapper
                  .Map(R"( {"skip":{"deep":[{"x":"}"}]},"id":"a\u00e9\"","reading":{"other":true,"value":2.50},)"
                       R"("note":null,"reading":{"value":-7}} )",
                       &out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(query::ItemToTypedJson(out[0].item), "{\"id\":{\"S\":\"a\xc3\xa9\\\"\"},\"v\":{\"N\":\"-7\"}}");
  out.clear();
  Status missing = mapper.Map(R"({"id":"a","reading":{"value":null}})", &out);
  EXPECT_NE(missing.message().find("field 'reading.value' is missing"), std::string::npos) << missing.message();
  Status not_object = mapper.Map(R"("just a string")", &out);
  EXPECT_NE(not_object.message().find("not a JSON object"), std::string::npos) << not_object.message();
}

}  // namespace
}  // namespace freshet::stream
