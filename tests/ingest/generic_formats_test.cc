// Generic JSON lines and CSV with a header: each row becomes a record keyed by a named field.
#include <gtest/gtest.h>

#include "tests/ingest/ingest_test_util.h"
#include "tests/test_util.h"

namespace freshet::ingest {
namespace {

TEST(GenericFormatsTest, JsonLinesKeepTheLineAndKeyByField) {
  freshet::test::TempDir dir;
  std::string text =
      "{\"id\": \"c-1\", \"amount\": 12.50}\n"
      "\n"
      "{\"id\": 7, \"amount\": 1}\n"
      "[1, 2]\n"
      "{\"name\": \"no id\"}\n"
      "{\"id\": \"c-2\", \n";
  test::Ingested got = test::IngestText(dir.path(), "events.jsonl", text, Format::kAuto, "id");
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.format, Format::kJsonLines);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].partition_key, "c-1");
  EXPECT_EQ(got.records[0].data, "{\"id\": \"c-1\", \"amount\": 12.50}");  // exact text kept
  EXPECT_EQ(got.records[1].partition_key, "7");
  std::string p = dir.path() + "/events.jsonl";
  EXPECT_EQ(got.errors, p + ":4: not a JSON object\n" + p + ":5: no field 'id' for the partition key\n" + p +
                            ":6: not valid JSON\n");
}

TEST(GenericFormatsTest, CsvRowsBecomeObjectsOfStrings) {
  freshet::test::TempDir dir;
  std::string text =
      "customer_id,name,zip\n"
      "C001,\"Smith, Jane\",007\n"
      "C002,\"Say \"\"hi\"\"\",20910\n"
      "C003,short\n"
      ",nobody,1\n";
  test::Ingested got = test::IngestText(dir.path(), "customers.csv", text, Format::kAuto, "customer_id");
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.stats.format, Format::kCsv);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].partition_key, "C001");
  EXPECT_EQ(got.records[0].data, R"({"customer_id":"C001","name":"Smith, Jane","zip":"007"})");
  EXPECT_EQ(got.records[1].data, R"({"customer_id":"C002","name":"Say \"hi\"","zip":"20910"})");
  std::string p = dir.path() + "/customers.csv";
  EXPECT_EQ(got.errors, p + ":4: expected 3 fields as in the header, got 2\n" + p +
                            ":5: partition key must be 1 to 256 characters (got 0)\n");
}

TEST(GenericFormatsTest, PartitionKeyFieldIsRequiredAndMustBeInTheHeader) {
  freshet::test::TempDir dir;
  test::Ingested no_field = test::IngestText(dir.path(), "a.csv", "a,b\n1,2\n", Format::kCsv);
  EXPECT_TRUE(no_field.status.IsInvalidArgument());
  EXPECT_NE(no_field.status.message().find("--partition-key-field"), std::string::npos);
  test::Ingested wrong = test::IngestText(dir.path(), "b.csv", "a,b\n1,2\n", Format::kCsv, "c");
  EXPECT_TRUE(wrong.status.IsInvalidArgument());
  EXPECT_EQ(wrong.status.message(), dir.path() + "/b.csv:1: the header has no column 'c' (--partition-key-field)");
}

}  // namespace
}  // namespace freshet::ingest
