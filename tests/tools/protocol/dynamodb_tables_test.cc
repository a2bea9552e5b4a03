// DynamoDB table operations through the dispatcher: shapes and AWS's errors.
#include "tests/tools/protocol/dynamodb_test_util.h"

namespace freshet::protocol::test {
namespace {

Json SensorTable() {
  return {{"TableName", "SensorData"},
          {"KeySchema",
           {{{"AttributeName", "SensorId"}, {"KeyType", "HASH"}},
            {{"AttributeName", "CurrentTime"}, {"KeyType", "RANGE"}}}},
          {"AttributeDefinitions",
           {{{"AttributeName", "SensorId"}, {"AttributeType", "S"}},
            {{"AttributeName", "CurrentTime"}, {"AttributeType", "N"}}}},
          {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}}}};
}

TEST_F(DynamoDbTest, CreateDescribeListDelete) {
  Json created = DOk("CreateTable", SensorTable());
  const Json& t = created["TableDescription"];
  EXPECT_EQ(t["TableName"], "SensorData");
  EXPECT_EQ(t["TableStatus"], "ACTIVE");
  EXPECT_EQ(t["TableArn"], "arn:aws:dynamodb:us-east-1:000000000000:table/SensorData");
  EXPECT_EQ(t["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
  EXPECT_EQ(t["ProvisionedThroughput"]["WriteCapacityUnits"], 7);
  EXPECT_EQ(t["KeySchema"][1]["AttributeName"], "CurrentTime");
  EXPECT_EQ(t["AttributeDefinitions"][1]["AttributeType"], "N");

  DOk("PutItem", {{"TableName", "SensorData"}, {"Item", {{"SensorId", S("a")}, {"CurrentTime", N("1")}}}});
  Json described = DOk("DescribeTable", {{"TableName", "SensorData"}});
  EXPECT_EQ(described["Table"]["ItemCount"], 1);
  EXPECT_GT(described["Table"]["TableSizeBytes"].get<int64_t>(), 0);
  EXPECT_GT(described["Table"]["CreationDateTime"].get<double>(), 1.7e9);

  CreateTable("Other");
  Json list = DOk("ListTables", {{"Limit", 1}});
  EXPECT_EQ(list["TableNames"], Json::array({"Other"}));
  EXPECT_EQ(list["LastEvaluatedTableName"], "Other");
  list = DOk("ListTables", {{"ExclusiveStartTableName", "Other"}});
  EXPECT_EQ(list["TableNames"], Json::array({"SensorData"}));
  EXPECT_FALSE(list.contains("LastEvaluatedTableName"));

  Json deleted = DOk("DeleteTable", {{"TableName", "SensorData"}});
  EXPECT_EQ(deleted["TableDescription"]["TableStatus"], "DELETING");
  Reply gone = D("DescribeTable", {{"TableName", "SensorData"}});
  EXPECT_EQ(ErrorType(gone), "ResourceNotFoundException");
  EXPECT_EQ(Message(gone), "Requested resource not found: Table: SensorData not found");
}

TEST_F(DynamoDbTest, CreateTableErrors) {
  DOk("CreateTable", SensorTable());
  Reply again = D("CreateTable", SensorTable());
  EXPECT_EQ(ErrorType(again), "ResourceInUseException");
  EXPECT_EQ(Message(again), "Table already exists: SensorData");

  Json extra = SensorTable();
  extra["TableName"] = "Tab2";
  extra["AttributeDefinitions"].push_back({{"AttributeName", "x"}, {"AttributeType", "S"}});
  Reply r = D("CreateTable", extra);
  EXPECT_EQ(ErrorType(r), "ValidationException");
  EXPECT_EQ(Message(r),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not "
            "exactly match number of attributes defined in AttributeDefinitions");

  Json missing = SensorTable();
  missing["TableName"] = "Tab3";
  missing["AttributeDefinitions"].erase(1);
  EXPECT_EQ(Message(D("CreateTable", missing)),
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: [SensorId, CurrentTime], AttributeDefinitions: [SensorId]");

  Json no_throughput = SensorTable();
  no_throughput["TableName"] = "Tab4";
  no_throughput.erase("ProvisionedThroughput");
  EXPECT_EQ(Message(D("CreateTable", no_throughput)),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
            "specified when BillingMode is PROVISIONED");

  Json gsi = SensorTable();
  gsi["TableName"] = "Tab5";
  gsi["GlobalSecondaryIndexes"] = Json::array({{{"IndexName", "i"}}});
  Reply refused = D("CreateTable", gsi);
  EXPECT_EQ(ErrorType(refused), "ValidationException");
  EXPECT_NE(Message(refused).find("indexName"), std::string::npos) << Message(refused);  // 3..255 characters

  Json stream = SensorTable();
  stream["TableName"] = "Tab6";
  stream["StreamSpecification"] = {{"StreamEnabled", true}};
  EXPECT_EQ(Message(D("CreateTable", stream)),
            "One or more parameter values were invalid: You must specify a StreamViewType when enabling a stream");
  stream["StreamSpecification"]["StreamViewType"] = "NEW_IMAGE";
  Json with_stream = DOk("CreateTable", stream)["TableDescription"];
  EXPECT_NE(with_stream["LatestStreamArn"].get<std::string>().find(":table/Tab6/stream/"), std::string::npos);

  Json bad_name = SensorTable();
  bad_name["TableName"] = "a b";
  EXPECT_EQ(Message(D("CreateTable", bad_name)),
            "1 validation error detected: Value 'a b' at 'tableName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

TEST_F(DynamoDbTest, PayPerRequestAndTtlAndTags) {
  Json req = SensorTable();
  req.erase("ProvisionedThroughput");
  req["BillingMode"] = "PAY_PER_REQUEST";
  req["Tags"] = Json::array({{{"Key", "team"}, {"Value", "weather"}}});
  Json t = DOk("CreateTable", req)["TableDescription"];
  EXPECT_EQ(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(DOk("DescribeTimeToLive", {{"TableName", "SensorData"}})["TimeToLiveDescription"]["TimeToLiveStatus"],
            "DISABLED");
  Json tags = DOk("ListTagsOfResource", {{"ResourceArn", t["TableArn"]}});
  EXPECT_EQ(tags["Tags"][0]["Value"], "weather");
}

TEST_F(DynamoDbTest, UpdateTableAndTags) {
  DOk("CreateTable", SensorTable());
  Json t = DOk("UpdateTable", {{"TableName", "SensorData"}, {"BillingMode", "PAY_PER_REQUEST"}})["TableDescription"];
  EXPECT_EQ(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(t["ProvisionedThroughput"]["ReadCapacityUnits"], 0);
  Reply no_units = D("UpdateTable", {{"TableName", "SensorData"}, {"BillingMode", "PROVISIONED"}});
  EXPECT_EQ(ErrorType(no_units), "ValidationException");
  DOk("UpdateTable", {{"TableName", "SensorData"},
                      {"BillingMode", "PROVISIONED"},
                      {"ProvisionedThroughput", {{"ReadCapacityUnits", 9}, {"WriteCapacityUnits", 3}}}});
  Json described = DOk("DescribeTable", {{"TableName", "SensorData"}})["Table"];
  EXPECT_EQ(described["ProvisionedThroughput"]["ReadCapacityUnits"], 9);
  EXPECT_EQ(described["BillingModeSummary"]["BillingMode"], "PROVISIONED");
  Reply gsi =
      D("UpdateTable", {{"TableName", "SensorData"}, {"GlobalSecondaryIndexUpdates", {{{"Create", Json::object()}}}}});
  EXPECT_NE(Message(gsi).find("indexName"), std::string::npos) << Message(gsi);  // Create without IndexName

  const std::string arn = described["TableArn"];
  DOk("TagResource",
      {{"ResourceArn", arn}, {"Tags", {{{"Key", "a"}, {"Value", "1"}}, {{"Key", "b"}, {"Value", "2"}}}}});
  DOk("UntagResource", {{"ResourceArn", arn}, {"TagKeys", {"a"}}});
  EXPECT_EQ(DOk("ListTagsOfResource", {{"ResourceArn", arn}})["Tags"], Json::array({{{"Key", "b"}, {"Value", "2"}}}));
  // The key schema is untouched and items still work.
  DOk("PutItem", {{"TableName", "SensorData"}, {"Item", {{"SensorId", S("a")}, {"CurrentTime", N("1")}}}});
  EXPECT_EQ(DOk("DescribeTable", {{"TableName", "SensorData"}})["Table"]["ItemCount"], 1);
}

}  // namespace
}  // namespace freshet::protocol::test
