#include "query/change_stream.h"

#include <nlohmann/json.hpp>

#include "query/item_json.h"
#include "query/item_key.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

// Bytes of an item as DynamoDB counts them for SizeBytes (names plus values, roughly).
size_t RoughSize(const Item& item) { return ItemToTypedJson(item).size(); }

Item KeysOf(const TableDescription& table, const Item& item) {
  Item keys;
  if (const AttributeValue* v = item.Find(table.partition_key.name)) keys.Set(table.partition_key.name, *v);
  if (table.sort_key) {
    if (const AttributeValue* v = item.Find(table.sort_key->name)) keys.Set(table.sort_key->name, *v);
  }
  return keys;
}

uint64_t SequenceOf(std::string_view key) {
  return key.size() >= 8 ? codec::DecodeFixed64(key.data() + key.size() - 8) : 0;
}

}  // namespace

std::string ChangePrefix(uint32_t table_id, uint64_t label_ms) {
  std::string prefix = TableSpacePrefix(kChangeSpace, table_id);
  codec::PutFixed64(&prefix, label_ms);
  return prefix;
}

KeyRange ChangeRange(uint32_t table_id, uint64_t label_ms) { return PrefixRange(ChangePrefix(table_id, label_ms)); }

KeyRange AllChangesRange(uint32_t table_id) { return PrefixRange(TableSpacePrefix(kChangeSpace, table_id)); }

void AddChangeRecord(const TableDescription& table, const Item* old, const Item* item, bool ttl, uint64_t now_ms,
                     storage::Batch* batch) {
  if (!table.stream.enabled || (!old && !item)) return;
  using View = StreamSettings::View;
  const View view = table.stream.view;
  std::string json = "{\"e\":";
  json += !old ? "\"INSERT\"" : item ? "\"MODIFY\"" : "\"REMOVE\"";
  json += ",\"t\":" + std::to_string(now_ms);
  const Item keys = KeysOf(table, item ? *item : *old);
  json += ",\"k\":" + ItemToTypedJson(keys);
  size_t size = RoughSize(keys);
  if (item && (view == View::kNewImage || view == View::kNewAndOldImages)) {
    json += ",\"n\":" + ItemToTypedJson(*item);
    size += RoughSize(*item);
  }
  if (old && (view == View::kOldImage || view == View::kNewAndOldImages)) {
    json += ",\"o\":" + ItemToTypedJson(*old);
    size += RoughSize(*old);
  }
  json += ",\"s\":" + std::to_string(size);
  json += ",\"v\":\"" + std::string(StreamViewName(view)) + "\"";
  if (ttl) json += ",\"ttl\":true";
  json += "}";
  batch->PutSequenced(storage::Cf::kItems, ChangePrefix(table.id, table.stream.label_ms), json);
}

Result<std::vector<ChangeRecord>> ReadChanges(const storage::Db& db, uint32_t table_id, uint64_t label_ms,
                                              uint64_t after, size_t limit) {
  const KeyRange range = ChangeRange(table_id, label_ms);
  std::string start = range.lower;
  codec::PutFixed64(&start, after + 1);
  auto it = db.NewIterator(storage::Cf::kItems, start, range.upper);
  std::vector<ChangeRecord> out;
  for (it->Seek(start); it->Valid() && out.size() < limit; it->Next()) {
    out.push_back({SequenceOf(it->key()), std::string(it->value())});
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::pair<uint64_t, uint64_t>> ChangeBounds(const storage::Db& db, uint32_t table_id, uint64_t label_ms) {
  const KeyRange range = ChangeRange(table_id, label_ms);
  auto it = db.NewIterator(storage::Cf::kItems, range.lower, range.upper);
  std::pair<uint64_t, uint64_t> bounds{0, 0};
  it->Seek(range.lower);
  if (it->Valid()) bounds.first = SequenceOf(it->key());
  it->SeekToLast();
  if (it->Valid()) bounds.second = SequenceOf(it->key());
  FRESHET_RETURN_IF_ERROR(it->status());
  return bounds;
}

Result<uint64_t> TrimChanges(storage::Db* db, uint32_t table_id, uint64_t before_ms) {
  const KeyRange range = AllChangesRange(table_id);
  auto it = db->NewIterator(storage::Cf::kItems, range.lower, range.upper);
  std::string end;
  uint64_t n = 0;
  for (it->Seek(range.lower); it->Valid(); it->Next()) {
    uint64_t t = 0;
    try {
      t = nlohmann::json::parse(it->value()).value("t", uint64_t{0});
    } catch (const nlohmann::json::exception&) {
      return Status::Corruption("malformed change record of table id " + std::to_string(table_id));
    }
    if (t >= before_ms) break;  // records are in time order within a stream (older streams first)
    end.assign(it->key());
    ++n;
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  if (n == 0) return n;
  storage::Batch batch;
  end.push_back('\0');
  batch.DeleteRange(storage::Cf::kItems, range.lower, end);
  FRESHET_RETURN_IF_ERROR(db->Write(&batch));
  return n;
}

}  // namespace freshet::query
