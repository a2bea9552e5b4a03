#include "stream/consumer/pipeline_spec.h"

#include <gtest/gtest.h>

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
      "attributes":{"x":{"const":5},"y":{"field":"y","type":"S","optional":true}}}]})", "spec.json");
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
          "key":{"other":"x"}}]})", "key_schema's attributes"},
      {R"({"consumer":"c","stream":"s","dead_letter_stream":"s","targets":[{"table":"t","key":{"id":"id"}}]})",
       "must differ"},
  };
  for (const auto& c : cases) {
    auto spec = ParsePipelineSpec(c.json, "spec.json");
    ASSERT_FALSE(spec.ok()) << c.json;
    EXPECT_TRUE(spec.status().IsInvalidArgument());
    EXPECT_NE(spec.status().message().find(c.expect), std::string::npos) << spec.status().message();
    EXPECT_EQ(spec.status().message().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace freshet::stream
