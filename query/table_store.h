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
// Descriptions are cached (parsed once). In a read-write Db (the one process that writes the
// directory) a cached description is used until any TableStore in the process creates or deletes
// a table (a process-wide generation; creates and deletes are rare). In a read-only Db the writer
// is another process, so every Get reads the stored JSON (one point read) and reuses the cached
// description only if the bytes are the same: never stale, only the parse is saved.
//
// Thread-safety: all const methods are safe to call concurrently (the cache has its own mutex).
// Read-modify-write (UpdateItem, AddUpdate) is not atomic against another
// thread writing the same item: one writer per item at a time (the consumer is one thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
inline constexpr uint64_t kExactStatsItems = 10000;  // see TableStore::Stats

// Estimates, as DynamoDB's own ItemCount and TableSizeBytes are (it updates them about every six
// hours): see Stats.
struct TableStats {
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;  // keys and values, uncompressed
};

struct QueryRequest {
  AttributeValue partition;                   // the partition key value
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

// A page read without building Items (TableStore::QueryStored / ScanStored).
struct StoredPage {
  std::optional<std::string> next_token;  // as Page::next_token
  uint64_t keys_read = 0;                 // as Page::keys_read
  size_t count = 0;                       // items handed to the callback
};
// Called with one item's stored key and value (valid only during the call; see stored_json.h
// to write them as typed JSON). An error stops the page and is returned.
using StoredItemFn = std::function<Status(std::string_view key, std::string_view value)>;

class TableStore {
 public:
  // `db` is not owned and must outlive the store.
  explicit TableStore(storage::Db* db) : db_(db), cache_(std::make_unique<Cache>()) {}

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
  // Item count and size. Up to kExactStatsItems items: exact (counted, reading at most that
  // many). Beyond: estimated from RocksDB's metadata (storage::Db::EstimateRange) without
  // reading items, so the cost never grows with the table: exact for items filling whole SST
  // files after a compaction, otherwise within a few percent once flushed (tested to 5%);
  // overwritten or deleted items not yet compacted may still count.
  Result<TableStats> Stats(const TableDescription& table) const;
  // Times Get read a description from the meta column family (tests and diagnostics).
  uint64_t description_reads() const { return cache_->reads.load(std::memory_order_relaxed); }

  // The item's key (table id, partition key, sort key). `item` may carry other attributes.
  // Errors: InvalidArgument naming a missing or mistyped key attribute or a key over its limit.
  Result<std::string> EncodeItemKey(const TableDescription& table, const Item& item) const;
  // Checks every limit in the file comment for a whole item (key included).
  Status ValidateItem(const TableDescription& table, const Item& item) const;

  // Validates `item` and appends its put (replacing any item with that key) to *batch, with its
  // index entries and change record if the table has indexes or a stream (reading the item it
  // replaces for them: call it while holding the key's lock, see AddReplace).
  // Writes nothing. On error *batch is unchanged.
  Status AddPut(const TableDescription& table, const Item& item, storage::Batch* batch) const;
  // Validates the key in `key` (other attributes ignored) and appends its delete to *batch (with
  // the old item's index entries and its change record, reading the old item if there are any).
  Status AddDelete(const TableDescription& table, const Item& key, storage::Batch* batch) const;
  // As AddPut when the caller has read the item being replaced (`old`, null if none) itself.
  // The caller must keep other writers of the key out from that read to its Db::Write (the
  // protocol's key locks): the index entries removed are those of `old`.
  // The table's indexes and stream settings are those current in this process: if `table` was
  // read before an index or stream change (TableDescription::read_generation), they are re-read.
  Status AddReplace(const TableDescription& table, const Item* old, const Item& item, storage::Batch* batch) const;
  // Who removes an item: a client, or the TTL sweep (the change record says so).
  enum class RemoveOrigin : uint8_t { kClient, kTtl };
  // Appends the delete of the stored item `old` (its key is taken from it) with its index
  // entries and change record. Same locking rule as AddReplace.
  Status AddRemove(const TableDescription& table, const Item& old, storage::Batch* batch,
                   RemoveOrigin origin = RemoveOrigin::kClient) const;
  // Reads the item with `key` (NOT including puts pending in *batch), sets the attributes of
  // `set`, removes those in `remove`, and appends the put of the result to *batch; *merged (if
  // not null) receives the result. Creates the item if absent (upsert). Errors:
  // InvalidArgument if `set` or `remove` names a key attribute or the result is invalid.
  Status AddUpdate(const TableDescription& table, const Item& key, const Item& set,
                   const std::vector<std::string>& remove, storage::Batch* batch, Item* merged = nullptr) const;

  // The item with the key in `key`, or nullopt if there is none.
  Result<std::optional<Item>> GetItem(const TableDescription& table, const Item& key) const;
  // The item stored under the encoded item key `key`, or nullopt.
  Result<std::optional<Item>> GetEncoded(const TableDescription& table, std::string_view key) const;

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
  // As Query and Scan, but each item's stored key and value go to `fn` instead of into an Item
  // (request.attributes are then fn's business: StoredItemJsonWriter takes them).
  Result<StoredPage> QueryStored(const TableDescription& table, const QueryRequest& request,
                                 const StoredItemFn& fn) const;
  Result<StoredPage> ScanStored(const TableDescription& table, const ScanRequest& request,
                                const StoredItemFn& fn) const;

  // --- Secondary indexes (query/secondary_index.h; table_index.cc) ---
  // One page of an index partition, or of the whole index, in index key order. Items hold the
  // index's projected attributes (those of request.attributes among them, if given). Page
  // tokens are the entries' keys. Errors as Query.
  Result<Page> QueryIndex(const TableDescription& table, const IndexDescription& index,
                          const QueryRequest& request) const;
  Result<Page> ScanIndex(const TableDescription& table, const IndexDescription& index,
                         const ScanRequest& request) const;
  // Entry count and size of an index (as Stats).
  Result<TableStats> IndexStats(const TableDescription& table, const IndexDescription& index) const;
  // Adds `index` (number assigned here, backfilling set) to the table's description and returns
  // the new description. From then on every write maintains it; the items written before are
  // added by AddIndexEntries, after which FinishIndex clears `backfilling`.
  // Errors: AlreadyExists if the table has an index of that name; NotFound; write errors.
  Result<TableDescription> AddIndex(const TableDescription& table, IndexDescription index);
  // Up to `max` encoded item keys of the table after the key `after` (from the start if empty).
  Result<std::vector<std::string>> ItemKeys(const TableDescription& table, std::string_view after, size_t max) const;
  // Appends the entries of `index` for the items stored under `item_keys` (read now; absent
  // items are skipped) to *batch. The caller holds those keys' locks until the batch is written.
  Status AddIndexEntries(const TableDescription& table, const IndexDescription& index,
                         const std::vector<std::string>& item_keys, storage::Batch* batch) const;
  Status FinishIndex(const TableDescription& table, std::string_view index_name);
  // Removes the index from the description and deletes its entries, in one batch.
  Status DropIndex(const TableDescription& table, std::string_view index_name);
  // Writes `updated` as the table's description (same name and id), with `extra` (may be null)
  // in the same batch. NotFound if the table was deleted or re-created meanwhile.
  Status Rewrite(const TableDescription& updated, storage::Batch* extra = nullptr);

 private:
  // Drops every TableStore's cached descriptions in this process (after a create, delete or
  // description update; see the file comment).
  static void CatalogChanged();
  // `table`, or its current description if `table` may be stale (read before the last catalog
  // change) and the table still exists with the same id (stored in *scratch).
  const TableDescription& Current(const TableDescription& table, TableDescription* scratch) const;
  // The index entries and change record of replacing `old` by `item` (either may be null);
  // `table` current; `ttl`: a removal by the TTL sweep.
  Status AddDerived(const TableDescription& table, const Item* old, const Item* item, bool ttl,
                    storage::Batch* batch) const;
  Status AddPutOnly(const TableDescription& table, const Item& item, storage::Batch* batch) const;
  struct Cached {
    std::string json;  // the stored description, to validate against in a read-only Db
    TableDescription description;
    uint64_t generation = 0;  // the process-wide catalog generation when it was read
  };
  struct Cache {
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const Cached>> by_name;  // guarded by mu
    std::atomic<uint64_t> reads{0};
  };

  storage::Db* db_;
  std::unique_ptr<Cache> cache_;  // behind a pointer so a TableStore stays movable
};

}  // namespace freshet::query
