// ProcessingConfiguration of a delivery stream (stream/delivery/processing_config.h): Firehose's
// shape with its defaults, bad shapes refused naming the member at fault, and ValidateDestination.
#include "stream/delivery/processing_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stream/delivery/delivery_spec.h"
#include "tests/stream/delivery/processing_test_util.h"

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;
using test::Config;
using test::kArn;

TEST(ProcessingConfigTest, ParsesFirehoseShapeWithDefaults) {
  auto c = ParseProcessingConfig(Config());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->enabled);
  EXPECT_EQ(c->function, "upper");
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->account, "000000000000");
  EXPECT_EQ(c->number_of_retries, 3u);
  EXPECT_EQ(c->buffer_bytes, 1u << 20);
  auto d = ParseProcessingConfig(Config({{"NumberOfRetries", "0"},
                                         {"BufferSizeInMBs", "0.5"},
                                         {"BufferIntervalInSeconds", "120"},
                                         {"RoleArn", "arn:aws:iam::1:role/r"}}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->number_of_retries, 0u);
  EXPECT_EQ(d->buffer_bytes, 512u * 1024u);
  EXPECT_EQ(d->buffer_interval_seconds, 120u);
  EXPECT_FALSE(ParseProcessingConfig(Config({}, false))->enabled);
  EXPECT_FALSE(ParseProcessingConfig("")->enabled);
  auto latest = ParseProcessingConfig(Config()).value();
  ASSERT_TRUE(ParseLambdaArn(std::string(kArn) + ":$LATEST", &latest).ok());
  EXPECT_EQ(latest.function, "upper");
}

TEST(ProcessingConfigTest, RefusesBadShapesWithTheMemberAtFault) {
  auto refused = [](const std::string& json, const std::string& words) {
    auto c = ParseProcessingConfig(json);
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(c.status().message().find(words), std::string::npos) << c.status().message();
  };
  refused("[1]", "must be an object");
  refused(R"({"Enabled": "yes"})", "Enabled must be a boolean");
  refused(R"({"Enabled": true, "Processors": []})", "no Lambda processor");
  refused(R"({"Enabled": true, "Processors": [{"Type": "Decompression"}]})", "not supported by freshet");
  refused(R"({"Enabled": true, "Processors": [{"Type": "Magic"}]})", "is not one of Lambda");
  refused(R"({"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": []}]})", "needs a LambdaArn");
  refused(Config({{"NumberOfRetries", "301"}}), "NumberOfRetries");
  refused(Config({{"NumberOfRetries", "x"}}), "NumberOfRetries");
  refused(Config({{"BufferSizeInMBs", "4"}}), "BufferSizeInMBs");
  refused(Config({{"BufferSizeInMBs", "0.1"}}), "BufferSizeInMBs");
  refused(Config({{"BufferIntervalInSeconds", "30"}}), "BufferIntervalInSeconds");
  refused(Config({{"Delimiter", "x"}}), "'Delimiter' is not one of");
  refused(Config({{"LambdaArn", kArn}}), "given twice");
  ProcessingConfig c;
  EXPECT_FALSE(ParseLambdaArn("arn:aws:lambda:us-east-1:1:function:f:7", &c).ok());  // only $LATEST
  EXPECT_FALSE(ParseLambdaArn("arn:aws:lambda:us-east-1:1:layer:f", &c).ok());
  EXPECT_FALSE(ParseLambdaArn("arn:aws:lambda:us-east-1:1:function:bad name", &c).ok());
  EXPECT_FALSE(ParseLambdaArn("upper", &c).ok());
}

TEST(ProcessingConfigTest, ValidateDestinationChecksProcessingAndTheErrorPrefix) {
  S3Destination d;
  d.processing_json = Config({{"NumberOfRetries", "-1"}});
  EXPECT_FALSE(ValidateDestination(d).ok());
  d.processing_json = Config();
  EXPECT_TRUE(ValidateDestination(d).ok());
  d.error_output_prefix = "err/!{timestamp:yyyy}/";  // expressions without the error type
  EXPECT_FALSE(ValidateDestination(d).ok());
  d.error_output_prefix = "err/!{firehose:error-output-type}/!{timestamp:yyyy}/";
  EXPECT_TRUE(ValidateDestination(d).ok());
}

}  // namespace
}  // namespace freshet::stream::delivery
