// Kinesis's `application/x-amz-cbor-1.1` content type (the Java SDK and the KPL send it): the same
// request and response shapes as JSON 1.1, encoded as CBOR (RFC 8949). Converting at the edge lets
// handlers see exactly what the JSON protocol gives them.
//
// CborToJson rules: byte strings become standard base64 JSON strings (as JSON 1.1 carries blobs);
// tag 1 (epoch time) becomes its number and every other tag is dropped (its content kept);
// undefined becomes null; definite and indefinite lengths are both read. Refused
// (InvalidArgument naming the byte offset where it can): maps with keys that are not text strings,
// text that is not UTF-8, non-finite floats, negative integers below -2^63, nesting deeper than
// 64, truncated or malformed input, and bytes after the one top-level item.
//
// JsonToCbor rules: numbers, strings, booleans, null, arrays and objects map to their CBOR
// counterparts (integers as integers, others as 64-bit floats, definite lengths); a string member
// whose name is in blob_fields is base64-decoded and written as a byte string (left a text string
// if it is not valid base64); a number member whose name is in timestamp_fields is written with
// tag 1, as AWS's CBOR responses carry timestamps. Member names match at any depth.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::http {

Result<nlohmann::json> CborToJson(std::string_view bytes);

std::string JsonToCbor(const nlohmann::json& value, const std::set<std::string>& blob_fields,
                       const std::set<std::string>& timestamp_fields);

}  // namespace freshet::http
