// Query and Scan: paging, the 1 MB page limit, page tokens, projection, keys read.
#include <random>
#include <set>

#include "query/item_json.h"
#include "tests/query/query_test_util.h"

namespace freshet::query {
namespace {

class TableQueryTest : public StoreTest {
 protected:
  // Stations s00..s(n-1), each with `days` dates, plus a TMAX attribute.
  TableDescription Fill(int stations, int days) {
    const TableDescription t = MakeTable("weather", "station:S", "date:S");
    storage::Batch batch;
    for (int s = 0; s < stations; ++s) {
      for (int d = 0; d < days; ++d) {
        Item item;
        item.Set("station", AttributeValue::S(Station(s)));
        item.Set("date", AttributeValue::S(Date(d)));
        item.Set("TMAX", AttributeValue::N(std::to_string(s * 1000 + d) + ".5"));
        EXPECT_TRUE(store_->AddPut(t, item, &batch).ok());
      }
    }
    EXPECT_TRUE(db_->Write(&batch).ok());
    return t;
  }
  static std::string Station(int s) { return "s" + std::string(s < 10 ? "0" : "") + std::to_string(s); }
  static std::string Date(int d) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "2024-%02d-%02d", 1 + d / 28, 1 + d % 28);
    return buf;
  }
};

TEST_F(TableQueryTest, PagingVisitsEveryItemExactlyOnce) {
  const TableDescription t = Fill(5, 100);
  std::mt19937 rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    const bool reverse = trial % 2 == 1;
    QueryRequest r;
    r.partition = AttributeValue::S(Station(trial % 5));
    r.reverse = reverse;
    r.limit = 1 + rng() % 30;
    std::vector<std::string> dates;
    std::set<std::string> seen;
    for (const Item& item : QueryAll(t, r)) {
      EXPECT_EQ(item.Find("station")->scalar(), Station(trial % 5));
      dates.push_back(item.Find("date")->scalar());
      EXPECT_TRUE(seen.insert(dates.back()).second) << "duplicate " << dates.back();
    }
    ASSERT_EQ(dates.size(), 100u) << "limit " << r.limit;
    EXPECT_TRUE(std::is_sorted(dates.begin(), dates.end(), [&](auto& a, auto& b) { return reverse ? a > b : a < b; }));
  }
  for (size_t limit : {1, 7, 100, 499, 500, 501}) {
    ScanRequest s;
    s.limit = limit;
    size_t count = 0;
    std::set<std::pair<std::string, std::string>> seen;
    for (;;) {
      auto page = store_->Scan(t, s);
      ASSERT_TRUE(page.ok());
      for (const Item& item : page->items) {
        EXPECT_TRUE(seen.insert({item.Find("station")->scalar(), item.Find("date")->scalar()}).second);
      }
      count += page->items.size();
      if (!page->next_token) break;
      s.start_after = *page->next_token;
    }
    EXPECT_EQ(count, 500u) << limit;
  }
}

TEST_F(TableQueryTest, NoTokenWhenThePageEndsTheRange) {
  const TableDescription t = Fill(2, 10);
  QueryRequest r;
  r.partition = AttributeValue::S(Station(0));
  r.limit = 10;
  auto page = store_->Query(t, r);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 10u);
  EXPECT_FALSE(page->next_token.has_value());
  r.limit = 9;
  EXPECT_TRUE(store_->Query(t, r)->next_token.has_value());
}

TEST_F(TableQueryTest, ReadsOnlyTheKeysItReturnsPlusOne) {
  const TableDescription t = Fill(20, 365);
  ASSERT_TRUE(db_->Flush().ok());
  for (int limit : {0, 5}) {
    QueryRequest r;
    r.partition = AttributeValue::S(Station(7));
    r.condition = SortKeyCondition{SortKeyCondition::Op::kBetween, AttributeValue::S("2024-03-01"),
                                   AttributeValue::S("2024-03-28")};
    r.limit = limit;
    storage::StartKeyReadCount();
    auto page = store_->Query(t, r);
    const uint64_t keys_read = storage::KeysReadSinceStart();
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->items.size(), limit ? 5u : 28u);
    EXPECT_LE(keys_read, page->items.size() + 1) << "limit " << limit;
    EXPECT_LE(page->keys_read, page->items.size() + 1);
    r.reverse = true;
    storage::StartKeyReadCount();
    page = store_->Query(t, r);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(storage::KeysReadSinceStart(), page->items.size() + 1) << "reverse, limit " << limit;
  }
}

TEST_F(TableQueryTest, PageStopsAtOneMegabyte) {
  const TableDescription t = MakeTable("blobs", "p:S", "n:N");
  storage::Batch batch;
  for (int i = 0; i < 30; ++i) {
    Item item;
    item.Set("p", AttributeValue::S("x"));
    item.Set("n", AttributeValue::N(std::to_string(i)));
    item.Set("blob", AttributeValue::B(std::string(100 * 1024, 'b')));
    ASSERT_TRUE(store_->AddPut(t, item, &batch).ok());
  }
  ASSERT_TRUE(db_->Write(&batch).ok());
  QueryRequest r;
  r.partition = AttributeValue::S("x");
  auto page = store_->Query(t, r);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 10u);  // 10 x ~100 KB fit in 1 MB, 11 do not
  EXPECT_TRUE(page->next_token.has_value());
  EXPECT_EQ(QueryAll(t, r).size(), 30u);
}

TEST_F(TableQueryTest, BadTokensAreRejected) {
  const TableDescription t = Fill(3, 10);
  QueryRequest r;
  r.partition = AttributeValue::S(Station(1));
  r.limit = 2;
  auto page = store_->Query(t, r);
  ASSERT_TRUE(page.ok() && page->next_token);
  for (std::string token : {std::string("zz"), std::string("abc"), std::string("00"), *page->next_token + "0"}) {
    r.start_after = token;
    auto bad = store_->Query(t, r);
    ASSERT_FALSE(bad.ok()) << token;
    EXPECT_EQ(bad.status().message(), "invalid page token");
  }
  // A token of one partition is outside another partition's range.
  r.start_after = *page->next_token;
  r.partition = AttributeValue::S(Station(2));
  EXPECT_TRUE(store_->Query(t, r).status().IsInvalidArgument());
}

TEST_F(TableQueryTest, ProjectsAttributes) {
  const TableDescription t = Fill(1, 3);
  QueryRequest r;
  r.partition = AttributeValue::S(Station(0));
  r.attributes = {"TMAX"};
  auto page = store_->Query(t, r);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(ItemToPlainJson(page->items[0]), R"({"TMAX":0.5})");
  ScanRequest s;
  s.attributes = {"date"};
  EXPECT_EQ(ItemToPlainJson(store_->Scan(t, s)->items[2]), R"({"date":"2024-01-03"})");
}

}  // namespace
}  // namespace freshet::query
