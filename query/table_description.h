// TableDescription: a table's name, id and key schema, as kept in the meta column family.
//
// A table is created from a DynamoDB CreateTable document (the --cli-input-json file of
// `aws dynamodb create-table`) or from flags. The stored description is JSON:
//   {"name":"weather","id":7,"partition_key":{"name":"station","type":"S"},
//    "sort_key":{"name":"date","type":"S"},"created_ms":...,"spec":{...original document...}}
// Unknown CreateTable fields (BillingMode, ProvisionedThroughput, ...) are kept in "spec".
//
// Thread-safety: plain values; functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::query {

enum class KeyType : uint8_t { kS, kN, kB };
std::string_view KeyTypeName(KeyType type);  // "S", "N", "B"

struct KeyAttribute {
  std::string name;
  KeyType type = KeyType::kS;
};

struct TableDescription {
  std::string name;
  uint32_t id = 0;  // 0 until created
  KeyAttribute partition_key;
  std::optional<KeyAttribute> sort_key;
  uint64_t created_ms = 0;
  std::string spec_json;  // the CreateTable document as given (or built from flags)
};

// Checks a table name: 3..255 characters of [A-Za-z0-9_.-], as DynamoDB requires.
Status ValidateTableName(std::string_view name);

// Parses a CreateTable document. Errors: InvalidArgument naming the field (bad JSON, missing
// TableName, KeySchema without exactly one HASH and at most one RANGE, a key attribute missing
// from AttributeDefinitions or of a type other than S, N, B).
Result<TableDescription> ParseCreateTable(std::string_view json);

// Builds a description from flags: `partition` and `sort` are "NAME:TYPE" (sort may be empty).
Result<TableDescription> TableFromFlags(std::string_view name, std::string_view partition,
                                        std::string_view sort);

// The stored form, and back. FromJson returns Corruption if `json` is not a description.
std::string DescriptionToJson(const TableDescription& desc);
Result<TableDescription> DescriptionFromJson(std::string_view json);

}  // namespace freshet::query
