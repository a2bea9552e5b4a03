// Object keys and prefix expressions as Firehose makes them (stream/delivery/object_naming.h).
#include "stream/delivery/object_naming.h"

#include <gtest/gtest.h>

#include <regex>

namespace freshet::stream::delivery {
namespace {

constexpr uint64_t kMay1 = 1714566896123;  // 2024-05-01T12:34:56.123Z

DeliverySpec Spec(const std::string& prefix, Compression c = Compression::kUncompressed) {
  DeliverySpec s;
  s.name = "weather";
  s.version = 3;
  s.destination.prefix = prefix;
  s.destination.compression = c;
  return s;
}

TEST(ObjectNaming, DefaultKeyHasHourPathNameVersionTimeAndSuffix) {
  FirstRecord first{7, 0, 42, kMay1};
  std::string key = ObjectKey(Spec(""), first);
  std::regex shape(
      R"(2024/05/01/12/weather-3-2024-05-01-12-34-56-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  EXPECT_TRUE(std::regex_match(key, shape)) << key;
  EXPECT_EQ(ObjectKey(Spec("raw/"), first), "raw/" + key);
  std::string gz = ObjectKey(Spec("raw/", Compression::kGzip), first);
  EXPECT_EQ(gz, "raw/" + key + ".gz");
}

TEST(ObjectNaming, SuffixIsAFunctionOfThePosition) {
  FirstRecord a{7, 0, 42, kMay1}, b{7, 0, 43, kMay1}, c{7, 1, 42, kMay1}, d{8, 0, 42, kMay1};
  EXPECT_EQ(PositionSuffix("weather", a), PositionSuffix("weather", a));
  EXPECT_NE(PositionSuffix("weather", a), PositionSuffix("weather", b));
  EXPECT_NE(PositionSuffix("weather", a), PositionSuffix("weather", c));
  EXPECT_NE(PositionSuffix("weather", a), PositionSuffix("weather", d));
  EXPECT_NE(PositionSuffix("weather", a), PositionSuffix("other", a));
  std::string r = PositionRandomString("weather", a);
  EXPECT_EQ(r.size(), 11u);
  EXPECT_EQ(r, PositionRandomString("weather", a));
  EXPECT_NE(r, PositionRandomString("weather", b));
}

TEST(ObjectNaming, CustomPrefixExpressionsReplaceTheHourPath) {
  FirstRecord first{7, 0, 42, kMay1};
  DeliverySpec s = Spec("year=!{timestamp:yyyy}/month=!{timestamp:MM}/!{timestamp:dd'T'HH:mm:ss}/");
  std::string key = ObjectKey(s, first);
  EXPECT_EQ(key.substr(0, key.find("weather-")), "year=2024/month=05/01T12:34:56/");
  s = Spec("r/!{firehose:random-string}/");
  key = ObjectKey(s, first);
  EXPECT_EQ(key.substr(0, 14), "r/" + PositionRandomString("weather", first) + "/");
  EXPECT_EQ(ExpandPrefix("err/!{firehose:error-output-type}/!{timestamp:yyyy}/", "weather", first, "processing-failed"),
            "err/processing-failed/2024/");
}

TEST(ObjectNaming, FormatTimestampPatterns) {
  EXPECT_EQ(FormatTimestamp("yyyy/MM/dd/HH", kMay1), "2024/05/01/12");
  EXPECT_EQ(FormatTimestamp("yy-M-d H:m:s", kMay1), "24-5-1 12:34:56");
  EXPECT_EQ(FormatTimestamp("'at' HH'h'", kMay1), "at 12h");
}

TEST(ObjectNaming, PrefixChecks) {
  EXPECT_TRUE(CheckPrefix("a/!{timestamp:yyyy}/", false).ok());
  EXPECT_FALSE(CheckPrefix("a/!{firehose:error-output-type}/", false).ok());
  EXPECT_TRUE(CheckPrefix("a/!{firehose:error-output-type}/", true).ok());
  EXPECT_FALSE(CheckPrefix("a/!{nope:x}/", false).ok());
  EXPECT_FALSE(CheckPrefix("a/!{timestamp:yyyy", false).ok());
  S3Destination d;
  d.bucket = "b";
  d.prefix = "x/!{timestamp:yyyy}/";
  EXPECT_FALSE(ValidateDestination(d).ok());  // expressions need an ErrorOutputPrefix
  d.error_output_prefix = "errors/";
  EXPECT_TRUE(ValidateDestination(d).ok());
  d.size_mb = 129;
  EXPECT_FALSE(ValidateDestination(d).ok());
  d.size_mb = 1;
  d.interval_seconds = 901;
  EXPECT_FALSE(ValidateDestination(d).ok());
}

TEST(ObjectNaming, Arns) {
  EXPECT_EQ(*BucketFromArn("arn:aws:s3:::my-bucket"), "my-bucket");
  EXPECT_FALSE(BucketFromArn("arn:aws:s3:::").ok());
  EXPECT_FALSE(BucketFromArn("my-bucket").ok());
  EXPECT_EQ(*StreamFromArn("arn:aws:kinesis:us-east-1:000000000000:stream/obs"), "obs");
  EXPECT_FALSE(StreamFromArn("arn:aws:kinesis:us-east-1:000000000000:table/obs").ok());
}

}  // namespace
}  // namespace freshet::stream::delivery
