#include "stream/consumer/pipeline_spec.h"

#include <gtest/gtest.h>

#include <map>

namespace freshet::stream {
namespace {

TEST(PipelineSpecTest, BuiltinsParse) {
  for (const auto& name : BuiltinPipelineNames()) {
    auto spec = LoadPipeline(name);
    ASSERT_TRUE(spec.ok()) << name << ": " << spec.status().ToString();
    EXPECT_FALSE(spec->targets.empty());
  }
  auto weather = *LoadPipeline("weather");
  EXPECT_EQ(weather.consumer, "weather");
  EXPECT_EQ(weather.stream, "weather");
  EXPECT_EQ(weather.dead_letter_stream, "weather-dlq");
  ASSERT_EQ(weather.targets.size(), 1u);
  EXPECT_EQ(weather.targets[0].mode, TargetSpec::Mode::kMerge);
  auto student = *LoadPipeline("student");
  ASSERT_EQ(student.targets.size(), 2u);
  EXPECT_EQ(student.targets[0].table, "Precipitation");
  EXPECT_EQ(student.targets[1].when->in, (std::vector<std::string>{"TMIN", "TMAX"}));
  EXPECT_TRUE(LoadPipeline("no-such-spec").status().IsNotFound());
}

TEST(PipelineSpecTest, DefaultsAndNestedPaths) {
  auto spec = ParsePipelineSpec(R"({"consumer":"c","stream":"s","targets":[{"table":"t","key":{"id":"a.b"},
      "attributes":{"x":{"const":5},"y":{"field":"y","type":"S","optional":true}}}]})",
                                "spec.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->dead_letter_stream, "s-dlq");
  EXPECT_EQ(spec->targets[0].mode, TargetSpec::Mode::kPut);
  EXPECT_EQ(spec->targets[0].key[0].value.path, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(spec->targets[0].attributes[0].value.constant.has_value());
  EXPECT_TRUE(spec->targets[0].attributes[1].value.optional);
}

TEST(PipelineSpecTest, ErrorsNameTheFileAndField) {
  struct Case {
    const char* json;
    const char* expect;
  } cases[] = {
      {"not json", "spec.json: not valid JSON"},
      {R"({"stream":"s","targets":[]})", "consumer"},
      {R"({"consumer":"c","stream":"s"})", "targets"},
      {R"({"consumer":"c","stream":"s","targets":[{"table":"t","key":{"id":"id"},"mode":"upsert"}]})",
       "targets[0].mode"},
      {R"({"consumer":"c","stream":"s","targets":[{"table":"t"}]})", "'key' is required"},
      {R"({"consumer":"c","stream":"s","targets":[{"table":"t","key":{"id":{"field":"id","optional":true}}}]})",
       "cannot be optional"},
      {R"({"consumer":"c","stream":"s","targets":[{"table":"t","key":{"id":{"field":"id","type":"X"}}}]})",
       "'type' must be"},
      {R"({"consumer":"c","stream":"s","create_if_missing":true,"targets":[{"table":"t","key":{"id":"id"}}]})",
       "needs a key_schema"},
      {R"({"consumer":"c","stream":"s","targets":[{"table":"ttt","key_schema":{"partition_key":"pk:S"},
          "key":{"other":"x"}}]})",
       "key_schema's attributes"},
      {R"({"consumer":"c","stream":"s","dead_letter_stream":"s","targets":[{"table":"t","key":{"id":"id"}}]})",
       "must differ"},
      // Numbers out of an unsigned's range were converted with undefined behaviour (stream fuzzer).
      {R"({"consumer":"c","stream":"s","stream_shards":8888888888888888888888888888,"targets":[]})", "stream_shards"},
      {R"({"consumer":"c","stream":"s","stream_shards":-1,"targets":[]})", "stream_shards"},
      {R"({"consumer":"c","stream":"s","stream_shards":1.5,"targets":[]})", "stream_shards"},
      {R"({"consumer":"c","stream":"s","stream_shards":1025,"targets":[]})", "stream_shards"},
      {R"({"consumer":"c","stream":"s","stream_shards":"4","targets":[]})", "stream_shards"},
  };
  for (const auto& c : cases) {
    auto spec = ParsePipelineSpec(c.json, "spec.json");
    ASSERT_FALSE(spec.ok()) << c.json;
    EXPECT_TRUE(spec.status().IsInvalidArgument());
    EXPECT_NE(spec.status().message().find(c.expect), std::string::npos) << spec.status().message();
    EXPECT_EQ(spec.status().message().find('\n'), std::string::npos);
  }
}

TEST(PipelineSpecTest, AggregateTargets) {
  auto monthly = LoadPipeline("weather-monthly");
  ASSERT_TRUE(monthly.ok()) << monthly.status().ToString();
  const TargetSpec& t = monthly->targets[0];
  EXPECT_EQ(t.mode, TargetSpec::Mode::kAggregate);
  EXPECT_EQ(monthly->consumer, "weather-monthly");
  ASSERT_EQ(t.key.size(), 2u);
  EXPECT_EQ(t.key[0].name_template, "month");  // in name order
  EXPECT_EQ(t.key[0].value.path, std::vector<std::string>{"date"});
  EXPECT_EQ(t.key[0].value.truncate, ValueMapping::Truncate::kMonth);
  EXPECT_EQ(t.key[1].value.truncate, ValueMapping::Truncate::kNone);
  std::map<std::string, AggregateSpec> by_name;
  for (const auto& a : t.aggregates) by_name[a.name_template] = a;
  EXPECT_EQ(by_name["PRCP_sum"].op, AggregateSpec::Op::kSum);
  EXPECT_EQ(by_name["PRCP_sum"].when->in, std::vector<std::string>{"PRCP"});
  EXPECT_EQ(by_name["TMAX_max"].op, AggregateSpec::Op::kMax);
  EXPECT_EQ(by_name["TMIN_min"].op, AggregateSpec::Op::kMin);
  EXPECT_EQ(by_name["TMAX_mean"].op, AggregateSpec::Op::kMean);
  EXPECT_EQ(by_name["TMAX_mean"].value.type, query::AttributeValue::Type::kN);
  EXPECT_EQ(by_name["{element}_days"].op, AggregateSpec::Op::kCount);
  EXPECT_TRUE(by_name["{element}_days"].value.path.empty());  // count "*"
  EXPECT_EQ(by_name["first_date"].value.type, query::AttributeValue::Type::kS);

  auto spec = ParsePipelineSpec(R"({"consumer":"c","stream":"s","targets":[{"table":"t","mode":"aggregate",
      "key":{"k":"k","y":{"field":"t","truncate":"year"}},
      "aggregates":{"a":{"first":"x.y"},"b":{"last":{"field":"z","truncate":"day"}},"c":{"count":"v"}}}]})",
                                "spec.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const auto& aggs = spec->targets[0].aggregates;
  ASSERT_EQ(aggs.size(), 3u);
  EXPECT_EQ(aggs[0].value.path, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(aggs[0].value.type.has_value());  // first/last keep any type
  EXPECT_EQ(aggs[1].value.truncate, ValueMapping::Truncate::kDay);
  EXPECT_EQ(aggs[2].value.path, std::vector<std::string>{"v"});
}

TEST(PipelineSpecTest, AggregateErrorsNameTheField) {
  struct Case {
    const char* targets;
    const char* expect;
  } cases[] = {
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"}})", "targets[0].aggregates: an aggregate target needs"},
      {R"({"table":"t","key":{"k":"k"},"aggregates":{"n":{"count":"*"}}})", "needs \"mode\": \"aggregate\""},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"median":"v"}}})",
       "targets[0].aggregates.n: unknown aggregate field 'median'"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"sum":"v","max":"v"}}})",
       "give one operation"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"when":{"field":"e","in":["A"]}}}})",
       "needs one of count"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"sum":{"field":"v","type":"S"}}}})",
       "sum adds numbers"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"max":{"field":"v","type":"BOOL"}}}})",
       "compares numbers (N) or strings (S)"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"sum":{"const":1}}}})", "not a constant"},
      {R"({"table":"t","mode":"aggregate","key":{"k":"k"},"aggregates":{"n":{"sum":"v","when":{"field":"e"}}}})",
       "targets[0].aggregates.n.when: needs \"in\" or \"exists\""},
      {R"({"table":"t","key":{"k":{"field":"d","truncate":"week"}}})", "'truncate' must be day, month or year"},
      {R"({"table":"t","key":{"k":{"field":"d","type":"N","truncate":"day"}}})", "'truncate' makes a string"},
  };
  for (const auto& c : cases) {
    auto spec =
        ParsePipelineSpec(std::string(R"({"consumer":"c","stream":"s","targets":[)") + c.targets + "]}", "spec.json");
    ASSERT_FALSE(spec.ok()) << c.targets;
    EXPECT_NE(spec.status().message().find(c.expect), std::string::npos) << spec.status().message();
  }
}

}  // namespace
}  // namespace freshet::stream
