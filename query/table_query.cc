// Query and Scan: one bounded iterator per page.
#include <algorithm>

#include "query/item_codec.h"
#include "query/item_key.h"
#include "query/table_store.h"

namespace freshet::query {
namespace {

Item Project(const Item& item, const std::vector<std::string>& attributes) {
  Item out;
  for (const auto& [name, value] : item) {
    if (std::find(attributes.begin(), attributes.end(), name) != attributes.end()) {
      out.AppendSorted(name, value);
    }
  }
  return out;
}

// Reads one page of `range`. The first key past a full page is read (to know whether a next
// page exists) but not decoded; nothing beyond it is read.
Result<Page> ReadPage(const storage::Db& db, const TableDescription& table, KeyRange range, bool reverse,
                      size_t limit, const std::string& start_after,
                      const std::vector<std::string>& attributes) {
  if (!start_after.empty()) {
    FRESHET_ASSIGN_OR_RETURN(std::string last, DecodePageToken(table.id, start_after, range));
    if (reverse) {
      range.upper = std::move(last);
    } else {
      range.lower = std::move(last);
      range.lower.push_back('\0');  // the smallest key after `last`
    }
  }
  auto it = db.NewIterator(storage::Cf::kItems, range.lower, range.upper);
  if (reverse) {
    it->SeekToLast();
  } else {
    it->Seek(range.lower);
  }
  Page page;
  page.items.reserve(limit != 0 ? std::min<size_t>(limit, 1024) : 32);
  size_t bytes = 0;
  std::string last_key;
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    ++page.keys_read;
    const size_t size = it->key().size() + it->value().size();
    if ((limit != 0 && page.items.size() == limit) ||
        (!page.items.empty() && bytes + size > kMaxPageBytes)) {
      page.next_token = EncodePageToken(last_key);
      break;
    }
    Item item;
    if (!DecodeItemValue(it->value(), &item) || !DecodeItemKey(table, it->key(), &item)) {
      return Status::Corruption("item of table '" + table.name + "' is malformed");
    }
    page.items.push_back(attributes.empty() ? std::move(item) : Project(item, attributes));
    bytes += size;
    last_key.assign(it->key());
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return page;
}

}  // namespace

Result<Page> TableStore::Query(const TableDescription& table, const QueryRequest& request) const {
  FRESHET_ASSIGN_OR_RETURN(KeyRange range, QueryRange(table, request.partition, request.condition));
  return ReadPage(*db_, table, std::move(range), request.reverse, request.limit, request.start_after,
                  request.attributes);
}

Result<Page> TableStore::Scan(const TableDescription& table, const ScanRequest& request) const {
  return ReadPage(*db_, table, TableRange(table.id), false, request.limit, request.start_after,
                  request.attributes);
}

}  // namespace freshet::query
