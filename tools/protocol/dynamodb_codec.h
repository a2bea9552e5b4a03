// DynamoDB's typed AttributeValue JSON (DynamoDB_20120810) <-> query::Item, with AWS's checks.
//
//   value := {"S": "text"} | {"N": "12.5"} | {"B": "<base64>"} | {"BOOL": true} | {"NULL": true}
//          | {"L": [value...]} | {"M": {"name": value...}} | {"SS": [...]} | {"NS": [...]} | {"BS": [...]}
//
// Decoding checks what AWS checks before any table is looked at, with AWS's ValidationException
// texts: exactly one type per value, numbers that DynamoDB can store (at most 38 significant
// digits, magnitude 1e-130 .. 1e126), non-empty sets without duplicates (NS compared as numbers),
// valid base64, NULL only `true`. Key-specific checks (types, empty key strings) and the item
// size are in dynamodb_common.h, since they need the table.
//
// Item size (ItemSize) is counted AWS's way: attribute name bytes plus, per value, S and B their
// bytes, N about one byte per two significant digits plus one, BOOL and NULL one byte, L and M
// three bytes plus one per element plus their contents (member names included), sets the sum of
// their elements.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "query/item.h"
#include "tools/protocol/fields.h"

namespace freshet::protocol::dynamodb {

using query::AttributeValue;
using query::Item;

inline constexpr size_t kMaxItemSize = 400 * 1024;

// One typed value. Errors: ValidationException / SerializationException in AWS's words.
Checked<AttributeValue> DecodeValue(const Json& json);
// A map of attribute names to typed values (an Item, a Key, ExclusiveStartKey...). `member` names
// the request member in errors.
Checked<Item> DecodeItem(const Json& json, const char* member);
// `request[member]` decoded, or nullopt when absent or null.
Checked<std::optional<Item>> OptionalItemMember(const Json& request, const char* member);

Json EncodeValue(const AttributeValue& value);
Json EncodeItem(const Item& item);

// AWS's size of a value and of an item (see the file comment).
size_t ValueSize(const AttributeValue& value);
size_t ItemSize(const Item& item);

}  // namespace freshet::protocol::dynamodb
