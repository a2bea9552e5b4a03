#include "query/key_condition.h"

#include "query/item_key.h"
#include "storage/codec.h"

namespace freshet::query {

Result<KeyRange> QueryRange(const TableDescription& table, const AttributeValue& partition,
                            const std::optional<SortKeyCondition>& condition) {
  return QueryRangeUnder(TableKeyPrefix(table.id), table.partition_key, table.sort_key, "table '" + table.name + "'",
                         partition, condition);
}

Result<KeyRange> QueryRangeUnder(std::string prefix, const KeyAttribute& partition_key,
                                 const std::optional<KeyAttribute>& sort_key, std::string_view what,
                                 const AttributeValue& partition, const std::optional<SortKeyCondition>& condition) {
  FRESHET_RETURN_IF_ERROR(AppendKeyComponent(partition_key, partition, kMaxPartitionKeyBytes, &prefix));
  KeyRange range{prefix, codec::PrefixSuccessor(prefix)};
  if (!condition) return range;
  if (!sort_key) {
    return Status::InvalidArgument(std::string(what) + " has no sort key: a query takes no sort-key condition");
  }
  using Op = SortKeyCondition::Op;
  const KeyAttribute& sk = *sort_key;
  if (condition->op == Op::kBeginsWith) {
    if (sk.type == KeyType::kN) return Status::InvalidArgument("begins_with needs an S or B sort key");
    const auto want = sk.type == KeyType::kS ? AttributeValue::Type::kS : AttributeValue::Type::kB;
    if (condition->value.type() != want) {
      return Status::InvalidArgument("begins_with: the operand must be of type " + std::string(KeyTypeName(sk.type)) +
                                     ", like sort key '" + sk.name + "'");
    }
    std::string lower = prefix;
    codec::PutOrderedBytesPrefix(&lower, condition->value.scalar());
    range.upper = codec::PrefixSuccessor(lower);
    range.lower = std::move(lower);
    return range;
  }
  std::string at = prefix;  // first key with sort key == value
  FRESHET_RETURN_IF_ERROR(AppendKeyComponent(sk, condition->value, kMaxSortKeyBytes, &at));
  // The first key with sort key > value: every key extending `at` has sort key == value (no
  // encoded component is a prefix of another).
  std::string after = codec::PrefixSuccessor(at);
  switch (condition->op) {
    case Op::kEq: range = {at, after}; break;
    case Op::kLt: range.upper = at; break;
    case Op::kLe: range.upper = after; break;
    case Op::kGt: range.lower = after; break;
    case Op::kGe: range.lower = at; break;
    case Op::kBetween: {
      std::string end = prefix;
      FRESHET_RETURN_IF_ERROR(AppendKeyComponent(sk, condition->value2, kMaxSortKeyBytes, &end));
      if (end < at) return Status::InvalidArgument("between: the lower bound is greater than the upper bound");
      range = {at, codec::PrefixSuccessor(end)};
      break;
    }
    case Op::kBeginsWith: break;
  }
  return range;
}

KeyRange PrefixRange(std::string prefix) {
  std::string upper = codec::PrefixSuccessor(prefix);
  return KeyRange{std::move(prefix), std::move(upper)};
}

KeyRange TableRange(uint32_t table_id) { return PrefixRange(TableKeyPrefix(table_id)); }

std::string EncodePageToken(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  key.remove_prefix(std::min<size_t>(4, key.size()));
  out.reserve(key.size() * 2);
  for (unsigned char c : key) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

Result<std::string> DecodePageToken(uint32_t table_id, std::string_view token, const KeyRange& range) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string key = TableKeyPrefix(table_id);
  bool ok = !token.empty() && token.size() % 2 == 0;
  for (size_t i = 0; ok && i < token.size(); i += 2) {
    int hi = nibble(token[i]), lo = nibble(token[i + 1]);
    ok = hi >= 0 && lo >= 0;
    key.push_back(static_cast<char>(hi << 4 | lo));
  }
  if (!ok || !range.Contains(key)) return Status::InvalidArgument("invalid page token");
  return key;
}

}  // namespace freshet::query
