// The table module: one freshet table as a SQL table, with key pushdown.
//
// xBestIndex takes an equality on the partition key, plus comparisons (=, <, <=, >, >=, which
// BETWEEN becomes) and prefix patterns (LIKE 'abc%', GLOB 'abc*') on the sort key, and xFilter
// turns them into one key range of the items column family (query::QueryRange per condition,
// intersected): one seek, iteration stopping at the upper bound. The constraints are not
// "omitted": SQLite checks them again on every row, so the range only has to hold every
// matching row (a superset), and a value of an unexpected SQL type simply narrows nothing.
//
// idxNum packs the operator of each argument, 4 bits each (argument 1 in the low bits), and
// idxStr says the same for people: EXPLAIN QUERY PLAN shows e.g.
//   SCAN weather VIRTUAL TABLE INDEX 1057:station=? AND date>=? AND date<=?
// (after a NUL, idxStr also carries the columns the statement uses, so a row walks only up to
// the last attribute it needs).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "query/item_key.h"
#include "query/key_condition.h"
#include "query/sql/scan_cursor.h"
#include "query/sql/vtabs.h"

namespace freshet::query::sql {
namespace {

enum Op : int { kNone = 0, kPkEq = 1, kSkEq, kSkLt, kSkLe, kSkGt, kSkGe, kSkLike, kSkGlob };
constexpr int kMaxArgs = 7;  // 4 bits each in a 32-bit idxNum, the sign bit unused

const char* OpText(int op) {
  switch (op) {
    case kPkEq:
    case kSkEq: return "=?";
    case kSkLt: return "<?";
    case kSkLe: return "<=?";
    case kSkGt: return ">?";
    case kSkGe: return ">=?";
    case kSkLike: return " LIKE ?";
    case kSkGlob: return " GLOB ?";
    default: return "?";
  }
}

struct TableVtab {
  sqlite3_vtab base{};
  ReadState* state = nullptr;
  const TableColumns* columns = nullptr;
};

struct TableCursor : ScanCursor {
  ItemRow row;
  explicit TableCursor(const TableColumns* c) : row(c) {}
};

struct ModuleAux {
  ReadState* state;
  TableColumns columns;
};

int SetError(sqlite3_vtab* vtab, const std::string& message) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", message.c_str());
  return SQLITE_ERROR;
}

int Connect(sqlite3* conn, void* aux, int, const char* const*, sqlite3_vtab** out, char** err) {
  auto* a = static_cast<ModuleAux*>(aux);
  int rc = sqlite3_declare_vtab(conn, a->columns.Declaration().c_str());
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("cannot declare table '%s': %s", a->columns.table.name.c_str(), sqlite3_errmsg(conn));
    return rc;
  }
  auto* vtab = new TableVtab;
  vtab->state = a->state;
  vtab->columns = &a->columns;
  *out = &vtab->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab->zErrMsg);
  delete reinterpret_cast<TableVtab*>(vtab);
  return SQLITE_OK;
}

// idxStr: the constraints for people (what EXPLAIN QUERY PLAN prints, up to the NUL), then a
// NUL and the columns the statement uses (SQLite's colUsed) as 16 hex digits, for xFilter.
char* IndexString(const std::string& text, uint64_t columns_used) {
  char mask[17];
  std::snprintf(mask, sizeof(mask), "%016llx", static_cast<unsigned long long>(columns_used));
  char* out = static_cast<char*>(sqlite3_malloc64(text.size() + 18));
  if (!out) return nullptr;
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  std::memcpy(out + text.size() + 1, mask, 17);
  return out;
}

uint64_t ColumnsUsed(const char* idx_str) {
  if (!idx_str) return ~uint64_t{0};
  return std::strtoull(idx_str + std::strlen(idx_str) + 1, nullptr, 16);
}

int BestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  const auto* vtab = reinterpret_cast<TableVtab*>(base);
  const TableDescription& t = vtab->columns->table;
  int pk = -1;
  std::vector<std::pair<int, int>> sk;  // constraint index, op
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable) continue;
    if (c.iColumn == 0 && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      if (pk < 0) pk = i;
      continue;
    }
    if (c.iColumn != 1 || !t.sort_key || sk.size() + 1 >= kMaxArgs) continue;
    const bool text_key = t.sort_key->type == KeyType::kS;
    int op = kNone;
    switch (c.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ: op = kSkEq; break;
      case SQLITE_INDEX_CONSTRAINT_LT: op = kSkLt; break;
      case SQLITE_INDEX_CONSTRAINT_LE: op = kSkLe; break;
      case SQLITE_INDEX_CONSTRAINT_GT: op = kSkGt; break;
      case SQLITE_INDEX_CONSTRAINT_GE: op = kSkGe; break;
      case SQLITE_INDEX_CONSTRAINT_LIKE: op = text_key ? kSkLike : kNone; break;
      case SQLITE_INDEX_CONSTRAINT_GLOB: op = text_key ? kSkGlob : kNone; break;
      default: break;
    }
    if (op != kNone) sk.emplace_back(i, op);
  }
  if (pk < 0) {  // a scan of the whole table
    info->idxNum = 0;
    info->idxStr = IndexString("", info->colUsed);
    info->needToFreeIdxStr = 1;
    info->estimatedCost = 1e6;
    info->estimatedRows = 1000000;
    return SQLITE_OK;
  }
  int idx_num = kPkEq;
  std::string text = t.partition_key.name + OpText(kPkEq);
  info->aConstraintUsage[pk].argvIndex = 1;
  for (size_t j = 0; j < sk.size(); ++j) {
    info->aConstraintUsage[sk[j].first].argvIndex = static_cast<int>(j) + 2;
    idx_num |= sk[j].second << (4 * (j + 1));
    text += " AND " + t.sort_key->name + OpText(sk[j].second);
  }
  info->idxNum = idx_num;
  info->idxStr = IndexString(text, info->colUsed);
  info->needToFreeIdxStr = 1;
  info->estimatedCost = sk.empty() ? 1000 : 100.0 / static_cast<double>(sk.size());
  info->estimatedRows = sk.empty() ? 1000 : 30;
  return SQLITE_OK;
}

// The key value `v` as an attribute of type `type`, if it has a matching SQL type. REAL numbers
// give their shortest round-trip text.
std::optional<AttributeValue> KeyValue(KeyType type, sqlite3_value* v) {
  const int t = sqlite3_value_type(v);
  switch (type) {
    case KeyType::kS:
      if (t != SQLITE_TEXT) return std::nullopt;
      return AttributeValue::S(std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                                           static_cast<size_t>(sqlite3_value_bytes(v))));
    case KeyType::kB:
      if (t != SQLITE_BLOB) return std::nullopt;
      return AttributeValue::B(
          std::string(static_cast<const char*>(sqlite3_value_blob(v)), static_cast<size_t>(sqlite3_value_bytes(v))));
    case KeyType::kN:
      if (t == SQLITE_INTEGER) return AttributeValue::N(std::to_string(sqlite3_value_int64(v)));
      if (t == SQLITE_FLOAT) {
        const double d = sqlite3_value_double(v);
        if (!std::isfinite(d)) return std::nullopt;
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof(buf), d);
        return AttributeValue::N(std::string(buf, r.ptr));
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// For a REAL operand on an N sort key: the neighbouring doubles, so that every stored decimal
// that SQLite would convert to the operand's double lies inside the range.
std::optional<AttributeValue> Neighbour(sqlite3_value* v, double toward) {
  const double d = std::nextafter(sqlite3_value_double(v), toward);
  if (!std::isfinite(d)) return std::nullopt;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return AttributeValue::N(std::string(buf, r.ptr));
}

// The literal prefix of a LIKE or GLOB pattern: characters before the first wildcard (and, for
// LIKE, which ignores ASCII case, before the first ASCII letter).
std::string PatternPrefix(std::string_view pattern, bool like) {
  std::string prefix;
  for (char c : pattern) {
    if (like ? (c == '%' || c == '_' || std::isalpha(static_cast<unsigned char>(c)))
             : (c == '*' || c == '?' || c == '[')) {
      break;
    }
    prefix.push_back(c);
  }
  return prefix;
}

// The sort-key condition for one constraint, or nullopt when it cannot narrow the range.
std::optional<SortKeyCondition> ConditionFor(const KeyAttribute& sk, int op, sqlite3_value* v) {
  using C = SortKeyCondition;
  if (op == kSkLike || op == kSkGlob) {
    if (sqlite3_value_type(v) != SQLITE_TEXT) return std::nullopt;
    std::string prefix = PatternPrefix(reinterpret_cast<const char*>(sqlite3_value_text(v)), op == kSkLike);
    if (prefix.empty()) return std::nullopt;
    return C{C::Op::kBeginsWith, AttributeValue::S(std::move(prefix)), {}};
  }
  if (sk.type == KeyType::kN && sqlite3_value_type(v) == SQLITE_FLOAT) {
    auto down = Neighbour(v, -INFINITY), up = Neighbour(v, INFINITY);
    if (!down || !up) return std::nullopt;
    switch (op) {
      case kSkEq: return C{C::Op::kBetween, *down, *up};
      case kSkLt:
      case kSkLe: return C{C::Op::kLe, *up, {}};
      default: return C{C::Op::kGe, *down, {}};
    }
  }
  auto value = KeyValue(sk.type, v);
  if (!value) return std::nullopt;
  switch (op) {
    case kSkEq: return C{C::Op::kEq, *value, {}};
    case kSkLt: return C{C::Op::kLt, *value, {}};
    case kSkLe: return C{C::Op::kLe, *value, {}};
    case kSkGt: return C{C::Op::kGt, *value, {}};
    default: return C{C::Op::kGe, *value, {}};
  }
}

// The key range for the filter's arguments (see the file comment).
KeyRange RangeFor(const TableDescription& t, int idx_num, int argc, sqlite3_value** argv) {
  KeyRange all = TableRange(t.id);
  if ((idx_num & 0xF) != kPkEq || argc < 1) return all;
  auto pk = KeyValue(t.partition_key.type, argv[0]);
  if (!pk) return all;
  auto base = QueryRange(t, *pk, std::nullopt);
  if (!base.ok()) return all;
  KeyRange range = *base;
  for (int i = 1; i < argc && t.sort_key; ++i) {
    auto condition = ConditionFor(*t.sort_key, (idx_num >> (4 * i)) & 0xF, argv[i]);
    if (!condition) continue;
    auto r = QueryRange(t, *pk, condition);
    if (!r.ok()) continue;
    range.lower = std::max(range.lower, r->lower);
    if (!r->upper.empty() && (range.upper.empty() || r->upper < range.upper)) range.upper = r->upper;
  }
  return range;
}

int Open(sqlite3_vtab* base, sqlite3_vtab_cursor** out) {
  auto* vtab = reinterpret_cast<TableVtab*>(base);
  auto* cursor = new TableCursor(vtab->columns);
  *out = &cursor->base;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* c) {
  delete CursorOf<TableCursor>(c);
  return SQLITE_OK;
}

int SetRow(TableCursor* cursor) {
  auto* vtab = reinterpret_cast<TableVtab*>(cursor->base.pVtab);
  if (!cursor->it->Valid()) {
    Status s = cursor->it->status();
    return s.ok() ? SQLITE_OK : SetError(&vtab->base, "table '" + vtab->columns->table.name + "': " + s.ToString());
  }
  ++cursor->rowid;
  if (!cursor->row.Set(cursor->it->key(), cursor->it->value())) {
    SetError(&vtab->base, "item of table '" + vtab->columns->table.name + "' is malformed");
    return SQLITE_CORRUPT;
  }
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* c, int idx_num, const char* idx_str, int argc, sqlite3_value** argv) {
  auto* cursor = CursorOf<TableCursor>(c);
  cursor->row.SetColumnsUsed(ColumnsUsed(idx_str));
  auto* vtab = reinterpret_cast<TableVtab*>(c->pVtab);
  KeyRange range = RangeFor(vtab->columns->table, idx_num, argc, argv);
  if (!range.upper.empty() && range.lower >= range.upper) range.upper = range.lower;  // empty
  cursor->Start(*vtab->state, storage::Cf::kItems, range.lower, range.upper);
  return SetRow(cursor);
}

int Next(sqlite3_vtab_cursor* c) {
  auto* cursor = CursorOf<TableCursor>(c);
  cursor->it->Next();
  return SetRow(cursor);
}

int Column(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int column) {
  auto* cursor = CursorOf<TableCursor>(c);
  if (!cursor->row.Result(column, ctx)) {
    auto* vtab = reinterpret_cast<TableVtab*>(c->pVtab);
    sqlite3_result_error(ctx, ("item of table '" + vtab->columns->table.name + "' is malformed").c_str(), -1);
    return SQLITE_CORRUPT;
  }
  return SQLITE_OK;
}

const sqlite3_module kTableModule = ScanModule(Connect, BestIndex, Disconnect, Open, Close, Filter, Next, Column);

}  // namespace

Status RegisterTableModule(sqlite3* conn, ReadState* state, TableColumns columns) {
  const std::string name = columns.table.name;
  auto* aux = new ModuleAux{state, std::move(columns)};
  int rc = sqlite3_create_module_v2(conn, name.c_str(), &kTableModule, aux,
                                    [](void* p) { delete static_cast<ModuleAux*>(p); });
  if (rc != SQLITE_OK) {
    return Status::Internal("cannot register table '" + name + "' with SQLite: " + sqlite3_errmsg(conn));
  }
  return Status::OK();
}

}  // namespace freshet::query::sql
