#include "query/sql/item_row.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "query/item_key.h"
#include "query/sql/encoded_value.h"
#include "storage/codec.h"

namespace freshet::query::sql {
namespace {

using Type = AttributeValue::Type;

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

std::string_view KeySqlType(KeyType type) {
  switch (type) {
    case KeyType::kS: return "TEXT";
    case KeyType::kN: return "NUMERIC";
    case KeyType::kB: return "BLOB";
  }
  return "";
}

// Significant digits of a decimal text ("0.00120" has 2), or a large number if it is not one.
int SignificantDigits(std::string_view text) {
  size_t end = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, end);
  size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return 1;
  size_t last = mantissa.find_last_of("123456789");
  int digits = 0;
  for (size_t i = first; i <= last; ++i) digits += mantissa[i] != '.';
  return digits;
}

// AppendJsonString (item_json.h), with the common case (nothing to escape: no control
}  // namespace

std::string TableColumns::Declaration() const {
  std::string out = "CREATE TABLE x(";
  out += QuoteIdentifier(table.partition_key.name) + " " + std::string(KeySqlType(table.partition_key.type));
  if (table.sort_key) {
    out += ", " + QuoteIdentifier(table.sort_key->name) + " " + std::string(KeySqlType(table.sort_key->type));
  }
  for (const std::string& a : attributes) out += ", " + QuoteIdentifier(a);
  out += ", " + QuoteIdentifier(item_column) + " TEXT)";
  return out;
}

// Plain decimals ([-]digits[.digits], at most 15 significant digits, no exponent) in one pass:
// an integer mantissa and a power of ten, both exact in a double, so one division gives the
// correctly rounded value (the same double strtod gives). Returns false for anything else.
namespace {
bool FastDecimal(std::string_view text, bool* integer, int64_t* mantissa, double* value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  i += negative;
  int64_t m = 0;
  int digits = 0, scale = 0;
  bool point = false, any = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (m == 0 && c == '0') {  // leading zeros are not significant
      scale += point;
      continue;
    }
    if (++digits > 15) return false;
    m = m * 10 + (c - '0');
    scale += point;
  }
  if (!any || scale > 22) return false;
  *integer = scale == 0;
  *mantissa = negative ? -m : m;
  *value = static_cast<double>(*mantissa) / kPow10[scale];
  return true;
}
}  // namespace

void ResultNumber(sqlite3_context* ctx, std::string_view text) {
  bool integer = false;
  int64_t mantissa = 0;
  double d = 0;
  if (FastDecimal(text, &integer, &mantissa, &d)) {
    if (integer) {
      sqlite3_result_int64(ctx, mantissa);
    } else {
      sqlite3_result_double(ctx, d);
    }
    return;
  }
  const char* begin = text.data();
  const char* end = begin + text.size();
  int64_t i = 0;
  auto [p, ec] = std::from_chars(begin, end, i);
  if (ec == std::errc() && p == end) {
    sqlite3_result_int64(ctx, i);
    return;
  }
  if (SignificantDigits(text) <= 15) {
    auto [q, ec2] = std::from_chars(begin, end, d);
    if (ec2 == std::errc() && q == end) {
      sqlite3_result_double(ctx, d);
      return;
    }
  }
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void ResultValue(sqlite3_context* ctx, const AttributeValue& value) {
  switch (value.type()) {
    case Type::kS:
      sqlite3_result_text(ctx, value.scalar().data(), static_cast<int>(value.scalar().size()), SQLITE_TRANSIENT);
      return;
    case Type::kN: ResultNumber(ctx, value.scalar()); return;
    case Type::kB:
      sqlite3_result_blob(ctx, value.scalar().data(), static_cast<int>(value.scalar().size()), SQLITE_TRANSIENT);
      return;
    case Type::kBool: sqlite3_result_int(ctx, value.boolean() ? 1 : 0); return;
    case Type::kNull: sqlite3_result_null(ctx); return;
    default: {
      std::string json;
      AppendPlainJson(value, &json);
      sqlite3_result_text(ctx, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
      return;
    }
  }
}

void ItemRow::SetColumnsUsed(uint64_t used) {
  used_.clear();
  const size_t keys = columns_->key_count();
  for (size_t a = 0; a < columns_->attributes.size(); ++a) {
    const size_t column = keys + a;
    if ((used >> std::min<size_t>(column, 63)) & 1) used_.push_back(a);
  }
}

bool ItemRow::Set(std::string_view key, std::string_view value) {
  key_ = key;
  value_ = value;
  key_decoded_ = all_decoded_ = false;
  slots_.assign(columns_->attributes.size(), std::string_view());
  std::string_view in = value;
  uint32_t count = 0;
  if (in.empty() || in.front() != 0x01) return false;
  in.remove_prefix(1);
  if (!codec::GetVarint32(&in, &count)) return false;
  // Members and used columns are both sorted by name: one merge, stopping after the last used
  // column (a GROUP BY over three attributes does not walk the rest of a wide item).
  const auto& names = columns_->attributes;
  size_t next = 0;
  for (uint32_t m = 0; m < count && next < used_.size(); ++m) {
    std::string_view name;
    if (!GetLengthPrefixed(&in, &name)) return false;
    const std::string_view start = in;
    if (!SkipEncodedValue(&in, 1)) return false;
    while (next < used_.size() && std::string_view(names[used_[next]]) < name) ++next;
    if (next < used_.size() && names[used_[next]] == name) {
      slots_[used_[next]] = start.substr(0, start.size() - in.size());
      ++next;
    }
  }
  return true;
}

// The key components straight from the key bytes (item_key.h grammar), into reused strings.
bool ItemRow::DecodeKey() {
  if (key_decoded_) return true;
  std::string_view in = key_;
  if (in.size() < 4) return false;
  in.remove_prefix(4);  // table id
  const KeyAttribute* attrs[2] = {&columns_->table.partition_key,
                                  columns_->table.sort_key ? &*columns_->table.sort_key : nullptr};
  for (int i = 0; i < 2 && attrs[i]; ++i) {
    const bool ok = attrs[i]->type == KeyType::kN ? codec::GetOrderedNumber(&in, &key_text_[i])
                                                  : codec::GetOrderedBytes(&in, &key_text_[i]);
    if (!ok) return false;
  }
  key_decoded_ = in.empty();
  return key_decoded_;
}

bool ItemRow::DecodeAll() {
  if (all_decoded_) return true;
  full_item_.Clear();
  if (!DecodeItemValue(value_, &full_item_) || !DecodeItemKey(columns_->table, key_, &full_item_)) return false;
  all_decoded_ = true;
  return true;
}

// The whole item as plain JSON, members in name order (as ItemToPlainJson), the key attributes
// merged in at their places.
bool ItemRow::ItemJson(std::string* out) {
  if (!DecodeKey()) return false;
  out->clear();
  const TableDescription& t = columns_->table;
  std::pair<std::string_view, int> keys[2] = {{t.partition_key.name, 0}, {"", -1}};
  int key_count = 1;
  if (t.sort_key) {
    keys[1] = {t.sort_key->name, 1};
    key_count = 2;
    if (keys[1].first < keys[0].first) std::swap(keys[0], keys[1]);
  }
  int next_key = 0;
  bool first = true;
  auto append_key = [&](int i) {
    if (!first) out->push_back(',');
    first = false;
    const int which = keys[i].second;
    AppendJsonText(keys[i].first, out);
    out->push_back(':');
    const KeyType type = which == 0 ? t.partition_key.type : t.sort_key->type;
    if (type == KeyType::kS) {
      AppendJsonText(key_text_[which], out);
    } else if (type == KeyType::kN) {
      out->append(key_text_[which]);
    } else {
      AppendJsonString(EncodeBase64(key_text_[which]), out);
    }
  };
  out->push_back('{');
  std::string_view in = value_;
  uint32_t count = 0;
  if (in.empty() || in.front() != 0x01) return false;
  in.remove_prefix(1);
  if (!codec::GetVarint32(&in, &count)) return false;
  for (uint32_t m = 0; m < count; ++m) {
    std::string_view name;
    if (!GetLengthPrefixed(&in, &name)) return false;
    while (next_key < key_count && keys[next_key].first < name) append_key(next_key++);
    if (!first) out->push_back(',');
    first = false;
    AppendJsonText(name, out);
    out->push_back(':');
    if (!AppendEncodedJson(&in, out, 1)) return false;
  }
  while (next_key < key_count) append_key(next_key++);
  out->push_back('}');
  return true;
}

bool ItemRow::Result(int column, sqlite3_context* ctx) {
  const size_t c = static_cast<size_t>(column);
  const size_t keys = columns_->key_count();
  if (c < keys) {
    if (!DecodeKey()) return false;
    const std::string& text = key_text_[c];
    switch (c == 0 ? columns_->table.partition_key.type : columns_->table.sort_key->type) {
      case KeyType::kS: sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT); break;
      case KeyType::kB: sqlite3_result_blob(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT); break;
      case KeyType::kN: ResultNumber(ctx, text); break;
    }
    return true;
  }
  if (c == columns_->size() - 1) {
    if (!ItemJson(&json_)) return false;
    sqlite3_result_text(ctx, json_.data(), static_cast<int>(json_.size()), SQLITE_TRANSIENT);
    return true;
  }
  std::string_view encoded = slots_[c - keys];
  if (encoded.empty()) {
    sqlite3_result_null(ctx);
    return true;
  }
  const char tag = encoded.front();
  std::string_view rest = encoded.substr(1), bytes;
  switch (tag) {
    case 'S':
    case 'N':
    case 'B':
      if (!GetLengthPrefixed(&rest, &bytes)) return false;
      if (tag == 'N') {
        ResultNumber(ctx, bytes);
      } else if (tag == 'S') {
        sqlite3_result_text(ctx, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_result_blob(ctx, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
      }
      return true;
    case 'T': sqlite3_result_int(ctx, 1); return true;
    case 'F': sqlite3_result_int(ctx, 0); return true;
    case '0': sqlite3_result_null(ctx); return true;
    default: {
      if (!DecodeAll()) return false;
      const AttributeValue* v = full_item_.Find(columns_->attributes[c - keys]);
      if (!v) return false;
      ResultValue(ctx, *v);
      return true;
    }
  }
}

}  // namespace freshet::query::sql
