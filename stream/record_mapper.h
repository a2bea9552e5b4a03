// RecordMapper: turns one stream record (JSON) into the items a pipeline spec's targets make.
//
// Thread-safety: Map is const and safe to call concurrently.
#pragma once

#include <string_view>
#include <vector>

#include "query/item.h"
#include "query/table_description.h"
#include "stream/pipeline_spec.h"

namespace freshet::stream {

struct MappedItem {
  size_t target = 0;  // index into PipelineSpec::targets
  query::Item item;   // key attributes plus mapped attributes
};

class RecordMapper {
 public:
  // `spec` must outlive the mapper. tables[i] is the table of spec->targets[i].
  RecordMapper(const PipelineSpec* spec, std::vector<query::TableDescription> tables);

  // Appends one MappedItem per target whose condition the record meets. If the record cannot
  // be mapped (not a JSON object, a required field missing, a value not of its type), returns
  // InvalidArgument with the reason and leaves *out unchanged.
  Status Map(std::string_view data, std::vector<MappedItem>* out) const;

  const std::vector<query::TableDescription>& tables() const { return tables_; }

 private:
  const PipelineSpec* spec_;
  std::vector<query::TableDescription> tables_;
};

}  // namespace freshet::stream
