// PipelineSpec: what a Lambda consumer function did, declared as data.
//
// A spec names a consumer, the stream it reads, where rejected records go, and targets: each a
// table plus how to build an item from a record's JSON. Grammar of the JSON document:
//
//   {"consumer": NAME, "stream": NAME,
//    "dead_letter_stream": NAME,             optional, default "<stream>-dlq"
//    "create_if_missing": BOOL,              optional: create the streams and tables
//    "stream_shards": N,                     optional, for creation (default 1)
//    "targets": [TARGET, ...]}
//   TARGET := {"table": NAME,
//              "key_schema": {"partition_key": "name:S|N|B", "sort_key": "name:S|N|B"},  (creation)
//              "mode": "put" | "merge",       put replaces the item; merge sets the attributes
//              "when": {"field": PATH, "in": [STRING, ...]} | {"field": PATH, "exists": true},
//              "key": {ATTR: MAPPING, ...},   exactly the table's key attributes
//              "attributes": {ATTR: MAPPING, ...}}
//   ATTR    := an attribute name; "{field}" inside it is replaced by that record field's text
//              (e.g. "{element}" names the attribute after the element, "PRCP")
//   MAPPING := PATH | {"field": PATH, "type": "S|N|B|BOOL", "optional": BOOL} | {"const": JSON}
//   PATH    := field names joined by '.', for nested objects ("reading.value")
//
// A required field that is missing, or a value not of its type, makes the record a dead letter.
// Optional fields that are missing or empty strings are left out of the item.
//
// Thread-safety: plain values; functions are pure (LoadPipeline reads a file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"
#include "storage/status.h"

namespace freshet::stream {

struct ValueMapping {
  std::vector<std::string> path;                 // empty for a constant
  std::optional<query::AttributeValue> constant;  // set for {"const": ...}
  std::optional<query::AttributeValue::Type> type;
  bool optional = false;
};

struct AttributeMapping {
  std::string name_template;  // may hold {field} placeholders
  ValueMapping value;
};

struct Condition {
  std::vector<std::string> path;
  std::vector<std::string> in;  // empty: the field only has to exist
};

struct TargetSpec {
  enum class Mode { kPut, kMerge };
  std::string table;
  std::optional<query::TableDescription> key_schema;  // for create_if_missing
  Mode mode = Mode::kPut;
  std::optional<Condition> when;
  std::vector<AttributeMapping> key;
  std::vector<AttributeMapping> attributes;
};

struct PipelineSpec {
  std::string consumer;
  std::string stream;
  std::string dead_letter_stream;
  bool create_if_missing = false;
  uint32_t stream_shards = 1;
  std::vector<TargetSpec> targets;
};

// Parses a spec; `source` (a file name) prefixes error messages. InvalidArgument naming the
// field on any error.
Result<PipelineSpec> ParsePipelineSpec(std::string_view json, std::string_view source);

// Built-in specs: "weather", "student" (Precipitation and Temperature tables), "sensors".
std::vector<std::string> BuiltinPipelineNames();
// The JSON of a built-in spec, or NotFound.
Result<std::string> BuiltinPipelineJson(std::string_view name);
// A path to a JSON file, or a built-in name. NotFound names both possibilities.
Result<PipelineSpec> LoadPipeline(std::string_view file_or_name);

}  // namespace freshet::stream
