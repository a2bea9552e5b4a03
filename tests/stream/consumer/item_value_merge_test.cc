#include "stream/consumer/item_value_merge.h"

#include <gtest/gtest.h>

#include "query/item_codec.h"
#include "query/item_json.h"

namespace freshet::stream {
namespace {

std::string Encode(const query::Item& item) {
  std::string out;
  query::EncodeItemValue(item, "", "", &out);
  return out;
}

query::Item Parse(const char* typed_json) { return *query::ParseItemJson(typed_json); }

// The merge of encoded values equals encoding the item with the attributes set one by one.
TEST(ItemValueMergeTest, EqualsSettingEachAttributeOnTheDecodedItem) {
  const char* bases[] = {
      R"({})",
      R"({"PRCP":{"N":"1.5"},"TMAX":{"N":"22.80"}})",
      R"({"a":{"S":"x"},"m":{"M":{"in":{"L":[{"N":"1"},{"SS":["p","q"]},{"NULL":true}]}}},"z":{"BOOL":false}})",
      R"({"b":{"B":"AAE="},"ns":{"NS":["1","2"]},"bs":{"BS":["AA=="]},"t":{"BOOL":true}})",
  };
  const char* sets[] = {
      R"({})",
      R"({"PRCP":{"N":"99"}})",
      R"({"A":{"S":"first"},"m":{"S":"replaced"},"zz":{"L":[]}})",
      R"({"a":{"S":"y"},"b":{"N":"0"},"c":{"M":{}},"t":{"NULL":true},"zzz":{"S":"last"}})",
  };
  for (const char* base : bases) {
    for (const char* set : sets) {
      query::Item expected = Parse(base);
      for (const auto& [name, value] : Parse(set)) expected.Set(name, value);
      std::string merged;
      ASSERT_TRUE(MergeItemValues(Encode(Parse(base)), Encode(Parse(set)), &merged)) << base << " + " << set;
      EXPECT_EQ(merged, Encode(expected)) << base << " + " << set;
    }
  }
  std::string merged;  // an absent item (empty value) is an item without attributes
  ASSERT_TRUE(MergeItemValues("", Encode(Parse(sets[2])), &merged));
  EXPECT_EQ(merged, Encode(Parse(sets[2])));
}

TEST(ItemValueMergeTest, MalformedInputIsRefused) {
  const std::string good = Encode(Parse(R"({"a":{"S":"x"},"b":{"N":"1"}})"));
  std::string out;
  EXPECT_FALSE(MergeItemValues(good.substr(0, good.size() - 1), good, &out));  // truncated
  EXPECT_FALSE(MergeItemValues(good + "x", good, &out));                       // trailing bytes
  EXPECT_FALSE(MergeItemValues("\x02\x00", good, &out));                       // unknown version
  std::string bad_tag = good;
  bad_tag[bad_tag.find('S')] = '?';
  EXPECT_FALSE(MergeItemValues(good, bad_tag, &out));
}

}  // namespace
}  // namespace freshet::stream
