// TableStore: DynamoDB-style tables over one freshet Db: create, describe, delete tables;
// put, get, update, delete items; query and scan by key range.
//
// Storage: a table's description is JSON in the meta column family under tag 't' (see
// storage/catalog.h); its items are in the items column family under item keys (item_key.h)
// with binary values (item_codec.h). Deleting a table deletes its description and the range of
// its keys in one batch.
//
// Writes: each one-call write (PutItem, UpdateItem, DeleteItem) is one atomic Db::Write,
// durable as the Db was opened (OpenOptions::sync). The Add* methods only validate and append
// to a caller's batch, so a caller (the consumer) can commit items and its cursor atomically.
// Every write validates first: an invalid item or key returns InvalidArgument and nothing is
// written or appended.
//
// Limits (as DynamoDB): item at most 400 KB (attribute names plus encoded values), partition
// key 1..2048 bytes, sort key 1..1024 bytes, numbers at most 38 significant digits, sets
// non-empty without duplicates, nesting at most 32 levels, attribute names non-empty.
//
// Thread-safety: a TableStore holds only the Db pointer; all const methods are safe to call
// concurrently. Read-modify-write (UpdateItem, AddUpdate) is not atomic against another
// thread writing the same item: one writer per item at a time (the consumer is one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/key_condition.h"
#include "query/table_description.h"
#include "storage/batch.h"
#include "storage/db.h"
#include "storage/status.h"

namespace freshet::query {

inline constexpr size_t kMaxItemBytes = 400 * 1024;
inline constexpr size_t kMaxPageBytes = 1 << 20;

struct TableStats {
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;  // keys and values as read (exact, uncompressed)
};

struct QueryRequest {
  AttributeValue partition;                  // the partition key value
  std::optional<SortKeyCondition> condition;  // optional sort-key condition
  size_t limit = 0;                           // 0: no limit (a page still stops at 1 MB)
  bool reverse = false;                       // descending sort-key order
  std::string start_after;                    // a next_token from the previous page, or empty
  std::vector<std::string> attributes;        // projection; empty: every attribute
};

struct ScanRequest {
  size_t limit = 0;
  std::string start_after;
  std::vector<std::string> attributes;
};

struct Page {
  std::vector<Item> items;
  // Set when more items may follow; pass as start_after for the next page.
  std::optional<std::string> next_token;
  uint64_t keys_read = 0;  // item keys looked at (items returned plus at most one)
};

class TableStore {
 public:
  // `db` is not owned and must outlive the store.
  explicit TableStore(storage::Db* db) : db_(db) {}

  // Creates a table from `spec` (name and key schema; id and time are assigned).
  // Errors: AlreadyExists; InvalidArgument for a bad name or key; write errors.
  Result<TableDescription> Create(const TableDescription& spec);
  // NotFound "table 'x' does not exist", or Corruption.
  Result<TableDescription> Get(std::string_view name) const;
  // Replaces the stored CreateTable document of `table` (billing settings, tags; not the key
  // schema), in one write. NotFound if the table was deleted or re-created meanwhile.
  Status UpdateSpec(const TableDescription& table, std::string spec_json);
  Result<std::vector<TableDescription>> List() const;
  // Deletes the description and every item, in one batch. NotFound if there is no such table.
  Status Delete(std::string_view name);
  // Counts items by reading them all: cost is linear in the table's size.
  Result<TableStats> Stats(const TableDescription& table) const;

  // The item's key (table id, partition key, sort key). `item` may carry other attributes.
  // Errors: InvalidArgument naming a missing or mistyped key attribute or a key over its limit.
  Result<std::string> EncodeItemKey(const TableDescription& table, const Item& item) const;
  // Checks every limit in the file comment for a whole item (key included).
  Status ValidateItem(const TableDescription& table, const Item& item) const;

  // Validates `item` and appends its put (replacing any item with that key) to *batch.
  // Writes nothing. On error *batch is unchanged.
  Status AddPut(const TableDescription& table, const Item& item, storage::Batch* batch) const;
  // Validates the key in `key` (other attributes ignored) and appends its delete to *batch.
  Status AddDelete(const TableDescription& table, const Item& key, storage::Batch* batch) const;
  // Reads the item with `key` (NOT including puts pending in *batch), sets the attributes of
  // `set`, removes those in `remove`, and appends the put of the result to *batch; *merged (if
  // not null) receives the result. Creates the item if absent (upsert). Errors:
  // InvalidArgument if `set` or `remove` names a key attribute or the result is invalid.
  Status AddUpdate(const TableDescription& table, const Item& key, const Item& set,
                   const std::vector<std::string>& remove, storage::Batch* batch,
                   Item* merged = nullptr) const;

  // The item with the key in `key`, or nullopt if there is none.
  Result<std::optional<Item>> GetItem(const TableDescription& table, const Item& key) const;

  // One-call writes: the Add* above plus Db::Write.
  Status PutItem(const TableDescription& table, const Item& item);
  // Returns whether an item existed.
  Result<bool> DeleteItem(const TableDescription& table, const Item& key);
  // Returns the item as written.
  Result<Item> UpdateItem(const TableDescription& table, const Item& key, const Item& set,
                          const std::vector<std::string>& remove);

  // One page of the items in the request's key range, in sort-key order (or reversed). Reads
  // only the keys it returns plus at most one: it seeks to the start and stops at the bound.
  // Errors: InvalidArgument for a bad condition or "invalid page token"; read errors.
  Result<Page> Query(const TableDescription& table, const QueryRequest& request) const;
  // One page of all items of the table in key order.
  Result<Page> Scan(const TableDescription& table, const ScanRequest& request) const;

 private:
  storage::Db* db_;
};

}  // namespace freshet::query
