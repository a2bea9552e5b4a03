// MergeItemValues: sets the attributes of one encoded item value on another, without decoding
// either (the consumer's merge of a record into a wide item costs a pass over bytes instead of
// building, sorting and freeing every attribute).
//
// Both inputs and the output are in query/item_codec.h's item_value grammar (members in
// strictly increasing name order). The output holds every member of `base` whose name is not in
// `set`, and every member of `set`, in name order: exactly EncodeItemValue of the item `base`
// with each attribute of `set` applied by Item::Set.
//
// Thread-safety: pure.
#pragma once

#include <string>
#include <string_view>

namespace freshet::stream {

// Writes the merge to *out (replacing its contents). Returns false if either input is
// malformed; *out is then unspecified. An empty `base` is an item without attributes.
bool MergeItemValues(std::string_view base, std::string_view set, std::string* out);

}  // namespace freshet::stream
