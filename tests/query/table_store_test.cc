#include "query/table_store.h"

#include "query/item_json.h"
#include "tests/query/query_test_util.h"

namespace freshet::query {
namespace {

class TableStoreTest : public StoreTest {
 protected:
  Item Parse(const std::string& json) {
    auto item = ParseItemJson(json);
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    return item.ok() ? *item : Item();
  }
  uint64_t Count(const TableDescription& t) { return store_->Stats(t)->item_count; }
};

TEST_F(TableStoreTest, CreateFromCreateTableJsonKeepsTheDocument) {
  auto spec = ParseCreateTable(R"({"TableName":"weather","BillingMode":"PAY_PER_REQUEST",
    "AttributeDefinitions":[{"AttributeName":"station","AttributeType":"S"},{"AttributeName":"date","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"station","KeyType":"HASH"},{"AttributeName":"date","KeyType":"RANGE"}]})");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(store_->Create(*spec).ok());
  auto t = store_->Get("weather");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->partition_key.name, "station");
  ASSERT_TRUE(t->sort_key.has_value());
  EXPECT_EQ(t->sort_key->name, "date");
  EXPECT_NE(t->spec_json.find("PAY_PER_REQUEST"), std::string::npos);
  EXPECT_EQ(store_->Create(*spec).status().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(store_->Get("nope").status().IsNotFound());
  EXPECT_EQ(store_->List()->size(), 1u);
}

TEST_F(TableStoreTest, BadSpecsNameTheField) {
  auto check = [](const std::string& json, const std::string& expect) {
    auto spec = ParseCreateTable(json);
    ASSERT_FALSE(spec.ok());
    EXPECT_TRUE(spec.status().IsInvalidArgument());
    EXPECT_NE(spec.status().message().find(expect), std::string::npos) << spec.status().message();
  };
  check("{", "CreateTable spec");
  check(R"({"KeySchema":[]})", "TableName");
  check(R"({"TableName":"abc","KeySchema":[]})", "HASH");
  check(R"({"TableName":"abc","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}]})", "AttributeDefinitions");
  check(R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"BOOL"}],
           "KeySchema":[{"AttributeName":"k","KeyType":"HASH"}]})", "AttributeType");
  check(R"({"TableName":"a","KeySchema":[]})", "invalid table name");
  EXPECT_FALSE(TableFromFlags("abc", "k:X", "").ok());
  EXPECT_FALSE(TableFromFlags("abc", "k:S", "k:N").ok());
}

TEST_F(TableStoreTest, TypedItemReadBackEqualsItemWritten) {
  const TableDescription t = MakeTable("things", "id:N", "name:S");
  const Item item = Parse(R"({"id":{"N":"42"},"name":{"S":"x"},"v":{"N":"1.500"},"b":{"B":"AAE="},
      "l":{"L":[{"NULL":true},{"M":{"k":{"BOOL":true}}}]},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2"]}})");
  ASSERT_TRUE(store_->PutItem(t, item).ok());
  auto got = store_->GetItem(t, Parse(R"({"id":42,"name":"x"})"));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, item) << ItemToTypedJson(**got);
  // Key numbers come back canonical; the key matches however it is spelled.
  auto again = store_->GetItem(t, Parse(R"({"id":42.0,"name":"x"})"));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->Find("id")->scalar(), "42");
}

TEST_F(TableStoreTest, BadItemsAreRejectedWithNothingWritten) {
  const TableDescription t = MakeTable("things", "id:S", "n:N");
  const char* bad[] = {
      R"({"n":1})",                                     // missing partition key
      R"({"id":"a"})",                                  // missing sort key
      R"({"id":1,"n":1})",                              // wrong key type
      R"({"id":"","n":1})",                             // empty partition key
      R"({"id":"a","n":"1"})",                          // N key given as S
      R"({"id":"a","n":1,"x":1e200})",                  // number out of range
      R"({"id":"a","n":1,"x":123456789012345678901234567890123456789})",  // 39 digits
      R"({"id":{"S":"a"},"n":{"N":"1"},"s":{"SS":[]}})",           // empty set
      R"({"id":{"S":"a"},"n":{"N":"1"},"s":{"NS":["1","1.0"]}})",  // duplicate in set
  };
  for (const char* json : bad) {
    auto item = ParseItemJson(json);
    ASSERT_TRUE(item.ok()) << json;
    storage::Batch batch;
    Status s = store_->AddPut(t, *item, &batch);
    EXPECT_TRUE(s.IsInvalidArgument()) << json;
    EXPECT_TRUE(batch.empty()) << json;
    EXPECT_TRUE(store_->PutItem(t, *item).IsInvalidArgument()) << json;
  }
  Item big = Parse(R"({"id":"a","n":1})");
  big.Set("blob", AttributeValue::B(std::string(400 * 1024, 'x')));
  Status s = store_->PutItem(t, big);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("400 KB"), std::string::npos) << s.message();
  Item long_sort = Parse(R"({"id":"a","n":1})");
  const TableDescription s_table = MakeTable("strs", "id:S", "s:S");
  long_sort.Set("s", AttributeValue::S(std::string(1025, 'x')));
  EXPECT_TRUE(store_->PutItem(s_table, long_sort).IsInvalidArgument());
  EXPECT_EQ(Count(t), 0u);
  EXPECT_EQ(Count(s_table), 0u);
}

TEST_F(TableStoreTest, UpdateSetsRemovesAndUpserts) {
  const TableDescription t = MakeTable("weather", "station:S", "date:S");
  const Item key = Parse(R"({"station":"S1","date":"2024-01-01"})");
  auto created = store_->UpdateItem(t, key, Parse(R"({"TMAX":22.8})"), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto merged = store_->UpdateItem(t, key, Parse(R"({"TMIN":11.1,"PRCP":0})"), {"TMAX"});
  ASSERT_TRUE(merged.ok());
  auto got = store_->GetItem(t, key);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(ItemToPlainJson(**got), R"({"PRCP":0,"TMIN":11.1,"date":"2024-01-01","station":"S1"})");
  EXPECT_EQ(**got, *merged);
  EXPECT_TRUE(store_->UpdateItem(t, key, Parse(R"({"date":"x"})"), {}).status().IsInvalidArgument());
  EXPECT_TRUE(store_->UpdateItem(t, key, Item(), {"station"}).status().IsInvalidArgument());
}

TEST_F(TableStoreTest, DeleteItemAndDeleteTable) {
  const TableDescription t = MakeTable("weather", "station:S", "date:S");
  for (int d = 1; d <= 9; ++d) {
    ASSERT_TRUE(store_->PutItem(t, Parse(R"({"station":"S1","date":"2024-01-0)" + std::to_string(d) + R"("})")).ok());
  }
  auto existed = store_->DeleteItem(t, Parse(R"({"station":"S1","date":"2024-01-01"})"));
  ASSERT_TRUE(existed.ok());
  EXPECT_TRUE(*existed);
  EXPECT_FALSE(*store_->DeleteItem(t, Parse(R"({"station":"S1","date":"2024-01-01"})")));
  EXPECT_EQ(Count(t), 8u);
  ASSERT_TRUE(store_->Delete("weather").ok());
  EXPECT_TRUE(store_->Get("weather").status().IsNotFound());
  EXPECT_EQ(Count(t), 0u);  // the items went with the description
  const TableDescription again = MakeTable("weather", "station:S", "date:S");
  EXPECT_NE(again.id, t.id);
  EXPECT_EQ(Count(again), 0u);
  EXPECT_TRUE(store_->Delete("weather2").IsNotFound());
}

}  // namespace
}  // namespace freshet::query
