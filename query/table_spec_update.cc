// TableStore's description changes: rewriting a table's stored description (DynamoDB's UpdateTable,
// TagResource, UntagResource, UpdateTimeToLive) and adding, filling and dropping secondary
// indexes. A separate file so table_store.cc stays about items and ranges.
#include "query/item_codec.h"
#include "query/secondary_index.h"
#include "query/table_store.h"
#include "storage/codec.h"

namespace freshet::query {

Status TableStore::Rewrite(const TableDescription& updated, storage::Batch* extra) {
  const std::string key = codec::MetaKey(codec::kMetaTable, updated.name);
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, key, DescriptionToJson(updated));
  if (extra) batch.Append(*extra);
  // Checked with the writer queue locked, so a DeleteTable or CreateTable written before this
  // batch is seen and the description of a table that no longer exists is not brought back.
  Status written = db_->Write(&batch, [&](storage::Batch*) -> Status {
    auto current = Get(updated.name);
    if (!current.ok()) return current.status();
    if (current->id != updated.id) return Status::NotFound("table '" + updated.name + "' does not exist");
    return Status::OK();
  });
  CatalogChanged();  // also on failure: the write may have been applied
  return written;
}

Status TableStore::UpdateSpec(const TableDescription& table, std::string spec_json) {
  TableDescription updated = table;
  updated.spec_json = std::move(spec_json);
  return Rewrite(updated);
}

Result<TableDescription> TableStore::AddIndex(const TableDescription& table, IndexDescription index) {
  if (table.FindIndex(index.name)) {
    return Status::AlreadyExists("table '" + table.name + "' already has an index named '" + index.name + "'");
  }
  TableDescription updated = table;
  index.number = updated.next_index++;
  index.backfilling = true;
  updated.indexes.push_back(std::move(index));
  FRESHET_RETURN_IF_ERROR(Rewrite(updated));
  return updated;
}

Result<std::vector<std::string>> TableStore::ItemKeys(const TableDescription& table, std::string_view after,
                                                      size_t max) const {
  const KeyRange range = TableRange(table.id);
  std::string lower = after.empty() ? range.lower : std::string(after) + '\0';
  auto it = db_->NewIterator(storage::Cf::kItems, lower, range.upper);
  std::vector<std::string> keys;
  for (it->Seek(lower); it->Valid() && keys.size() < max; it->Next()) keys.emplace_back(it->key());
  FRESHET_RETURN_IF_ERROR(it->status());
  return keys;
}

Status TableStore::AddIndexEntries(const TableDescription& table, const IndexDescription& index,
                                   const std::vector<std::string>& item_keys, storage::Batch* batch) const {
  std::string entry_key, value;
  for (const std::string& key : item_keys) {
    FRESHET_ASSIGN_OR_RETURN(std::optional<Item> item, GetEncoded(table, key));
    if (!item) continue;
    entry_key.clear();
    auto present = AppendIndexKey(table, index, *item, &entry_key);
    // An item whose index attribute has another type than the index declares is not indexed
    // (DynamoDB reports such items as violations; it does not fail the index).
    if (!present.ok() || !*present) continue;
    value.clear();
    EncodeItemValue(ProjectIndex(table, index, *item), "", "", &value);
    batch->Put(storage::Cf::kItems, entry_key, value);
  }
  return Status::OK();
}

Status TableStore::FinishIndex(const TableDescription& table, std::string_view index_name) {
  FRESHET_ASSIGN_OR_RETURN(TableDescription current, Get(table.name));
  if (current.id != table.id) return Status::NotFound("table '" + table.name + "' does not exist");
  for (IndexDescription& index : current.indexes) {
    if (index.name == index_name) index.backfilling = false;
  }
  return Rewrite(current);
}

Status TableStore::DropIndex(const TableDescription& table, std::string_view index_name) {
  TableDescription updated = table;
  const IndexDescription* index = table.FindIndex(index_name);
  if (!index) return Status::NotFound("table '" + table.name + "' has no index '" + std::string(index_name) + "'");
  const KeyRange range = IndexRange(table.id, index->number);
  storage::Batch extra;
  extra.DeleteRange(storage::Cf::kItems, range.lower, range.upper);
  updated.indexes.erase(updated.indexes.begin() + (index - table.indexes.data()));
  return Rewrite(updated, &extra);
}

Result<TableStats> TableStore::IndexStats(const TableDescription& table, const IndexDescription& index) const {
  const KeyRange range = IndexRange(table.id, index.number);
  const storage::RangeEstimate estimate = db_->EstimateRange(storage::Cf::kItems, range.lower, range.upper);
  if (estimate.keys > kExactStatsItems) return TableStats{estimate.keys, estimate.bytes};
  auto it = db_->NewIterator(storage::Cf::kItems, range.lower, range.upper);
  TableStats exact;
  for (it->Seek(range.lower); it->Valid(); it->Next()) {
    if (exact.item_count == kExactStatsItems) return TableStats{estimate.keys, estimate.bytes};
    ++exact.item_count;
    exact.size_bytes += it->key().size() + it->value().size();
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return exact;
}

}  // namespace freshet::query
