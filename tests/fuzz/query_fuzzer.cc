// Fuzzes what query/ parses or decodes: items in typed and plain JSON, CreateTable documents,
// plain values, page tokens, key text from the command line, and the binary item codec.
//
// The first byte of the input picks the mode ((byte - '0') mod kModes, so seeds stay readable);
// the rest is the payload. Where a round trip is documented it is checked, and a broken one
// aborts (which libFuzzer reports as a crash):
//   0  ParseItemJson; ParseItemJson(ItemToTypedJson(x)) == x; DecodeItemValue(EncodeItemValue(x)) == x
//   1  ParseCreateTable; DescriptionFromJson(DescriptionToJson(x)) keeps the key schema
//   2  ParsePlainValueJson, and the value as an item attribute through the codec
//   3  DecodePageToken for a fixed table and range; the key re-encodes to the same token
//   4  DecodeItemValue on raw bytes; a decoded item re-encodes and decodes to itself
//   5  ParseKeyText as S, N and B; the value round-trips through the item key
//   6  DecodeItemKey on raw bytes for tables keyed S/N/B
//   7  TableFromFlags("NAME,PARTITION,SORT" as --name, --partition-key, --sort-key); as 1
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "query/item.h"
#include "query/item_codec.h"
#include "query/item_json.h"
#include "query/item_key.h"
#include "query/key_condition.h"
#include "query/table_description.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

constexpr int kModes = 8;
constexpr uint32_t kTableId = 7;

void Check(bool ok) {
  if (!ok) std::abort();
}

TableDescription Table(KeyType partition, std::optional<KeyType> sort) {
  TableDescription t;
  t.name = "fuzz";
  t.id = kTableId;
  t.partition_key = {"pk", partition};
  if (sort) t.sort_key = KeyAttribute{"sk", *sort};
  return t;
}

// The codec round trip: every item the JSON readers accept can be stored and read back.
void CheckCodecRoundTrip(const Item& item) {
  std::string encoded;
  EncodeItemValue(item, "", "", &encoded);
  Item decoded;
  Check(DecodeItemValue(encoded, &decoded));
  Check(decoded == item);
}

// The readers are lenient and TableStore validates on write (query/table_store.cc); this is
// that validation (non-empty names, valid numbers, non-empty sets without duplicates), which
// the typed round trip below relies on.
bool Storable(const AttributeValue& v, int depth) {
  if (depth > kMaxDepth) return false;
  switch (v.type()) {
    case AttributeValue::Type::kN: return codec::CanonicalNumber(v.scalar()).ok();
    case AttributeValue::Type::kL:
      for (const AttributeValue& e : v.elements()) {
        if (!Storable(e, depth + 1)) return false;
      }
      return true;
    case AttributeValue::Type::kM:
      for (const auto& [name, member] : v.map()) {
        if (name.empty() || !Storable(member, depth + 1)) return false;
      }
      return true;
    case AttributeValue::Type::kSS:
    case AttributeValue::Type::kNS:
    case AttributeValue::Type::kBS: {
      std::set<std::string> seen;
      for (const AttributeValue& e : v.elements()) {
        std::string canonical = e.scalar();
        if (v.type() == AttributeValue::Type::kNS) {
          Result<std::string> c = codec::CanonicalNumber(e.scalar());
          if (!c.ok()) return false;
          canonical = *c;
        }
        if (!seen.insert(canonical).second) return false;
      }
      return !v.elements().empty();
    }
    default: return true;
  }
}

bool Storable(const Item& item) {
  for (const auto& [name, value] : item) {
    if (name.empty() || !Storable(value, 1)) return false;
  }
  return true;
}

void FuzzItemJson(std::string_view payload) {
  Result<Item> item = ParseItemJson(payload);
  if (!item.ok()) return;
  (void)ItemToPlainJson(*item);
  std::string typed = ItemToTypedJson(*item);
  CheckCodecRoundTrip(*item);
  if (!Storable(*item)) return;
  // "typed output is lossless" for every item a table can hold.
  Result<Item> again = ParseItemJson(typed);
  Check(again.ok() && *again == *item);
}

void CheckDescription(const Result<TableDescription>& desc) {
  if (!desc.ok()) return;
  Check(ValidateTableName(desc->name).ok());
  Result<TableDescription> back = DescriptionFromJson(DescriptionToJson(*desc));
  Check(back.ok());
  Check(back->name == desc->name && back->partition_key.name == desc->partition_key.name &&
        back->partition_key.type == desc->partition_key.type &&
        back->sort_key.has_value() == desc->sort_key.has_value());
  if (desc->sort_key)
    Check(back->sort_key->name == desc->sort_key->name && back->sort_key->type == desc->sort_key->type);
}

void FuzzCreateTable(std::string_view payload) { CheckDescription(ParseCreateTable(payload)); }

void FuzzTableFlags(std::string_view payload) {
  size_t c1 = payload.find(',');
  size_t c2 = c1 == std::string_view::npos ? c1 : payload.find(',', c1 + 1);
  if (c2 == std::string_view::npos) return;
  CheckDescription(TableFromFlags(payload.substr(0, c1), payload.substr(c1 + 1, c2 - c1 - 1), payload.substr(c2 + 1)));
}

void FuzzPlainValue(std::string_view payload) {
  Result<AttributeValue> value = ParsePlainValueJson(payload);
  if (!value.ok()) return;
  std::string json;
  AppendPlainJson(*value, &json);
  Item item;
  item.Set("v", *value);
  CheckCodecRoundTrip(item);
}

void FuzzPageToken(std::string_view payload) {
  static const TableDescription table = Table(KeyType::kS, KeyType::kN);
  static const KeyRange whole = TableRange(kTableId);
  Result<std::string> key = DecodePageToken(kTableId, payload, whole);
  if (key.ok()) {
    Check(whole.Contains(*key));
    Check(key->size() >= 4);
    // Lowercase hex is the canonical token; anything accepted must name the same key again.
    Result<std::string> again = DecodePageToken(kTableId, EncodePageToken(*key), whole);
    Check(again.ok() && *again == *key);
    Item item;
    (void)DecodeItemKey(table, *key, &item);
  }
  // The same token within one partition's range.
  Result<KeyRange> range = QueryRange(table, AttributeValue::S("USW00093721"), std::nullopt);
  Check(range.ok());
  Result<std::string> in_range = DecodePageToken(kTableId, payload, *range);
  if (in_range.ok()) Check(range->Contains(*in_range));
}

void FuzzItemValue(std::string_view payload) {
  Item item;
  if (!DecodeItemValue(payload, &item)) return;
  CheckCodecRoundTrip(item);
  // Stored values are read back as JSON by every reader.
  (void)ItemToTypedJson(item);
  (void)ItemToPlainJson(item);
}

void FuzzKeyText(std::string_view payload) {
  for (KeyType type : {KeyType::kS, KeyType::kN, KeyType::kB}) {
    Result<AttributeValue> value = ParseKeyText(type, payload, "--key");
    if (!value.ok()) continue;
    TableDescription table = Table(type, std::nullopt);
    Item item;
    item.Set("pk", *value);
    std::string key;
    if (!AppendItemKey(table, item, &key).ok()) continue;  // e.g. empty or too long
    Item decoded;
    Check(DecodeItemKey(table, key, &decoded));
    const AttributeValue* pk = decoded.Find("pk");
    Check(pk != nullptr && pk->type() == value->type());
    if (type != KeyType::kN) Check(pk->scalar() == value->scalar());  // N reads back canonical
    // The key is what a query for that partition reads.
    Result<KeyRange> range = QueryRange(table, *value, std::nullopt);
    Check(range.ok() && range->Contains(key));
  }
}

void FuzzItemKey(std::string_view payload) {
  for (KeyType partition : {KeyType::kS, KeyType::kN, KeyType::kB}) {
    for (std::optional<KeyType> sort :
         {std::optional<KeyType>(), std::optional<KeyType>(KeyType::kS), std::optional<KeyType>(KeyType::kN)}) {
      TableDescription table = Table(partition, sort);
      Item item;
      if (!DecodeItemKey(table, payload, &item)) continue;
      // A decoded key encodes to the same bytes, unless it holds a value no writer stores
      // (the decoder accepts an empty or over-long key component; AppendItemKey refuses it).
      std::string key;
      if (AppendItemKey(table, item, &key).ok()) Check(key == payload);
    }
  }
}

}  // namespace
}  // namespace freshet::query

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::query;
  if (size == 0) return 0;
  int mode = static_cast<uint8_t>(data[0] - '0') % kModes;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0: FuzzItemJson(payload); break;
    case 1: FuzzCreateTable(payload); break;
    case 2: FuzzPlainValue(payload); break;
    case 3: FuzzPageToken(payload); break;
    case 4: FuzzItemValue(payload); break;
    case 5: FuzzKeyText(payload); break;
    case 6: FuzzItemKey(payload); break;
    default: FuzzTableFlags(payload); break;
  }
  return 0;
}
