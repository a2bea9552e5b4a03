// DynamoDB's reserved words: names that may not appear as plain attribute names in expressions.
//
// Thread-safety: pure functions over a constant table.
#pragma once

#include <cstddef>
#include <string_view>

namespace freshet::query::expr {

// True if `name` is a DynamoDB reserved word, compared without regard to case ("status", "Date").
bool IsReservedWord(std::string_view name);
// How many words the list holds (573 in AWS's list).
size_t ReservedWordCount();

}  // namespace freshet::query::expr
