// DynamoDB Query and Scan through the dispatcher: key conditions, filters, Limit before the
// filter, paging by LastEvaluatedKey, Select, and parallel-scan segments.
#include <set>

#include "tests/tools/protocol/dynamodb_test_util.h"

namespace freshet::protocol::test {
namespace {

class DynamoDbReadsTest : public DynamoDbTest {
 protected:
  void SetUp() override {
    DynamoDbTest::SetUp();
    CreateTable("Rtab", "station", "day", "N");
    for (int s = 0; s < 3; ++s) {
      for (int d = 1; d <= 10; ++d) {
        DOk("PutItem", {{"TableName", "Rtab"},
                        {"Item",
                         {{"station", S("st" + std::to_string(s))},
                          {"day", N(std::to_string(d))},
                          {"tmax", N(std::to_string(d * 10 + s))}}}});
      }
    }
  }
  Json Query(Json extra) {
    Json req = {{"TableName", "Rtab"},
                {"KeyConditionExpression", "station = :s AND #d BETWEEN :a AND :b"},
                {"ExpressionAttributeNames", {{"#d", "day"}}},
                {"ExpressionAttributeValues", {{":s", S("st1")}, {":a", N("3")}, {":b", N("8")}}}};
    for (auto& [k, v] : extra.items()) {
      if (k == "ExpressionAttributeValues") {
        for (auto& [vk, vv] : v.items()) req[k][vk] = vv;
      } else {
        req[k] = v;
      }
    }
    return req;
  }
};

TEST_F(DynamoDbReadsTest, QueryRangeOrderAndCounts) {
  Json r = DOk("Query", Query(Json::object()));
  EXPECT_EQ(r["Count"], 6);
  EXPECT_EQ(r["ScannedCount"], 6);
  EXPECT_EQ(r["Items"][0]["day"], N("3"));
  EXPECT_EQ(r["Items"][5]["day"], N("8"));
  EXPECT_FALSE(r.contains("LastEvaluatedKey"));

  Json back = DOk("Query", Query({{"ScanIndexForward", false}}));
  EXPECT_EQ(back["Items"][0]["day"], N("8"));

  Json count = DOk("Query", Query({{"Select", "COUNT"}}));
  EXPECT_EQ(count["Count"], 6);
  EXPECT_FALSE(count.contains("Items"));
}

TEST_F(DynamoDbReadsTest, LimitCountsBeforeFilterAndPagesResume) {
  Json req = Query({{"Limit", 4}, {"FilterExpression", "tmax > :t"}, {"ExpressionAttributeValues", {{":t", N("60")}}}});
  Json page1 = DOk("Query", req);
  EXPECT_EQ(page1["ScannedCount"], 4);  // days 3..6
  EXPECT_EQ(page1["Count"], 1);         // only day 6 (tmax 61) passes
  EXPECT_EQ(page1["LastEvaluatedKey"], Json({{"day", N("6")}, {"station", S("st1")}}));
  req["ExclusiveStartKey"] = page1["LastEvaluatedKey"];
  Json page2 = DOk("Query", req);
  EXPECT_EQ(page2["ScannedCount"], 2);  // days 7, 8
  EXPECT_EQ(page2["Count"], 2);
  EXPECT_FALSE(page2.contains("LastEvaluatedKey"));
}

TEST_F(DynamoDbReadsTest, QueryErrors) {
  EXPECT_EQ(Message(D("Query", {{"TableName", "Rtab"}})),
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  Reply filter_on_key = D("Query", Query({{"FilterExpression", "#d > :a"}}));
  EXPECT_EQ(Message(filter_on_key),
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: day");
  Reply index = D("Query", Query({{"IndexName", "byTmax"}}));
  EXPECT_EQ(ErrorType(index), "ValidationException");
  EXPECT_EQ(Message(index), "The table does not have the specified index: byTmax");
  Reply unused = D("Query", Query({{"ExpressionAttributeValues", {{":x", N("1")}}}}));
  EXPECT_EQ(Message(unused), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
}

TEST_F(DynamoDbReadsTest, LegacyKeyConditionsAndAttributesToGet) {
  Json r = DOk("Query", {{"TableName", "Rtab"},
                         {"KeyConditions",
                          {{"station", {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {S("st2")}}}},
                           {"day", {{"ComparisonOperator", "GE"}, {"AttributeValueList", {N("9")}}}}}},
                         {"AttributesToGet", {"tmax"}}});
  EXPECT_EQ(r["Items"], Json::array({{{"tmax", N("92")}}, {{"tmax", N("102")}}}));
}

TEST_F(DynamoDbReadsTest, ScanPagesAndSegmentsCoverTheTableOnce) {
  std::multiset<std::string> seen;
  Json req = {{"TableName", "Rtab"}, {"Limit", 7}};
  for (int pages = 0; pages < 10; ++pages) {
    Json r = DOk("Scan", req);
    for (const Json& item : r["Items"])
      seen.insert(item["station"]["S"].get<std::string>() + item["day"]["N"].get<std::string>());
    if (!r.contains("LastEvaluatedKey")) break;
    req["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  }
  EXPECT_EQ(seen.size(), 30u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 30u);

  std::multiset<std::string> by_segment;
  for (int seg = 0; seg < 4; ++seg) {
    Json r = DOk("Scan", {{"TableName", "Rtab"}, {"Segment", seg}, {"TotalSegments", 4}});
    for (const Json& item : r["Items"]) {
      by_segment.insert(item["station"]["S"].get<std::string>() + item["day"]["N"].get<std::string>());
    }
    EXPECT_EQ(r["ScannedCount"], r["Count"]);
  }
  EXPECT_EQ(by_segment, seen);
  EXPECT_EQ(Message(D("Scan", {{"TableName", "Rtab"}, {"Segment", 4}, {"TotalSegments", 4}})),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not "
            "less than TotalSegments: 4");

  Json filtered = DOk("Scan", {{"TableName", "Rtab"},
                               {"FilterExpression", "#d = :d"},
                               {"ExpressionAttributeNames", {{"#d", "day"}}},
                               {"ExpressionAttributeValues", {{":d", N("10")}}},
                               {"Select", "COUNT"}});
  EXPECT_EQ(filtered["Count"], 3);
  EXPECT_EQ(filtered["ScannedCount"], 30);
}

}  // namespace
}  // namespace freshet::protocol::test
