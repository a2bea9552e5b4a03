// Query and Scan: one bounded iterator per page. Items are decoded as they are read: the
// partition key once per page (ItemKeyDecoder), only the projected attributes built
// (DecodeItemValueProjected). QueryStored / ScanStored hand the stored bytes on instead.
#include <algorithm>

#include "query/item_codec.h"
#include "query/item_key.h"
#include "query/secondary_index.h"
#include "query/table_store.h"

namespace freshet::query {
namespace {

// Reads one page of `range`, calling visit(key, value) for each item. The first key past a full
// page is read (to know whether a next page exists) but not visited; nothing beyond it is read.
template <typename Visit>
Result<StoredPage> ReadPage(const storage::Db& db, const TableDescription& table, KeyRange range, bool reverse,
                            size_t limit, const std::string& start_after, Visit&& visit) {
  if (!start_after.empty()) {
    FRESHET_ASSIGN_OR_RETURN(std::string last, DecodePageToken(table.id, start_after, range));
    if (reverse) {
      range.upper = std::move(last);
    } else {
      range.lower = std::move(last);
      range.lower.push_back('\0');  // the smallest key after `last`
    }
  }
  std::string lower = range.lower;  // Seek's target; the iterator keeps the bounds
  auto it = db.NewIterator(storage::Cf::kItems, std::move(range.lower), std::move(range.upper));
  if (reverse) {
    it->SeekToLast();
  } else {
    it->Seek(lower);
  }
  StoredPage page;
  size_t bytes = 0;
  std::string last_key;
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    ++page.keys_read;
    const std::string_view key = it->key(), value = it->value();
    const size_t size = key.size() + value.size();
    if ((limit != 0 && page.count == limit) || (page.count != 0 && bytes + size > kMaxPageBytes)) {
      page.next_token = EncodePageToken(last_key);
      break;
    }
    FRESHET_RETURN_IF_ERROR(visit(key, value));
    ++page.count;
    bytes += size;
    last_key.assign(key);
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return page;
}

// Builds the Items of a page.
Result<Page> ReadItems(const storage::Db& db, const TableDescription& table, KeyRange range, bool reverse, size_t limit,
                       const std::string& start_after, const std::vector<std::string>& attributes) {
  Page page;
  page.items.reserve(limit != 0 ? std::min<size_t>(limit, 1024) : 32);
  ItemKeyDecoder keys(table);
  auto decode = [&](std::string_view key, std::string_view value) -> Status {
    Item& item = page.items.emplace_back();
    if (!DecodeItemValueProjected(value, attributes, &item) || !keys.Decode(key, attributes, &item)) {
      return Status::Corruption("item of table '" + table.name + "' is malformed");
    }
    return Status::OK();
  };
  FRESHET_ASSIGN_OR_RETURN(StoredPage stored,
                           ReadPage(db, table, std::move(range), reverse, limit, start_after, decode));
  page.next_token = std::move(stored.next_token);
  page.keys_read = stored.keys_read;
  return page;
}

// Builds the Items of a page of index entries (each value holds its whole projected item).
Result<Page> ReadIndexItems(const storage::Db& db, const TableDescription& table, const IndexDescription& index,
                            KeyRange range, bool reverse, size_t limit, const std::string& start_after,
                            const std::vector<std::string>& attributes) {
  TableDescription space;  // page tokens of index entries are read under the index key space
  space.name = table.name;
  space.id = kIndexSpace;
  Page page;
  auto decode = [&](std::string_view, std::string_view value) -> Status {
    Item& item = page.items.emplace_back();
    if (!DecodeItemValueProjected(value, attributes, &item)) {
      return Status::Corruption("entry of index '" + index.name + "' of table '" + table.name + "' is malformed");
    }
    return Status::OK();
  };
  FRESHET_ASSIGN_OR_RETURN(StoredPage stored,
                           ReadPage(db, space, std::move(range), reverse, limit, start_after, decode));
  page.next_token = std::move(stored.next_token);
  page.keys_read = stored.keys_read;
  return page;
}

}  // namespace

Result<Page> TableStore::QueryIndex(const TableDescription& table, const IndexDescription& index,
                                    const QueryRequest& request) const {
  FRESHET_ASSIGN_OR_RETURN(KeyRange range, IndexQueryRange(table, index, request.partition, request.condition));
  return ReadIndexItems(*db_, table, index, std::move(range), request.reverse, request.limit, request.start_after,
                        request.attributes);
}

Result<Page> TableStore::ScanIndex(const TableDescription& table, const IndexDescription& index,
                                   const ScanRequest& request) const {
  return ReadIndexItems(*db_, table, index, IndexRange(table.id, index.number), false, request.limit,
                        request.start_after, request.attributes);
}

Result<Page> TableStore::Query(const TableDescription& table, const QueryRequest& request) const {
  FRESHET_ASSIGN_OR_RETURN(KeyRange range, QueryRange(table, request.partition, request.condition));
  return ReadItems(*db_, table, std::move(range), request.reverse, request.limit, request.start_after,
                   request.attributes);
}

Result<Page> TableStore::Scan(const TableDescription& table, const ScanRequest& request) const {
  return ReadItems(*db_, table, TableRange(table.id), false, request.limit, request.start_after, request.attributes);
}

Result<StoredPage> TableStore::QueryStored(const TableDescription& table, const QueryRequest& request,
                                           const StoredItemFn& fn) const {
  FRESHET_ASSIGN_OR_RETURN(KeyRange range, QueryRange(table, request.partition, request.condition));
  return ReadPage(*db_, table, std::move(range), request.reverse, request.limit, request.start_after, fn);
}

Result<StoredPage> TableStore::ScanStored(const TableDescription& table, const ScanRequest& request,
                                          const StoredItemFn& fn) const {
  return ReadPage(*db_, table, TableRange(table.id), false, request.limit, request.start_after, fn);
}

}  // namespace freshet::query
