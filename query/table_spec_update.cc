// TableStore::UpdateSpec: rewriting a table's stored description with a new CreateTable document
// (DynamoDB's UpdateTable, TagResource, UntagResource). A separate file so table_store.cc stays
// about items and ranges.
#include "query/table_store.h"
#include "storage/codec.h"

namespace freshet::query {

Status TableStore::UpdateSpec(const TableDescription& table, std::string spec_json) {
  TableDescription updated = table;
  updated.spec_json = std::move(spec_json);
  const std::string key = codec::MetaKey(codec::kMetaTable, table.name);
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, key, DescriptionToJson(updated));
  // Checked with the writer queue locked, so a DeleteTable or CreateTable written before this
  // batch is seen and the description of a table that no longer exists is not brought back.
  Status written = db_->Write(&batch, [&](storage::Batch*) -> Status {
    auto current = Get(table.name);
    if (!current.ok()) return current.status();
    if (current->id != table.id) return Status::NotFound("table '" + table.name + "' does not exist");
    return Status::OK();
  });
  CatalogChanged();  // also on failure: the write may have been applied
  return written;
}

}  // namespace freshet::query
