// ItemRow: one stored item seen as a row of SQL columns, decoded lazily.
//
// A row is set from an item's key and stored value (query/item_codec.h grammar) without building
// an Item: the value's top-level members are walked once and each is matched to its column by
// name, keeping a view of its encoded bytes; a column's value is decoded only when SQLite asks
// for it. Composite values (L, M, sets) and the whole-item JSON column decode the item fully.
//
// SQL types of attribute values (docs/sql.md):
//   N     INTEGER if an integer that fits 64 bits; REAL if at most 15 significant digits (those
//         survive a round trip through a double); TEXT of the number otherwise
//   S     TEXT;  B  BLOB;  BOOL  INTEGER 0 or 1;  NULL  NULL
//   L, M, SS, NS, BS   TEXT holding plain JSON (query/item_json.h), for json_extract
//
// Thread-safety: an ItemRow is used by one cursor (one thread) at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"

namespace freshet::query::sql {

// A table's SQL columns: the key attributes, then `attributes` (sorted, unique, no key names),
// then the whole-item JSON column.
struct TableColumns {
  TableDescription table;
  std::vector<std::string> attributes;
  std::string item_column = "item";  // "_item" if an attribute is named "item"

  size_t key_count() const { return table.sort_key ? 2 : 1; }
  size_t size() const { return key_count() + attributes.size() + 1; }
  // CREATE TABLE statement for sqlite3_declare_vtab.
  std::string Declaration() const;
};

// Sets `ctx`'s result to `value` with the SQL types of the file comment.
void ResultValue(sqlite3_context* ctx, const AttributeValue& value);
// Sets `ctx`'s result to the number `text` (INTEGER, REAL or TEXT as in the file comment).
void ResultNumber(sqlite3_context* ctx, std::string_view text);

class ItemRow {
 public:
  explicit ItemRow(const TableColumns* columns) : columns_(columns) {}

  // Only the attribute columns whose bit is set in `used` (SQLite's colUsed: bit i for column i,
  // bit 63 for every column from 63 on) are found by Set; the others read as NULL.
  void SetColumnsUsed(uint64_t used);

  // Points the row at one stored item. `key` and `value` must stay valid until the next Set.
  // Returns false if `value` is malformed.
  bool Set(std::string_view key, std::string_view value);
  // Sets `ctx`'s result to column `column`'s value. Returns false if the stored item is
  // malformed (the caller reports Corruption).
  bool Result(int column, sqlite3_context* ctx);

 private:
  bool DecodeKey();
  bool DecodeAll();
  bool ItemJson(std::string* out);

  const TableColumns* columns_;
  std::string_view key_, value_;
  std::vector<std::string_view> slots_;  // encoded value of each attribute column, or empty
  std::vector<size_t> used_;             // indexes of the attribute columns Set looks for, ascending
  bool key_decoded_ = false, all_decoded_ = false;
  std::string key_text_[2];  // partition and sort key: S text, B bytes or N canonical text
  Item full_item_;
  std::string json_;  // the item column's text, reused
};

}  // namespace freshet::query::sql
