// DynamoDB TTL expiry, shared by the TTL handlers and the owner's sweep (tools/ttl_sweeper.cc);
// see dynamodb_ttl.cc for the rules.
//
// Thread-safety: SweepTable takes the key locks of what it deletes; call it from any thread.
#pragma once

#include <string>

#include "query/table_store.h"
#include "storage/db.h"

namespace freshet::protocol::dynamodb {

// Whether `item` has expired at `now_s` (epoch seconds) by its attribute `attribute`.
bool Expired(const query::Item& item, const std::string& attribute, double now_s);

struct TtlPass {
  size_t deleted = 0;
  std::string next_after;  // where the next pass starts (an item key), "" for the table's start
};

// One bounded pass over `table` (which has a TTL attribute): reads up to `max_items` items after
// the item key `after` ("" for the start) and deletes the expired ones in one batch.
Result<TtlPass> SweepTable(const query::TableStore& tables, storage::Db* db, const query::TableDescription& table,
                           const std::string& after, size_t max_items, double now_s);

}  // namespace freshet::protocol::dynamodb
