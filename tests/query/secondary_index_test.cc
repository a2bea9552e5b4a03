// Secondary indexes through TableStore: entries follow puts, replacements and removes in the
// item's batch; sparse and typed; a GSI's equal keys stay distinct; index queries page in index
// order; AddIndex + AddIndexEntries backfill; DropIndex and DeleteTable remove the entries.
#include "query/secondary_index.h"

#include "query/item_json.h"
#include "query/table_store.h"
#include "tests/query/query_test_util.h"

namespace freshet::query {
namespace {

class SecondaryIndexTest : public StoreTest {
 protected:
  TableDescription Create() {
    auto spec = ParseCreateTable(R"({"TableName":"obs",
      "AttributeDefinitions":[{"AttributeName":"st","AttributeType":"S"},{"AttributeName":"d","AttributeType":"S"},
                              {"AttributeName":"t","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"st","KeyType":"HASH"},{"AttributeName":"d","KeyType":"RANGE"}],
      "LocalSecondaryIndexes":[{"IndexName":"by_t","KeySchema":[{"AttributeName":"st","KeyType":"HASH"},
          {"AttributeName":"t","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
      "GlobalSecondaryIndexes":[{"IndexName":"by_g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
          "Projection":{"ProjectionType":"ALL"}}]})");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    auto t = store_->Create(*spec);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    auto got = store_->Get("obs");  // through the stored description
    return *got;
  }
  Item Parse(const std::string& json) { return *ParseItemJson(json); }
  std::vector<std::string> IndexValues(const TableDescription& t, const char* index, const std::string& attr,
                                       const AttributeValue& partition) {
    QueryRequest q;
    q.partition = partition;
    std::vector<std::string> out;
    for (;;) {
      auto page = store_->QueryIndex(t, *t.FindIndex(index), q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      for (const Item& i : page->items) out.push_back(i.Find(attr) ? i.Find(attr)->scalar() : "-");
      if (!page->next_token) break;
      q.start_after = *page->next_token;
    }
    return out;
  }
  size_t Entries(const TableDescription& t) {
    const KeyRange r = AllIndexesRange(t.id);
    auto it = db_->NewIterator(storage::Cf::kItems, r.lower, r.upper);
    size_t n = 0;
    for (it->Seek(r.lower); it->Valid(); it->Next()) ++n;
    return n;
  }
};

TEST_F(SecondaryIndexTest, DescriptionKeepsIndexes) {
  const TableDescription t = Create();
  ASSERT_EQ(t.indexes.size(), 2u);
  EXPECT_FALSE(t.FindIndex("by_t")->global);
  EXPECT_TRUE(t.FindIndex("by_g")->global);
  EXPECT_EQ(t.FindIndex("by_t")->projection, IndexDescription::Projection::kKeysOnly);
  EXPECT_NE(t.FindIndex("by_t")->number, t.FindIndex("by_g")->number);
}

TEST_F(SecondaryIndexTest, EntriesFollowWritesAndStaySparse) {
  const TableDescription t = Create();
  ASSERT_TRUE(
      store_->PutItem(t, Parse(R"({"st":{"S":"A"},"d":{"S":"1"},"t":{"N":"5"},"g":{"S":"x"},"z":{"S":"p"}})")).ok());
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"st":{"S":"A"},"d":{"S":"2"},"t":{"N":"-1"},"g":{"S":"x"}})")).ok());
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"st":{"S":"B"},"d":{"S":"1"},"g":{"S":"x"}})")).ok());  // no t
  EXPECT_EQ(IndexValues(t, "by_t", "t", AttributeValue::S("A")), (std::vector<std::string>{"-1", "5"}));
  EXPECT_EQ(IndexValues(t, "by_g", "st", AttributeValue::S("x")), (std::vector<std::string>{"A", "A", "B"}));
  EXPECT_EQ(Entries(t), 5u);
  // KEYS_ONLY keeps no other attribute.
  QueryRequest q;
  q.partition = AttributeValue::S("A");
  EXPECT_EQ(store_->QueryIndex(t, *t.FindIndex("by_t"), q)->items[1].Find("z"), nullptr);
  // Replacing moves the entries; removing the attribute removes them.
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"st":{"S":"A"},"d":{"S":"1"},"t":{"N":"7"}})")).ok());
  EXPECT_EQ(IndexValues(t, "by_t", "t", AttributeValue::S("A")), (std::vector<std::string>{"-1", "7"}));
  EXPECT_EQ(IndexValues(t, "by_g", "st", AttributeValue::S("x")), (std::vector<std::string>{"A", "B"}));
  ASSERT_TRUE(store_->DeleteItem(t, Parse(R"({"st":{"S":"A"},"d":{"S":"2"}})")).ok());
  EXPECT_EQ(IndexValues(t, "by_t", "t", AttributeValue::S("A")), (std::vector<std::string>{"7"}));
  EXPECT_EQ(Entries(t), 2u);
  // A mistyped index key refuses the write, leaving the batch untouched.
  storage::Batch batch;
  Status s = store_->AddPut(t, Parse(R"({"st":{"S":"C"},"d":{"S":"1"},"g":{"N":"1"}})"), &batch);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("Type mismatch for Index Key g Expected: S Actual: N IndexName: by_g"), std::string::npos);
  EXPECT_TRUE(batch.empty());
  // DeleteTable takes the entries with it.
  ASSERT_TRUE(store_->Delete("obs").ok());
  EXPECT_EQ(Entries(t), 0u);
}

TEST_F(SecondaryIndexTest, IndexPagesAndConditionsOnTheIndexSortKey) {
  const TableDescription t = Create();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store_
                    ->PutItem(t, Parse(R"({"st":{"S":"A"},"d":{"S":"d)" + std::to_string(100 + i) + R"("},"t":{"N":")" +
                                       std::to_string(i % 10) + R"("}})"))
                    .ok());
  }
  QueryRequest q;
  q.partition = AttributeValue::S("A");
  q.condition = SortKeyCondition{SortKeyCondition::Op::kEq, AttributeValue::N("3"), {}};
  q.limit = 2;
  size_t n = 0, pages = 0;
  for (;; ++pages) {
    auto page = store_->QueryIndex(t, *t.FindIndex("by_t"), q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Item& i : page->items) {
      EXPECT_EQ(i.Find("t")->scalar(), "3");
      ++n;
    }
    if (!page->next_token) break;
    q.start_after = *page->next_token;
  }
  EXPECT_EQ(n, 3u);  // equal index keys, told apart by the table key
  EXPECT_EQ(pages, 1u);
  q = QueryRequest();
  q.partition = AttributeValue::S("A");
  q.condition = SortKeyCondition{SortKeyCondition::Op::kBetween, AttributeValue::N("2"), AttributeValue::N("4")};
  q.reverse = true;
  auto page = store_->QueryIndex(t, *t.FindIndex("by_t"), q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 9u);
  EXPECT_EQ(page->items.front().Find("t")->scalar(), "4");
  EXPECT_EQ(page->items.back().Find("t")->scalar(), "2");
}

TEST_F(SecondaryIndexTest, AddIndexBackfillsAndDropIndexRemoves) {
  const TableDescription plain = MakeTable("later", "id:N", "");
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(store_
                    ->PutItem(plain, Parse(R"({"id":{"N":")" + std::to_string(i) + R"("},"k":{"S":"g)" +
                                           std::to_string(i % 3) + R"("}})"))
                    .ok());
  }
  auto index = ParseIndex(R"({"IndexName":"by_k","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],
                              "Projection":{"ProjectionType":"ALL"}})",
                          R"([{"AttributeName":"k","AttributeType":"S"}])", true);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto t = store_->AddIndex(plain, *index);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->FindIndex("by_k")->backfilling);
  // A write through the OLD description (read before AddIndex) maintains the new index too.
  ASSERT_TRUE(store_->PutItem(plain, Parse(R"({"id":{"N":"1000"},"k":{"S":"g0"}})")).ok());
  std::string after;
  for (;;) {
    auto keys = store_->ItemKeys(*t, after, 16);
    ASSERT_TRUE(keys.ok());
    if (keys->empty()) break;
    storage::Batch batch;
    ASSERT_TRUE(store_->AddIndexEntries(*t, *t->FindIndex("by_k"), *keys, &batch).ok());
    ASSERT_TRUE(db_->Write(&batch).ok());
    after = keys->back();
  }
  ASSERT_TRUE(store_->FinishIndex(*t, "by_k").ok());
  auto done = store_->Get("later");
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->FindIndex("by_k")->backfilling);
  EXPECT_EQ(IndexValues(*done, "by_k", "id", AttributeValue::S("g0")).size(), 35u);
  EXPECT_EQ(store_->IndexStats(*done, *done->FindIndex("by_k"))->item_count, 101u);
  ASSERT_TRUE(store_->DropIndex(*done, "by_k").ok());
  EXPECT_EQ(Entries(*done), 0u);
  EXPECT_TRUE(store_->Get("later")->indexes.empty());
}

}  // namespace
}  // namespace freshet::query
