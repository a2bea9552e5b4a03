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
//              "mode": "put" | "merge" | "aggregate",  put replaces the item; merge sets the
//                                             attributes; aggregate updates one item per group
//              "when": COND,
//              "key": {ATTR: MAPPING, ...},   exactly the table's key attributes (the group key)
//              "attributes": {ATTR: MAPPING, ...},
//              "aggregates": {ATTR: AGGREGATE, ...}}   aggregate mode only (and required there)
//   COND    := {"field": PATH, "in": [STRING, ...]} | {"field": PATH, "exists": true}
//   ATTR    := an attribute name; "{field}" inside it is replaced by that record field's text
//              (e.g. "{element}" names the attribute after the element, "PRCP")
//   MAPPING := PATH | {"field": PATH, "type": "S|N|B|BOOL", "optional": BOOL,
//                      "truncate": "day|month|year"} | {"const": JSON}
//   PATH    := field names joined by '.', for nested objects ("reading.value")
//   AGGREGATE := {OP: PATH | MAPPING, "when": COND}       OP one of count, sum, min, max, mean,
//                                                          first, last; "when" optional
//              count: "*" counts every record of the group, a PATH those where the field is present;
//              sum, mean: numbers; min, max: numbers (or strings, with "type": "S"); first, last:
//              any value, by record order. mean keeps ATTR_sum and ATTR_count and sets ATTR to their
//              quotient (38 significant digits). The aggregate math is stream/consumer/aggregate.h.
//
// A required field that is missing, or a value not of its type, makes the record a dead letter.
// Optional fields that are missing or empty strings are left out of the item. "truncate" cuts an
// ISO date or timestamp ("2016-01-15", "2016-01-15T06:00:00Z") to "2016-01-15", "2016-01" or
// "2016"; text not starting with such a date makes the record a dead letter. An aggregate whose
// field is missing (or whose "when" fails) is skipped for that record, as SQL skips NULLs.
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
  enum class Truncate { kNone, kDay, kMonth, kYear };
  std::vector<std::string> path;                  // empty for a constant (and for count "*")
  std::optional<query::AttributeValue> constant;  // set for {"const": ...}
  std::optional<query::AttributeValue::Type> type;
  bool optional = false;
  Truncate truncate = Truncate::kNone;
};

struct AttributeMapping {
  std::string name_template;  // may hold {field} placeholders
  ValueMapping value;
};

struct Condition {
  std::vector<std::string> path;
  std::vector<std::string> in;  // empty: the field only has to exist
};

struct AggregateSpec {
  enum class Op { kCount, kSum, kMin, kMax, kMean, kFirst, kLast };
  std::string name_template;  // may hold {field} placeholders
  Op op = Op::kCount;
  ValueMapping value;  // count "*": an empty path
  std::optional<Condition> when;
};

struct TargetSpec {
  enum class Mode { kPut, kMerge, kAggregate };
  std::string table;
  std::optional<query::TableDescription> key_schema;  // for create_if_missing
  Mode mode = Mode::kPut;
  std::optional<Condition> when;
  std::vector<AttributeMapping> key;
  std::vector<AttributeMapping> attributes;
  std::vector<AggregateSpec> aggregates;  // kAggregate only
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

// Built-in specs: "weather", "weather-monthly" (aggregates per station and month), "student"
// (Precipitation and Temperature tables), "sensors", "openweather".
std::vector<std::string> BuiltinPipelineNames();
// The JSON of a built-in spec, or NotFound.
Result<std::string> BuiltinPipelineJson(std::string_view name);
// A path to a JSON file, or a built-in name. NotFound names both possibilities.
Result<PipelineSpec> LoadPipeline(std::string_view file_or_name);

}  // namespace freshet::stream
