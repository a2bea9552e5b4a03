// Tables and single-item operations. Query and Scan are in table_query.cc.
#include "query/table_store.h"

#include <atomic>
#include <chrono>
#include <set>

#include "query/change_stream.h"
#include "query/item_codec.h"
#include "query/item_key.h"
#include "query/secondary_index.h"
#include "storage/catalog.h"
#include "storage/codec.h"

namespace freshet::query {
namespace {

using Type = AttributeValue::Type;
using storage::Cf;

Status BadValue(std::string_view path, std::string_view what) {
  return Status::InvalidArgument("attribute '" + std::string(path) + "': " + std::string(what));
}

Status ValidateValue(const AttributeValue& v, std::string_view path, int depth) {
  if (depth > kMaxDepth) return BadValue(path, "nested more than 32 levels deep");
  switch (v.type()) {
    case Type::kN:
      if (!codec::CanonicalNumber(v.scalar()).ok()) {
        return BadValue(path, "'" + v.scalar() + "' is not a valid number (at most 38 significant digits)");
      }
      return Status::OK();
    case Type::kL:
      for (const auto& e : v.elements()) FRESHET_RETURN_IF_ERROR(ValidateValue(e, path, depth + 1));
      return Status::OK();
    case Type::kM:
      for (const auto& [name, member] : v.map()) {
        if (name.empty()) return BadValue(path, "a map member has an empty name");
        FRESHET_RETURN_IF_ERROR(ValidateValue(member, path, depth + 1));
      }
      return Status::OK();
    case Type::kSS:
    case Type::kNS:
    case Type::kBS: {
      if (v.elements().empty()) return BadValue(path, "a set must not be empty");
      std::set<std::string> seen;
      for (const auto& e : v.elements()) {
        std::string canonical = e.scalar();
        if (v.type() == Type::kNS) {
          auto c = codec::CanonicalNumber(e.scalar());
          if (!c.ok()) return BadValue(path, "'" + e.scalar() + "' is not a valid number");
          canonical = *c;
        }
        if (!seen.insert(std::move(canonical)).second) return BadValue(path, "a set must not hold duplicates");
      }
      return Status::OK();
    }
    default: return Status::OK();
  }
}

Status CheckNoKeyAttributes(const TableDescription& t, std::string_view name, std::string_view what) {
  if (name == t.partition_key.name || (t.sort_key && name == t.sort_key->name)) {
    return Status::InvalidArgument(std::string(what) + " names key attribute '" + std::string(name) +
                                   "': keys cannot be updated");
  }
  return Status::OK();
}

std::string TableMetaKey(std::string_view name) { return codec::MetaKey(codec::kMetaTable, name); }

// Bumped after every table create or delete by any TableStore of the process, so every cache
// drops what it read before. Read before reading a description, bumped after the write: a reader
// racing with a create or delete stamps what it read with the older generation and re-reads.
std::atomic<uint64_t> g_catalog_generation{0};

}  // namespace

void TableStore::CatalogChanged() { g_catalog_generation.fetch_add(1, std::memory_order_acq_rel); }

Result<TableDescription> TableStore::Create(const TableDescription& spec) {
  FRESHET_RETURN_IF_ERROR(ValidateTableName(spec.name));
  TableDescription desc = spec;
  desc.created_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  if (desc.stream.enabled) desc.stream.label_ms = desc.created_ms;
  auto id = storage::CreateNamed(db_, codec::kMetaTable, desc.name, [&](uint32_t new_id) {
    desc.id = new_id;
    return DescriptionToJson(desc);
  });
  CatalogChanged();  // also on failure: may be applied
  if (!id.ok()) {
    if (id.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("table '" + desc.name + "' already exists");
    }
    return id.status();
  }
  return desc;
}

Result<TableDescription> TableStore::Get(std::string_view name) const {
  const uint64_t generation = g_catalog_generation.load(std::memory_order_acquire);
  const std::string key(name);
  std::shared_ptr<const Cached> cached;
  {
    std::lock_guard<std::mutex> lock(cache_->mu);
    auto it = cache_->by_name.find(key);
    if (it != cache_->by_name.end()) cached = it->second;
  }
  if (cached && !db_->read_only() && cached->generation == generation) {
    TableDescription d = cached->description;
    d.read_generation = cached->generation;
    return d;
  }
  cache_->reads.fetch_add(1, std::memory_order_relaxed);
  auto json = storage::GetNamed(*db_, codec::kMetaTable, name);
  if (!json.ok()) {
    if (json.status().IsNotFound()) return Status::NotFound("table '" + key + "' does not exist");
    return json.status();
  }
  if (cached && cached->json == *json) return cached->description;  // read-only: unchanged bytes
  FRESHET_ASSIGN_OR_RETURN(TableDescription description, DescriptionFromJson(*json));
  description.read_generation = generation;
  auto fresh = std::make_shared<Cached>(Cached{std::move(*json), description, generation});
  std::lock_guard<std::mutex> lock(cache_->mu);
  cache_->by_name[key] = std::move(fresh);
  return description;
}

Result<std::vector<TableDescription>> TableStore::List() const {
  FRESHET_ASSIGN_OR_RETURN(auto named, storage::ListNamed(*db_, codec::kMetaTable));
  std::vector<TableDescription> out;
  for (const auto& [name, json] : named) {
    FRESHET_ASSIGN_OR_RETURN(TableDescription d, DescriptionFromJson(json));
    out.push_back(std::move(d));
  }
  return out;
}

Status TableStore::Delete(std::string_view name) {
  FRESHET_ASSIGN_OR_RETURN(TableDescription desc, Get(name));
  const KeyRange range = TableRange(desc.id);
  storage::Batch batch;
  batch.Delete(Cf::kMeta, TableMetaKey(name));
  batch.DeleteRange(Cf::kItems, range.lower, range.upper);
  const KeyRange indexes = AllIndexesRange(desc.id);
  batch.DeleteRange(Cf::kItems, indexes.lower, indexes.upper);
  const KeyRange changes = AllChangesRange(desc.id);
  batch.DeleteRange(Cf::kItems, changes.lower, changes.upper);
  Status s = db_->Write(&batch);
  CatalogChanged();  // also on failure: may be applied
  return s;
}

Result<TableStats> TableStore::Stats(const TableDescription& table) const {
  const KeyRange range = TableRange(table.id);
  const storage::RangeEstimate estimate = db_->EstimateRange(Cf::kItems, range.lower, range.upper);
  if (estimate.keys > kExactStatsItems) return TableStats{estimate.keys, estimate.bytes};
  // A small table (or one only in memtables, whose estimates count deletes and overwrites):
  // count it, reading at most kExactStatsItems + 1 items; past that, the estimate stands.
  auto it = db_->NewIterator(Cf::kItems, range.lower, range.upper);
  TableStats exact;
  for (it->Seek(range.lower); it->Valid(); it->Next()) {
    if (exact.item_count == kExactStatsItems) return TableStats{estimate.keys, estimate.bytes};
    ++exact.item_count;
    exact.size_bytes += it->key().size() + it->value().size();
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return exact;
}

Result<std::string> TableStore::EncodeItemKey(const TableDescription& table, const Item& item) const {
  std::string key;
  FRESHET_RETURN_IF_ERROR(AppendItemKey(table, item, &key));
  return key;
}

Status TableStore::ValidateItem(const TableDescription& table, const Item& item) const {
  storage::Batch scratch;
  return AddPut(table, item, &scratch);
}

const TableDescription& TableStore::Current(const TableDescription& table, TableDescription* scratch) const {
  if (table.read_generation == g_catalog_generation.load(std::memory_order_acquire)) return table;
  auto current = Get(table.name);
  if (!current.ok() || current->id != table.id) return table;
  *scratch = std::move(*current);
  return *scratch;
}

Status TableStore::AddPut(const TableDescription& stale, const Item& item, storage::Batch* batch) const {
  TableDescription scratch;
  const TableDescription& table = Current(stale, &scratch);
  if (!table.WritesDerived()) return AddPutOnly(table, item, batch);
  FRESHET_ASSIGN_OR_RETURN(std::optional<Item> old, GetItem(table, item));
  return AddReplace(table, old ? &*old : nullptr, item, batch);
}

Status TableStore::AddReplace(const TableDescription& stale, const Item* old, const Item& item,
                              storage::Batch* batch) const {
  TableDescription scratch;
  const TableDescription& table = Current(stale, &scratch);
  if (!table.WritesDerived()) return AddPutOnly(table, item, batch);
  // Validate everything before appending anything, so an error leaves *batch unchanged.
  storage::Batch derived;
  FRESHET_RETURN_IF_ERROR(AddPutOnly(table, item, &derived));
  FRESHET_RETURN_IF_ERROR(AddDerived(table, old, &item, false, &derived));
  batch->Append(derived);
  return Status::OK();
}

Status TableStore::AddRemove(const TableDescription& stale, const Item& old, storage::Batch* batch,
                             RemoveOrigin origin) const {
  TableDescription scratch;
  const TableDescription& table = Current(stale, &scratch);
  FRESHET_ASSIGN_OR_RETURN(std::string encoded, EncodeItemKey(table, old));
  storage::Batch derived;
  derived.Delete(Cf::kItems, encoded);
  FRESHET_RETURN_IF_ERROR(AddDerived(table, &old, nullptr, origin == RemoveOrigin::kTtl, &derived));
  batch->Append(derived);
  return Status::OK();
}

Status TableStore::AddDerived(const TableDescription& table, const Item* old, const Item* item, bool ttl,
                              storage::Batch* batch) const {
  std::string old_key, new_key, value;
  for (const IndexDescription& index : table.indexes) {
    old_key.clear();
    new_key.clear();
    bool had = false, has = false;
    if (old) {
      auto r = AppendIndexKey(table, index, *old, &old_key);
      had = r.ok() && *r;  // a stored item whose entry could not be keyed has none
    }
    if (item) {
      FRESHET_ASSIGN_OR_RETURN(has, AppendIndexKey(table, index, *item, &new_key));
    }
    if (had && (!has || old_key != new_key)) batch->Delete(Cf::kItems, old_key);
    if (has) {
      value.clear();
      EncodeItemValue(ProjectIndex(table, index, *item), "", "", &value);
      batch->Put(Cf::kItems, new_key, value);
    }
  }
  if (table.stream.enabled) {
    const uint64_t now_ms = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    AddChangeRecord(table, old, item, ttl, now_ms, batch);
  }
  return Status::OK();
}

Status TableStore::AddPutOnly(const TableDescription& table, const Item& item, storage::Batch* batch) const {
  std::string key;
  FRESHET_RETURN_IF_ERROR(AppendItemKey(table, item, &key));
  for (const auto& [name, value] : item) {
    if (name.empty()) return Status::InvalidArgument("an attribute has an empty name");
    FRESHET_RETURN_IF_ERROR(ValidateValue(value, name, 1));
  }
  std::string value;
  EncodeItemValue(item, table.partition_key.name, table.sort_key ? table.sort_key->name : "", &value);
  if (key.size() + value.size() > kMaxItemBytes) {
    return Status::InvalidArgument("item is " + std::to_string(key.size() + value.size()) +
                                   " bytes; the limit is 400 KB");
  }
  batch->Put(Cf::kItems, key, value);
  return Status::OK();
}

Status TableStore::AddDelete(const TableDescription& stale, const Item& key, storage::Batch* batch) const {
  TableDescription scratch;
  const TableDescription& table = Current(stale, &scratch);
  FRESHET_ASSIGN_OR_RETURN(std::string encoded, EncodeItemKey(table, key));
  if (table.WritesDerived()) {
    FRESHET_ASSIGN_OR_RETURN(std::optional<Item> old, GetEncoded(table, encoded));
    if (old) return AddRemove(table, *old, batch);
  }
  batch->Delete(Cf::kItems, encoded);
  return Status::OK();
}

Status TableStore::AddUpdate(const TableDescription& table, const Item& key, const Item& set,
                             const std::vector<std::string>& remove, storage::Batch* batch, Item* merged) const {
  for (const auto& [name, value] : set) FRESHET_RETURN_IF_ERROR(CheckNoKeyAttributes(table, name, "set"));
  for (const auto& name : remove) FRESHET_RETURN_IF_ERROR(CheckNoKeyAttributes(table, name, "remove"));
  FRESHET_ASSIGN_OR_RETURN(std::optional<Item> current, GetItem(table, key));
  Item item;
  if (current) {
    item = std::move(*current);
  } else {  // upsert: the new item starts with the key attributes
    for (const KeyAttribute* attr : {&table.partition_key, table.sort_key ? &*table.sort_key : nullptr}) {
      if (attr && key.Find(attr->name)) item.Set(attr->name, *key.Find(attr->name));
    }
  }
  for (const auto& [name, value] : set) item.Set(name, value);
  for (const auto& name : remove) item.Remove(name);
  FRESHET_RETURN_IF_ERROR(AddPut(table, item, batch));
  if (merged) *merged = std::move(item);
  return Status::OK();
}

Result<std::optional<Item>> TableStore::GetItem(const TableDescription& table, const Item& key) const {
  FRESHET_ASSIGN_OR_RETURN(std::string encoded, EncodeItemKey(table, key));
  return GetEncoded(table, encoded);
}

Result<std::optional<Item>> TableStore::GetEncoded(const TableDescription& table, std::string_view encoded) const {
  std::string value;
  Status s = db_->Get(Cf::kItems, encoded, &value);
  if (s.IsNotFound()) return std::optional<Item>();
  FRESHET_RETURN_IF_ERROR(s);
  Item item;
  if (!DecodeItemValue(value, &item) || !DecodeItemKey(table, encoded, &item)) {
    return Status::Corruption("item of table '" + table.name + "' is malformed");
  }
  return std::optional<Item>(std::move(item));
}

Status TableStore::PutItem(const TableDescription& table, const Item& item) {
  storage::Batch batch;
  FRESHET_RETURN_IF_ERROR(AddPut(table, item, &batch));
  return db_->Write(&batch);
}

Result<bool> TableStore::DeleteItem(const TableDescription& table, const Item& key) {
  FRESHET_ASSIGN_OR_RETURN(std::optional<Item> existing, GetItem(table, key));
  storage::Batch batch;
  FRESHET_RETURN_IF_ERROR(AddDelete(table, key, &batch));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  return existing.has_value();
}

Result<Item> TableStore::UpdateItem(const TableDescription& table, const Item& key, const Item& set,
                                    const std::vector<std::string>& remove) {
  storage::Batch batch;
  Item merged;
  FRESHET_RETURN_IF_ERROR(AddUpdate(table, key, set, remove, &batch, &merged));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  return merged;
}

}  // namespace freshet::query
