// Typed JSON straight from stored items (StoredItemJsonWriter with TableStore::QueryStored /
// ScanStored) against the Item path (Query / Scan, then ItemToTypedJson): byte for byte equal,
// with and without projections, for every attribute type and key type.
#include "query/stored_json.h"

#include <algorithm>

#include "query/item_json.h"
#include "tests/query/query_test_util.h"

namespace freshet::query {
namespace {

class StoredJsonTest : public StoreTest {
 protected:
  Item Parse(const std::string& json) {
    auto item = ParseItemJson(json);
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    return item.ok() ? *item : Item();
  }

  // The items of `t` as the Item path writes them, then as the stored path does.
  std::pair<std::string, std::string> Both(const TableDescription& t, const std::vector<std::string>& attributes) {
    ScanRequest scan;
    scan.attributes = attributes;
    auto page = store_->Scan(t, scan);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::string items;
    for (const Item& item : page->items) items += ItemToTypedJson(item) + "\n";
    StoredItemJsonWriter writer(t, attributes);
    std::string stored;
    auto raw = store_->ScanStored(t, scan, [&](std::string_view key, std::string_view value) {
      FRESHET_RETURN_IF_ERROR(writer.Append(key, value, &stored));
      stored += "\n";
      return Status::OK();
    });
    EXPECT_TRUE(raw.ok()) << raw.status().ToString();
    EXPECT_EQ(raw->count, page->items.size());
    return {items, stored};
  }
};

TEST_F(StoredJsonTest, EveryTypeWritesAsTheItemPathWrites) {
  const TableDescription t = MakeTable("things", "id:S", "n:N");
  const char* items[] = {
      R"({"id":{"S":"a"},"n":{"N":"1.50"},"s":{"S":"q\"uote\\\n"},"num":{"N":"22.80"},"b":{"B":"AAE="}})",
      R"({"id":{"S":"a"},"n":{"N":"-3"},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true}})",
      R"({"id":{"S":"a"},"n":{"N":"1e3"},"l":{"L":[{"S":"x"},{"N":"1"},{"M":{"k":{"SS":["a","b"]}}}]}})",
      R"({"id":{"S":"b"},"n":{"N":"0"},"ss":{"SS":["x","y"]},"ns":{"NS":["1","2.5"]},"bs":{"BS":["AAE=","AQI="]}})",
      R"({"id":{"S":"b"},"n":{"N":"7"},"A":{"S":"before the keys"},"mm":{"M":{"k":{"S":"nested"}}}})",
      R"({"id":{"S":"c\u0000d"},"n":{"N":"5"}})",
  };
  for (const char* json : items) ASSERT_TRUE(store_->PutItem(t, Parse(json)).ok()) << json;
  for (const std::vector<std::string>& projection :
       std::vector<std::vector<std::string>>{{}, {"id"}, {"n", "num"}, {"l", "ss", "A"}, {"nothing"}}) {
    auto [from_items, from_stored] = Both(t, projection);
    EXPECT_FALSE(from_items.empty());
    EXPECT_EQ(from_stored, from_items) << "projection of " << projection.size();
  }
}

// The writer sizes its buffer from the stored bytes (kTypedJsonRoomPerByte per byte): the items
// whose JSON is largest per stored byte (BOOL false in lists and maps with one-letter names, control
// bytes escaped six-fold, sets of empty strings) write as the Item path writes them, within it
// (the ASan build checks the writes).
TEST_F(StoredJsonTest, TheLargestJsonPerStoredByteStaysWithinTheRoom) {
  const TableDescription t = MakeTable("dense", "id:S", "");
  std::string falses, members, controls(300, '\x01');
  for (int i = 0; i < 500; ++i) falses += std::string(i ? "," : "") + R"({"BOOL":false})";
  for (int i = 0; i < 50; ++i) members += (i ? "," : "") + ("\"" + std::string(i + 1, 'k') + "\":{\"BOOL\":false}");
  const std::string escaped_controls = [&] {
    std::string j;
    for (char c : controls) j += "\\u000" + std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c)]);
    return j;
  }();
  const std::string items[] = {
      R"({"id":{"S":"a"},"l":{"L":[)" + falses + "]}}",
      R"({"id":{"S":"b"},"m":{"M":{)" + members + "}},\"z\":{\"BOOL\":false}}",
      R"({"id":{"S":")" + escaped_controls + R"("},"s":{"S":")" + escaped_controls + R"("},"f":{"BOOL":false}})",
      R"({"id":{"S":"d"},"e":{"L":[{"L":[{"L":[]}]},{"M":{}},{"NULL":true}]}})",
  };
  for (const std::string& json : items) ASSERT_TRUE(store_->PutItem(t, Parse(json)).ok()) << json.substr(0, 80);
  auto [from_items, from_stored] = Both(t, {});
  EXPECT_EQ(std::count(from_items.begin(), from_items.end(), '\n'), 4);
  EXPECT_EQ(from_stored, from_items);
}

TEST_F(StoredJsonTest, ABinaryPartitionKeyAndQueryPagesAgree) {
  const TableDescription t = MakeTable("bin", "k:B", "");
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"k":{"B":"AAEC"},"v":{"N":"1"}})")).ok());
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"k":{"B":"/w=="},"v":{"N":"2"}})")).ok());
  auto [from_items, from_stored] = Both(t, {});
  EXPECT_EQ(from_stored, from_items);

  const TableDescription w = MakeTable("weather", "station:S", "date:S");
  for (int d = 1; d <= 9; ++d) {
    for (const char* s : {"S1", "S2"}) {
      ASSERT_TRUE(store_
                      ->PutItem(w, Parse(std::string(R"({"station":")") + s + R"(","date":"2024-01-0)" +
                                         std::to_string(d) + R"(","TMAX":)" + std::to_string(d) + "}"))
                      .ok());
    }
  }
  QueryRequest q;
  q.partition = AttributeValue::S("S2");
  q.limit = 4;
  std::string items, stored;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->Query(w, q);
    ASSERT_TRUE(page.ok());
    for (const Item& item : page->items) items += ItemToTypedJson(item);
    StoredItemJsonWriter writer(w, {});
    auto raw =
        store_->QueryStored(w, q, [&](std::string_view k, std::string_view v) { return writer.Append(k, v, &stored); });
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->next_token, page->next_token);
    if (!page->next_token) break;
    q.start_after = *page->next_token;
  }
  EXPECT_EQ(stored, items);
  EXPECT_NE(stored.find(R"({"TMAX":{"N":"9"},"date":{"S":"2024-01-09"},"station":{"S":"S2"}})"), std::string::npos);
}

TEST_F(StoredJsonTest, MalformedValuesAreCorruptionAndLeaveTheOutputAlone) {
  const TableDescription t = MakeTable("weather", "station:S", "date:S");
  ASSERT_TRUE(store_->PutItem(t, Parse(R"({"station":"S1","date":"d","v":1})")).ok());
  std::string key, value;
  ASSERT_TRUE(store_
                  ->ScanStored(t, {},
                               [&](std::string_view k, std::string_view v) {
                                 key = k;
                                 value = v;
                                 return Status::OK();
                               })
                  .ok());
  StoredItemJsonWriter writer(t, {});
  std::string out = "keep";
  EXPECT_TRUE(writer.Append(key, value.substr(0, value.size() - 1), &out).code() == Status::Code::kCorruption);
  EXPECT_TRUE(writer.Append(key, value + "x", &out).code() == Status::Code::kCorruption);
  EXPECT_TRUE(writer.Append(key.substr(0, 3), value, &out).code() == Status::Code::kCorruption);
  EXPECT_EQ(out, "keep");
  EXPECT_TRUE(writer.Append(key, value, &out).ok());
  EXPECT_EQ(out, R"(keep{"date":{"S":"d"},"station":{"S":"S1"},"v":{"N":"1"}})");
}

}  // namespace
}  // namespace freshet::query
