// Query and Scan answered straight from the stored items (RunStored: no filter, projection,
// COUNT, index or segment) against the same reads through decoded Items (forced by a filter
// that keeps every item): every page, Limit, LastEvaluatedKey and the 1 MB page limit must be
// the same, for every attribute type.
#include "query/item_codec.h"
#include "tests/tools/protocol/dynamodb_test_util.h"
#include "tools/protocol/dynamodb_codec.h"

namespace freshet::protocol::test {
namespace {

using dynamodb::DecodeItem;
using dynamodb::ItemSize;
using query::Item;

class DynamoDbStoredReadsTest : public DynamoDbTest {
 protected:
  // The read as the HTTP transport asks for it (text accepted); the text must be JSON.
  Json Stored(const std::string& op, const Json& request) {
    RequestContext context;
    context.raw_ok = true;
    Reply r = dispatcher_->Dispatch(Target(Service::kDynamoDb, op), request, context);
    EXPECT_EQ(r.http_status, 200) << r.Text();
    EXPECT_FALSE(r.raw_body.empty()) << op << " was not answered from the stored items: " << request.dump();
    return Json::parse(r.Text());
  }
  // The same read through decoded Items: a filter that keeps every item takes the other path.
  Json ThroughItems(const std::string& op, Json request) {
    request["FilterExpression"] = "attribute_not_exists(#nothere)";
    request["ExpressionAttributeNames"]["#nothere"] = "no_such_attribute";
    RequestContext context;
    context.raw_ok = true;
    Reply r = dispatcher_->Dispatch(Target(Service::kDynamoDb, op), request, context);
    EXPECT_EQ(r.http_status, 200) << r.Text();
    EXPECT_TRUE(r.raw_body.empty());
    return r.body;
  }
  // Pages through `request` both ways, comparing every page; returns the pages read.
  int CompareAllPages(const std::string& op, Json request) {
    int pages = 0;
    for (; pages < 1000; ++pages) {
      Json stored = Stored(op, request), items = ThroughItems(op, request);
      EXPECT_EQ(stored, items) << op << " page " << pages << " of " << request.dump();
      if (stored != items || !stored.contains("LastEvaluatedKey")) break;
      request["ExclusiveStartKey"] = stored["LastEvaluatedKey"];
    }
    return pages + 1;
  }
  static Json Every(int i) {
    Json item = {{"station", S(i % 2 ? "odd" : "even")},
                 {"date", S("2024-01-" + std::to_string(10 + i))},
                 {"text", S("quote \" backslash \\ newline \n tab \t control \x01 utf-8 é 😀 #" + std::to_string(i))},
                 {"big", N("12345678901234567890123456789012345678")},
                 {"small", N("-0.000000000000000000000000000000001")},
                 {"exp", N("1.5E+20")},
                 {"bytes", {{"B", "AAEC/w=="}}},
                 {"yes", {{"BOOL", true}}},
                 {"no", {{"BOOL", false}}},
                 {"nothing", {{"NULL", true}}},
                 {"list", {{"L", {S("a"), N("2"), {{"M", {{"k", S("v")}, {"n", {{"NULL", true}}}}}}}}}},
                 {"map", {{"M", {{"inner", {{"L", Json::array()}}}, {"set", {{"SS", {"x", "y"}}}}}}}},
                 {"strings", {{"SS", {"b", "a\"", "c"}}}},
                 {"numbers", {{"NS", {"1", "22.5", "-3"}}}},
                 {"blobs", {{"BS", {"AQ==", "Ag=="}}}},
                 {"empty", S("")}};
    if (i % 3 == 0) item.erase("map");  // items differ in their attributes
    return item;
  }
};

TEST_F(DynamoDbStoredReadsTest, EveryPageOfEveryTypeIsWhatTheItemPathAnswers) {
  CreateTable("Mixed");
  for (int i = 0; i < 20; ++i) DOk("PutItem", {{"TableName", "Mixed"}, {"Item", Every(i)}});
  for (const char* station : {"odd", "even"}) {
    for (bool forward : {true, false}) {
      for (int limit : {0, 1, 3, 7}) {
        Json req = {
            {"TableName", "Mixed"},
            {"KeyConditionExpression", "station = :s AND #d BETWEEN :a AND :b"},
            {"ExpressionAttributeNames", {{"#d", "date"}}},
            {"ExpressionAttributeValues", {{":s", S(station)}, {":a", S("2024-01-12")}, {":b", S("2024-01-27")}}},
            {"ScanIndexForward", forward}};
        if (limit) req["Limit"] = limit;
        // 8 items per station in the range: Limit 1 reads 8 pages and a last empty one, as DynamoDB
        const int want = limit == 0 ? 1 : 8 / limit + 1;
        EXPECT_EQ(CompareAllPages("Query", req), want) << station << " limit " << limit;
      }
    }
  }
  for (int limit : {0, 1, 4, 19, 20, 21}) {
    Json req = {{"TableName", "Mixed"}};
    if (limit) req["Limit"] = limit;
    CompareAllPages("Scan", req);
    // Projections of top-level attributes, key attributes among them or not, present or not.
    req["ProjectionExpression"] = "#d, #t, big, #m, no_such_attribute";
    req["ExpressionAttributeNames"] = {{"#d", "date"}, {"#t", "text"}, {"#m", "map"}};
    CompareAllPages("Scan", req);
    req["ProjectionExpression"] = "station";
    req.erase("ExpressionAttributeNames");
    CompareAllPages("Scan", req);
    req.erase("ProjectionExpression");
    req["AttributesToGet"] = {"exp", "date"};
    CompareAllPages("Scan", req);
  }
  Json projected = Stored("Scan", {{"TableName", "Mixed"}, {"ProjectionExpression", "big, station"}, {"Limit", 1}});
  EXPECT_EQ(projected["Items"],
            Json::array({{{"big", N("12345678901234567890123456789012345678")}, {"station", S("even")}}}));
  // A nested path is projected from the decoded item (the other path).
  RequestContext text;
  text.raw_ok = true;
  Reply nested = dispatcher_->Dispatch(Target(Service::kDynamoDb, "Scan"),
                                       {{"TableName", "Mixed"},
                                        {"ProjectionExpression", "#l[0], #m.#i"},
                                        {"ExpressionAttributeNames", {{"#l", "list"}, {"#m", "map"}, {"#i", "inner"}}}},
                                       text);
  ASSERT_EQ(nested.http_status, 200) << nested.Text();
  EXPECT_TRUE(nested.raw_body.empty());
  EXPECT_EQ(nested.body["Items"][1],
            Json({{"list", {{"L", {S("a")}}}}, {"map", {{"M", {{"inner", {{"L", Json::array()}}}}}}}}));
  Json whole = Stored("Scan", {{"TableName", "Mixed"}});
  ASSERT_EQ(whole["Items"].size(), 20u);
  EXPECT_EQ(whole["Count"], 20);
  EXPECT_EQ(whole["ScannedCount"], 20);
  // The strings and numbers read back as they were put.
  for (const Json& item : whole["Items"]) {
    const std::string date = item["date"]["S"];
    const Json put = Every(std::stoi(date.substr(8)) - 10);
    for (const char* name : {"station", "text", "big", "small", "bytes", "list", "empty"}) {
      EXPECT_EQ(item[name], put[name]) << date << " " << name;
    }
  }
}

// The 1 MB limit counts DynamoDB's item size (names plus values, N by digits), read here from the
// stored bytes. Items of exactly 104,858 bytes: ten of them reach 1,048,576 (1 MB), so a page
// stops after the tenth; a size off by one byte would stop after the eleventh.
TEST_F(DynamoDbStoredReadsTest, TheOneMegabytePageStopsAtTheSameItem) {
  CreateTable("Big");
  // station(7)+"p"(1) + date(4)+10 + blob(4)+L + num(3)+NumberSize("12345")=4  =  33 + L
  const size_t blob = 104858 - 33;
  for (int i = 0; i < 25; ++i) {
    char date[16];
    std::snprintf(date, sizeof(date), "2024-02-%02d", i + 1);
    Json item = {{"station", S("p")}, {"date", S(date)}, {"blob", S(std::string(blob, 'x'))}, {"num", N("12345")}};
    Item decoded = DecodeItem(item, "Item").value();
    ASSERT_EQ(ItemSize(decoded), 104858u);
    DOk("PutItem", {{"TableName", "Big"}, {"Item", item}});
  }
  Json query = {{"TableName", "Big"},
                {"KeyConditionExpression", "station = :s"},
                {"ExpressionAttributeValues", {{":s", S("p")}}}};
  Json first = Stored("Query", query);
  EXPECT_EQ(first["Count"], 10);
  EXPECT_EQ(first["LastEvaluatedKey"], Json({{"date", S("2024-02-10")}, {"station", S("p")}}));
  EXPECT_EQ(CompareAllPages("Query", query), 3);  // 10 + 10 + 5
  EXPECT_EQ(CompareAllPages("Scan", {{"TableName", "Big"}}), 3);
}

// The walk over stored bytes counts what ItemSize counts on the decoded item, for every type.
TEST_F(DynamoDbStoredReadsTest, EncodedItemSizeIsItemSize) {
  for (int i = 0; i < 6; ++i) {
    Item item = DecodeItem(Every(i), "Item").value();
    std::string value;
    query::EncodeItemValue(item, "", "", &value);
    size_t size = 0;
    ASSERT_TRUE(query::EncodedItemSize(value, &size));
    EXPECT_EQ(size, ItemSize(item)) << i;
    EXPECT_FALSE(query::EncodedItemSize(value.substr(0, value.size() - 1), &size));
  }
}

}  // namespace
}  // namespace freshet::protocol::test
