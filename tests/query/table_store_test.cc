#include "query/table_store.h"

#include <tuple>

#include "query/item_json.h"
#include "query/item_key.h"
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
           "KeySchema":[{"AttributeName":"k","KeyType":"HASH"}]})",
        "AttributeType");
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
      R"({"n":1})",                                                       // missing partition key
      R"({"id":"a"})",                                                    // missing sort key
      R"({"id":1,"n":1})",                                                // wrong key type
      R"({"id":"","n":1})",                                               // empty partition key
      R"({"id":"a","n":"1"})",                                            // N key given as S
      R"({"id":"a","n":1,"x":1e200})",                                    // number out of range
      R"({"id":"a","n":1,"x":123456789012345678901234567890123456789})",  // 39 digits
      R"({"id":{"S":"a"},"n":{"N":"1"},"s":{"SS":[]}})",                  // empty set
      R"({"id":{"S":"a"},"n":{"N":"1"},"s":{"NS":["1","1.0"]}})",         // duplicate in set
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

namespace freshet::query {
namespace {

// The exact bytes of the keys and values of `t`, read item by item.
uint64_t ExactBytes(const storage::Db& db, const TableDescription& t) {
  const KeyRange range = TableRange(t.id);
  auto it = db.NewIterator(storage::Cf::kItems, range.lower, range.upper);
  uint64_t bytes = 0;
  for (it->Seek(range.lower); it->Valid(); it->Next()) bytes += it->key().size() + it->value().size();
  return bytes;
}

// Loads `n` weather-shaped items into `t`.
void Load(storage::Db* db, TableStore* store, const TableDescription& t, int n) {
  storage::Batch batch;
  for (int i = 0; i < n; ++i) {
    Item item;
    item.AppendSorted("TMAX", AttributeValue::N(std::to_string(i % 400) + ".5"));
    item.AppendSorted("date", AttributeValue::S("2023-" + std::to_string(1000 + i % 365)));
    item.AppendSorted("station", AttributeValue::S("ST" + std::to_string(i / 365)));
    EXPECT_TRUE(store->AddPut(t, item, &batch).ok());
    if (batch.Count() == 10000) {
      EXPECT_TRUE(db->Write(&batch).ok());
      batch.Clear();
    }
  }
  if (!batch.empty()) {
    EXPECT_TRUE(db->Write(&batch).ok());
  }
}

TEST_F(TableStoreTest, StatsOfALargeTableReadNoItemsAndAreWithinFivePercentOnceFlushed) {
  const TableDescription big = MakeTable("big", "station:S", "date:S");
  const TableDescription small = MakeTable("small", "station:S", "date:S");  // beside it in the files
  Load(db_.get(), store_.get(), big, 100000);
  Load(db_.get(), store_.get(), small, 30000);
  ASSERT_TRUE(db_->Flush().ok());
  const uint64_t big_bytes = ExactBytes(*db_, big), small_bytes = ExactBytes(*db_, small);
  for (const auto& [t, n, bytes] : {std::tuple(big, 100000.0, big_bytes), std::tuple(small, 30000.0, small_bytes)}) {
    storage::StartKeyReadCount();
    auto stats = store_->Stats(t);
    EXPECT_LE(storage::KeysReadSinceStart(), 2u) << t.name;  // O(1): no item is read
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_NEAR(static_cast<double>(stats->item_count), n, 0.05 * n) << t.name;
    EXPECT_NEAR(static_cast<double>(stats->size_bytes), static_cast<double>(bytes), 0.05 * bytes) << t.name;
  }
  // In memtables only, the estimate is RocksDB's walk of the skip list's upper levels: no items
  // read, and it is called large (not counted), but it only bounds the count loosely: over 60
  // runs of this test it ranged from 0.36 to 1.0 of the 50,000 items (the memtable's own entry
  // count caps it), so the bound asserted is the one Stats relies on, more than kExactStatsItems.
  const TableDescription fresh = MakeTable("fresh", "station:S", "date:S");
  Load(db_.get(), store_.get(), fresh, 50000);
  storage::StartKeyReadCount();
  auto stats = store_->Stats(fresh);
  EXPECT_LE(storage::KeysReadSinceStart(), 2u);
  EXPECT_GT(stats->item_count, kExactStatsItems);
  EXPECT_LE(stats->item_count, 50000u);
}

TEST_F(TableStoreTest, SmallTablesAreCountedExactly) {
  const TableDescription t = MakeTable("weather", "station:S", "date:S");
  Load(db_.get(), store_.get(), t, 9000);
  auto key = ParseItemJson(R"({"station":"ST0","date":"2023-1000"})");
  ASSERT_TRUE(store_->DeleteItem(t, *key).ok());
  EXPECT_EQ(store_->Stats(t)->item_count, 8999u);  // the delete and overwrites do not count
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(store_->Stats(t)->item_count, 8999u);
}

TEST_F(TableStoreTest, DescriptionsAreReadOnceUntilATableIsCreatedOrDeleted) {
  MakeTable("weather", "station:S", "date:S");
  ASSERT_TRUE(store_->Get("weather").ok());
  const uint64_t reads = store_->description_reads();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->Get("weather").ok());
  EXPECT_EQ(store_->description_reads(), reads);  // cached
  // Another TableStore of the process (the consumer has its own) deletes and re-creates it.
  TableStore other(db_.get());
  ASSERT_TRUE(other.Delete("weather").ok());
  EXPECT_TRUE(store_->Get("weather").status().IsNotFound());
  auto spec = TableFromFlags("weather", "id:N", "");
  const TableDescription again = *other.Create(*spec);
  auto got = store_->Get("weather");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, again.id);
  EXPECT_EQ(got->partition_key.name, "id");
  EXPECT_FALSE(got->sort_key.has_value());
}

TEST_F(TableStoreTest, AReadOnlyInstanceNeverServesAStaleDescription) {
  const TableDescription first = MakeTable("weather", "station:S", "date:S");
  storage::OpenOptions ro;
  ro.mode = storage::OpenOptions::Mode::kReadOnly;
  auto reader = storage::Db::Open(dir_.path(), ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  TableStore reader_store(reader->get());
  EXPECT_EQ(reader_store.Get("weather")->id, first.id);
  ASSERT_TRUE(store_->Delete("weather").ok());
  const TableDescription second = MakeTable("weather", "id:N", "");
  ASSERT_TRUE((*reader)->CatchUp().ok());
  auto got = reader_store.Get("weather");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, second.id);
  EXPECT_EQ(got->partition_key.name, "id");
}

}  // namespace
}  // namespace freshet::query
