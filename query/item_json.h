// JSON forms of an item: DynamoDB's typed JSON and plain JSON.
//
//   typed: {"station":{"S":"USW00093721"},"TMAX":{"N":"22.8"},"raw":{"B":"AAE="}}
//   plain: {"station":"USW00093721","TMAX":22.8}
//
// Reading accepts either form. An item is read as typed when every top-level value is an
// object with exactly one member named S, N, B, BOOL, NULL, L, M, SS, NS or BS; otherwise as
// plain, where strings become S, numbers N (keeping their exact text: 22.80 stays "22.80"),
// true/false BOOL, null NULL, arrays L and objects M. B values are base64 in both forms.
//
// Writing: typed output is lossless (ParseItemJson(ItemToTypedJson(x)) == x). Plain output
// writes N as a JSON number with its stored text, B as a base64 string and sets as arrays, so
// the types of B and sets do not survive a plain round trip.
//
// Errors are InvalidArgument with one line naming what is wrong and where (attribute path, or
// byte offset of a JSON syntax error). Thread-safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>

#include "query/item.h"
#include "storage/status.h"
#include "storage/text.h"

namespace freshet::query {

// Parses one item (a JSON object) in typed or plain form; see the file comment.
Result<Item> ParseItemJson(std::string_view json);
// Parses one JSON value in plain form (a string, number, ...), e.g. a value given on the
// command line.
Result<AttributeValue> ParsePlainValueJson(std::string_view json);

std::string ItemToTypedJson(const Item& item);
std::string ItemToPlainJson(const Item& item);
// Appends `value` in plain JSON form.
void AppendPlainJson(const AttributeValue& value, std::string* out);
// Appends `text` as a JSON string literal, escaped (the one escaper, storage/text.h).
using text::AppendJsonString;

// Base64 (standard alphabet, padded): storage/text.h's, for B values.
using text::DecodeBase64;
using text::EncodeBase64;

}  // namespace freshet::query
