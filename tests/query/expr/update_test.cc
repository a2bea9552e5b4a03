// Tests for ApplyUpdate / ProjectUpdated (query/expr/update.h): every clause on weather items,
// arithmetic at 38 digits, list_append, if_not_exists, sets, nested paths and AWS's errors.
#include "query/expr/update.h"

#include <gtest/gtest.h>

#include "query/expr/parser.h"
#include "query/item_json.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

constexpr std::string_view kValues = R"({
  ":one": {"N": "1"}, ":tenth": {"N": "0.1"}, ":big": {"N": "12345678901234567890123456789012345678"},
  ":max": {"N": "99999999999999999999999999999999999999"}, ":s": {"S": "checked"},
  ":more": {"L": [{"N": "30.1"}]}, ":empty": {"L": []}, ":flags": {"SS": ["Q", "S"]}, ":m": {"SS": ["M"]},
  ":hours": {"NS": ["6.0", "24"]}, ":n": {"N": "7"}, ":obj": {"M": {"x": {"N": "1"}}}, ":qs": {"SS": ["Q", "M"]}
})";

// Parses `text` and applies it to *item; returns the error message or "OK".
std::string Apply(std::string_view text, Item* item) {
  ExpressionAttributes attrs = Attrs({{"#s", "status"}}, kValues);
  auto u = ParseUpdate(text, &attrs);
  if (!u.ok()) return u.status().message();
  Status s = ApplyUpdate(*u, item);
  return s.ok() ? "OK" : s.message();
}

std::string Json(const Item& item) { return ItemToTypedJson(item); }
std::string Json(const AttributeValue* v) {
  if (!v) return "missing";
  Item holder;
  holder.Set("v", *v);
  return ItemToTypedJson(holder);
}

class UpdateTest : public ::testing::Test {
 protected:
  const AttributeValue* Get(std::string_view name) { return item_.Find(name); }
  Item item_ = WeatherItem();
};

TEST_F(UpdateTest, SetValuesAndArithmetic) {
  ASSERT_EQ(Apply("SET TMAX = TMAX + :tenth, TMIN = TMIN - :one, #s = :s, checked_by = station", &item_), "OK");
  EXPECT_EQ(Get("TMAX")->scalar(), "31.8");
  EXPECT_EQ(Get("TMIN")->scalar(), "17.9");
  EXPECT_EQ(Get("status")->scalar(), "checked");
  EXPECT_EQ(Get("checked_by")->scalar(), "USW00093721");
}

TEST_F(UpdateTest, SetValuesComeFromTheOriginalItem) {
  // b = a reads a's old value although a is set first.
  Item item = ItemFrom(R"({"a": {"N": "1"}, "b": {"N": "2"}})");
  ASSERT_EQ(Apply("SET a = b, b = a", &item), "OK");
  EXPECT_EQ(item.Find("a")->scalar(), "2");
  EXPECT_EQ(item.Find("b")->scalar(), "1");
}

TEST_F(UpdateTest, ArithmeticKeeps38Digits) {
  Item item = ItemFrom(R"({"c": {"N": "12345678901234567890123456789012345678"}})");
  ASSERT_EQ(Apply("SET c = c + :one, d = :big - :big", &item), "OK");
  EXPECT_EQ(item.Find("c")->scalar(), "12345678901234567890123456789012345679");
  EXPECT_EQ(item.Find("d")->scalar(), "0");
  ASSERT_EQ(Apply("ADD c :one", &item), "OK");
  EXPECT_EQ(item.Find("c")->scalar(), "12345678901234567890123456789012345680");
  Item max = ItemFrom(R"({"c": {"N": "99999999999999999999999999999999999999"}})");
  EXPECT_EQ(Apply("SET c = c + :tenth", &max), "Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(Apply("ADD c :tenth", &max), "Attempting to store more than 38 significant digits in a Number");
  Item huge = ItemFrom(R"({"c": {"N": "9E+125"}})");
  Item copy = huge;
  EXPECT_EQ(Apply("SET c = c + c", &copy),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

TEST_F(UpdateTest, RuntimeErrors) {
  Item item = WeatherItem();
  EXPECT_EQ(Apply("SET x = TAVG + :one", &item),
            "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(Apply("SET x = TAVG", &item),
            "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(Apply("SET x = station + :one", &item),
            "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Apply("SET x = list_append(station, :more)", &item),
            "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Apply("ADD station :one", &item),
            "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Apply("ADD flags :hours", &item),
            "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Apply("DELETE TMAX :m", &item),
            "Invalid UpdateExpression: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Apply("SET nothing.part = :one", &item),
            "The document path provided in the update expression is invalid for update");
  EXPECT_EQ(Apply("SET station.part = :one", &item),
            "The document path provided in the update expression is invalid for update");
  EXPECT_EQ(Apply("SET meta[0] = :one", &item),
            "The document path provided in the update expression is invalid for update");
}

TEST_F(UpdateTest, ListAppendAndIfNotExists) {
  ASSERT_EQ(Apply("SET readings = list_append(readings, :more), history = list_append(if_not_exists(history, "
                  ":empty), :more), TMAX = if_not_exists(TMAX, :one), TAVG = if_not_exists(TAVG, :n)",
                  &item_),
            "OK");
  EXPECT_EQ(Json(Get("readings")), R"({"v":{"L":[{"N":"21.5"},{"N":"28.0"},{"S":"missing"},{"N":"30.1"}]}})");
  EXPECT_EQ(Json(Get("history")), R"({"v":{"L":[{"N":"30.1"}]}})");
  EXPECT_EQ(Get("TMAX")->scalar(), "31.7");
  EXPECT_EQ(Get("TAVG")->scalar(), "7");
  ASSERT_EQ(Apply("SET readings = list_append(:more, readings)", &item_), "OK");
  EXPECT_EQ(Get("readings")->elements()[0].scalar(), "30.1");
}

TEST_F(UpdateTest, Remove) {
  ASSERT_EQ(Apply("REMOVE PRCP, nothing, meta.qc.checks, readings[0], readings[2], absent.deeper", &item_), "OK");
  EXPECT_EQ(Get("PRCP"), nullptr);
  EXPECT_EQ(Json(Get("meta")), R"({"v":{"M":{"qc":{"M":{"passed":{"BOOL":true}}},"source":{"S":"GHCND"}}}})");
  // Indexes refer to the original list: elements 0 and 2 go, 28.0 stays.
  EXPECT_EQ(Json(Get("readings")), R"({"v":{"L":[{"N":"28.0"}]}})");
}

TEST_F(UpdateTest, AddNumbersAndSets) {
  ASSERT_EQ(Apply("ADD SNOW :one, visits :n, flags :flags, hours :hours, new_set :m", &item_), "OK");
  EXPECT_EQ(Get("SNOW")->scalar(), "1");
  EXPECT_EQ(Get("visits")->scalar(), "7");  // created
  EXPECT_EQ(Json(Get("flags")), R"({"v":{"SS":["M","Q","S"]}})");
  EXPECT_EQ(Json(Get("hours")), R"({"v":{"NS":["6","12","18","24"]}})");  // 6.0 is already there as 6
  EXPECT_EQ(Json(Get("new_set")), R"({"v":{"SS":["M"]}})");
}

TEST_F(UpdateTest, DeleteFromSets) {
  ASSERT_EQ(Apply("DELETE flags :m, hours :hours, absent :m", &item_), "OK");
  EXPECT_EQ(Json(Get("flags")), R"({"v":{"SS":["Q"]}})");
  EXPECT_EQ(Json(Get("hours")), R"({"v":{"NS":["12","18"]}})");
  EXPECT_EQ(Get("absent"), nullptr);
  ASSERT_EQ(Apply("DELETE flags :qs", &item_), "OK");
  EXPECT_EQ(Get("flags"), nullptr);  // an empty set is removed
}

TEST_F(UpdateTest, NestedPaths) {
  ASSERT_EQ(Apply("SET meta.qc.passed = :s, meta.reviewer = :obj, readings[1] = :n, readings[9] = :one "
                  "ADD meta.qc.checks :one",
                  &item_),
            "OK");
  EXPECT_EQ(Json(Get("meta")),
            R"({"v":{"M":{"qc":{"M":{"checks":{"N":"13"},"passed":{"S":"checked"}}},"reviewer":{"M":{"x":{"N":"1"}}},)"
            R"("source":{"S":"GHCND"}}}})");
  // readings[9] is past the end: appended.
  EXPECT_EQ(Json(Get("readings")), R"({"v":{"L":[{"N":"21.5"},{"N":"7"},{"S":"missing"},{"N":"1"}]}})");
}

TEST_F(UpdateTest, CreatesItemFromNothing) {
  Item item;
  ASSERT_EQ(Apply("SET station = :s ADD visits :one, flags :m", &item), "OK");
  EXPECT_EQ(Json(item), R"({"flags":{"SS":["M"]},"station":{"S":"checked"},"visits":{"N":"1"}})");
}

TEST_F(UpdateTest, UpdatedNamesAndKeyCheck) {
  ExpressionAttributes attrs = Attrs({}, kValues);
  auto u = ParseUpdate("SET meta.qc.passed = :s, TMAX = :one REMOVE PRCP ADD flags :m", &attrs);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(UpdatedAttributeNames(*u), (std::vector<std::string>{"PRCP", "TMAX", "flags", "meta"}));
  EXPECT_TRUE(CheckKeyNotUpdated(*u, "station", "date").ok());
  ExpressionAttributes attrs2 = Attrs({{"#d", "date"}}, kValues);
  auto k = ParseUpdate("SET #d = :s", &attrs2);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(CheckKeyNotUpdated(*k, "station", "date").message(),
            "Cannot update attribute date. This attribute is part of the key");
}

TEST_F(UpdateTest, ProjectUpdatedOldAndNew) {
  ExpressionAttributes attrs = Attrs({}, kValues);
  auto u = ParseUpdate("SET TMAX = TMAX + :one, meta.qc.checks = :n, readings[1] = :n REMOVE PRCP", &attrs);
  ASSERT_TRUE(u.ok());
  Item old_item = WeatherItem();
  Item new_item = old_item;
  ASSERT_TRUE(ApplyUpdate(*u, &new_item).ok());
  EXPECT_EQ(Json(ProjectUpdated(*u, old_item)),
            R"({"PRCP":{"N":"0.25"},"TMAX":{"N":"31.7"},"meta":{"M":{"qc":{"M":{"checks":{"N":"12"}}}}},)"
            R"("readings":{"L":[{"N":"28.0"}]}})");
  EXPECT_EQ(Json(ProjectUpdated(*u, new_item)),
            R"({"TMAX":{"N":"32.7"},"meta":{"M":{"qc":{"M":{"checks":{"N":"7"}}}}},"readings":{"L":[{"N":"7"}]}})");
}

}  // namespace
}  // namespace freshet::query::expr
