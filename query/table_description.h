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
#include <vector>

#include "storage/status.h"

namespace freshet::query {

enum class KeyType : uint8_t { kS, kN, kB };
std::string_view KeyTypeName(KeyType type);  // "S", "N", "B"

struct KeyAttribute {
  std::string name;
  KeyType type = KeyType::kS;
};

// A local or global secondary index (DynamoDB's LSI / GSI). Its entries live in the items
// column family under the index key space (query/secondary_index.h), written in the same batch
// as the item they index.
struct IndexDescription {
  enum class Projection : uint8_t { kAll, kKeysOnly, kInclude };
  std::string name;
  bool global = false;
  uint32_t number = 0;  // unique within the table, never reused (TableDescription::next_index)
  KeyAttribute partition_key;
  std::optional<KeyAttribute> sort_key;
  Projection projection = Projection::kAll;
  std::vector<std::string> non_key_attributes;  // kInclude only
  bool backfilling = false;                     // a GSI added by UpdateTable, not yet filled
};
std::string_view ProjectionName(IndexDescription::Projection p);  // "ALL", "KEYS_ONLY", "INCLUDE"

// DynamoDB Streams settings of a table (query/change_stream.h writes the records).
struct StreamSettings {
  enum class View : uint8_t { kKeysOnly, kNewImage, kOldImage, kNewAndOldImages };
  bool enabled = false;
  View view = View::kNewAndOldImages;
  uint64_t label_ms = 0;  // when the current stream was enabled: its label and ARN
};
std::string_view StreamViewName(StreamSettings::View v);
bool StreamViewFromName(std::string_view name, StreamSettings::View* view);

struct TableDescription {
  std::string name;
  uint32_t id = 0;  // 0 until created
  KeyAttribute partition_key;
  std::optional<KeyAttribute> sort_key;
  uint64_t created_ms = 0;
  std::string spec_json;  // the CreateTable document as given (or built from flags)
  std::vector<IndexDescription> indexes;
  uint32_t next_index = 1;    // the number the next index gets
  std::string ttl_attribute;  // empty: TTL disabled
  StreamSettings stream;
  // Not stored: the process-wide catalog generation when this description was read (see
  // TableStore::Get), so a writer can tell whether its copy may be stale.
  uint64_t read_generation = 0;

  const IndexDescription* FindIndex(std::string_view index_name) const;
  // Whether a write must know the item it replaces (to maintain indexes or a change stream).
  bool WritesDerived() const { return !indexes.empty() || stream.enabled; }
};

// Checks a table name: 3..255 characters of [A-Za-z0-9_.-], as DynamoDB requires.
Status ValidateTableName(std::string_view name);

// Parses a CreateTable document. Errors: InvalidArgument naming the field (bad JSON, missing
// TableName, KeySchema without exactly one HASH and at most one RANGE, a key attribute missing
// from AttributeDefinitions or of a type other than S, N, B). LocalSecondaryIndexes and
// GlobalSecondaryIndexes become `indexes` (numbered from 1); StreamSpecification `stream`.
Result<TableDescription> ParseCreateTable(std::string_view json);

// Parses one index of a CreateTable or UpdateTable document (`index` is its JSON text) with
// key types from `attribute_definitions` (a JSON array text). InvalidArgument naming the field.
Result<IndexDescription> ParseIndex(std::string_view index, std::string_view attribute_definitions, bool global);

// Builds a description from flags: `partition` and `sort` are "NAME:TYPE" (sort may be empty).
Result<TableDescription> TableFromFlags(std::string_view name, std::string_view partition, std::string_view sort);

// The stored form, and back. FromJson returns Corruption if `json` is not a description.
std::string DescriptionToJson(const TableDescription& desc);
Result<TableDescription> DescriptionFromJson(std::string_view json);

}  // namespace freshet::query
