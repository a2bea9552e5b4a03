// StoredItemJsonWriter: DynamoDB typed JSON written straight from an item's stored key and value
// (items column family), without building an Item: what a Query or Scan response writer calls
// for each item a TableStore::QueryStored / ScanStored page hands it.
//
//   {"PRCP":{"N":"0.5"},"date":{"S":"2023-01-01"},"station":{"S":"USC00000001"}}
//
// The output is byte for byte what ItemToTypedJson writes for the decoded (and projected) item:
// attributes in name order, key attributes among them. Attributes not in the projection are
// stepped over, not decoded. A page's partition key is decoded once (ItemKeyDecoder).
//
// Thread-safety: one thread per writer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/item_key.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::query {

class StoredItemJsonWriter {
 public:
  // `attributes`: the projection (empty: every attribute). `table` must outlive the writer.
  StoredItemJsonWriter(const TableDescription& table, std::vector<std::string> attributes);

  // Appends the item stored under `key` with `value` to *out as typed JSON (see the file
  // comment). With `item_size`, also sets it to the whole item's DynamoDB size (every attribute,
  // projected or not; see EncodedItemSize), what a page's 1 MB limit counts. Errors: Corruption
  // naming the table if the key or value is malformed; *out is then unchanged.
  Status Append(std::string_view key, std::string_view value, std::string* out, size_t* item_size = nullptr);

 private:
  bool Wanted(std::string_view name) const { return attributes_.empty() || Projected(name); }
  bool Projected(std::string_view name) const;

  const TableDescription& table_;
  const std::vector<std::string> attributes_;
  ItemKeyDecoder keys_;
  std::string buffer_;  // an item's JSON is written here first; only grows
};

}  // namespace freshet::query
