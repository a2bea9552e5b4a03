// Aggregate math for the consumer's `aggregate` target mode: how one record's input changes the
// attributes of its group's item, and the date truncation of group keys.
//
// Numbers are DynamoDB numbers and stay exact: sums go through query::expr::Decimal (the
// arithmetic of UpdateExpression ADD), never through double, and fail rather than round when a
// sum needs more than 38 significant digits. What each operation keeps in the group's item,
// for an aggregate named NAME:
//   count  NAME: N, the number of records counted
//   sum    NAME: N, the exact sum
//   min    NAME: the least value (numbers numerically, strings by bytes)
//   max    NAME: the greatest value
//   mean   NAME_sum: N and NAME_count: N (the state), NAME: N their quotient, rounded half up to
//          38 significant digits (the one value here that is not exact, as 1/3 cannot be)
//   first  NAME: the value of the first record (by record order), never replaced
//   last   NAME: the value of the latest record
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/item.h"
#include "storage/status.h"
#include "stream/consumer/pipeline_spec.h"

namespace freshet::stream {

// An attribute a record's aggregate sets on its group: name and new value.
using AggregateChange = std::pair<std::string, query::AttributeValue>;

// Reads a group attribute's current value (nullptr if the group has none).
using AggregateLookup = std::function<const query::AttributeValue*(std::string_view name)>;

// Appends to *out the attributes `op` sets on a group when one record contributes `input`
// (nullptr for count, which needs no value). `current` reads the group's values before this
// record. Errors (InvalidArgument, naming `name`): a sum out of DynamoDB's range or past 38
// digits, an input of another type than the group's stored value, a stored value that is not a
// number where one is kept. *out is unchanged on error.
Status ApplyAggregate(AggregateSpec::Op op, const std::string& name, const query::AttributeValue* input,
                      const AggregateLookup& current, std::vector<AggregateChange>* out);

// sum_text / count, rounded half up to 38 significant digits, as canonical number text.
// REQUIRES: count > 0. InvalidArgument if sum_text is not a number.
Result<std::string> DivideNumber(std::string_view sum_text, uint64_t count);

// The date at the start of `text` cut to the day ("YYYY-MM-DD"), month ("YYYY-MM") or year
// ("YYYY"). InvalidArgument if `text` does not start with such a date (digits, '-' at 5 and 8;
// month 01-12, day 01-31); text after the date (a time) is ignored.
Result<std::string> TruncateDate(std::string_view text, ValueMapping::Truncate unit);

}  // namespace freshet::stream
