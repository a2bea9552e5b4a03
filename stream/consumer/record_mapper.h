// RecordMapper: turns one stream record (JSON) into the items a pipeline spec's targets make,
// validated and keyed, ready to write.
//
// A record is parsed once, without a DOM (record_mapper_fields.h): only the fields the spec
// reads are looked at, and numbers keep the text of their JSON token, so every significant
// digit reaches the item (more than 38 make the record a dead letter, as DynamoDB refuses
// them). Each item's key is encoded once here, and a put target's value too, so the consumer
// writes them as they are.
//
// Thread-safety: Map is const and safe to call concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"
#include "stream/consumer/pipeline_spec.h"
#include "stream/consumer/record_mapper_fields.h"

namespace freshet::stream {

// One aggregate's contribution of a record to its group (aggregate targets).
struct AggregateInput {
  const AggregateSpec* spec = nullptr;
  std::string name;        // the attribute, placeholders filled
  bool has_value = false;  // false for count
  query::AttributeValue value;
};

struct MappedItem {
  size_t target = 0;  // index into PipelineSpec::targets
  // put targets: the whole item; merge and aggregate targets: only the key attributes. Every
  // value is valid.
  query::Item item;
  std::string key;  // the item's encoded key (query/item_key.h)
  // The encoded item value (query/item_codec.h, key attributes left out): put targets, the item
  // to write; merge and aggregate targets, the attributes to set on the stored item
  // (stream/consumer/item_value_merge.h).
  std::string value;
  // aggregate targets: what the record adds to its group (aggregates whose field is missing or
  // whose condition fails are left out).
  std::vector<AggregateInput> aggregates;
};

class RecordMapper {
 public:
  // `spec` must outlive the mapper. tables[i] is the table of spec->targets[i].
  RecordMapper(const PipelineSpec* spec, std::vector<query::TableDescription> tables);

  // Appends one MappedItem per target whose condition the record meets. If the record cannot
  // be mapped (not a JSON object, a required field missing, a value not of its type, a number
  // DynamoDB cannot store, a key or item over its limits), returns InvalidArgument with the
  // reason and leaves *out unchanged.
  Status Map(std::string_view data, std::vector<MappedItem>* out) const;

  const std::vector<query::TableDescription>& tables() const { return tables_; }

 private:
  // A spec field path resolved to its slot in RecordFields.
  struct Compiled {
    // An attribute name split at its {field} placeholders: literal text, then a field (or none).
    struct NamePart {
      std::string literal;
      int slot = -1;
      std::string field;
    };
    struct Mapping {
      const AttributeMapping* spec = nullptr;
      size_t slot = 0;  // unused for constants
      bool is_key = false;
      query::AttributeValue::Type key_type{};
      std::vector<NamePart> name;
      bool fixed_name = true;
    };
    struct Aggregate {
      const AggregateSpec* spec = nullptr;
      bool has_field = false;  // false: count "*"
      size_t slot = 0;
      bool has_when = false;
      size_t when_slot = 0;
      std::vector<NamePart> name;
      bool fixed_name = true;
    };
    struct Target {
      bool has_when = false;
      size_t when_slot = 0;
      std::vector<Mapping> key, attributes;
      std::vector<Aggregate> aggregates;
    };
    std::vector<Target> targets;
  };
  Status MapTarget(size_t t, const std::vector<FieldValue>& fields, MappedItem* out) const;
  Status MapAggregates(const Compiled::Target& c, const std::vector<FieldValue>& fields, MappedItem* out) const;
  // The attribute name of a template from the record's fields; InvalidArgument if one is missing.
  static Status FillName(const std::vector<Compiled::NamePart>& parts, const std::vector<FieldValue>& fields,
                         const std::string& name_template, std::string* name);
  // Splits a name template at its {field} placeholders, registering the fields.
  std::vector<Compiled::NamePart> CompileName(const std::string& name, bool* fixed);

  const PipelineSpec* spec_;
  std::vector<query::TableDescription> tables_;
  RecordFields fields_;
  Compiled compiled_;
};

}  // namespace freshet::stream
