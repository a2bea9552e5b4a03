// RecordFields: reads the fields a pipeline spec uses from one JSON record, in one pass and
// without building a DOM (simdjson's on-demand parser).
//
// The spec's field paths ("station", "reading.value") are registered once; Extract then walks
// the record's top-level object, descends only into objects on a registered path, and copies
// each registered field into its slot. Every other value is skipped unparsed (simdjson still
// checks the whole record is UTF-8 and that brackets balance). Numbers are kept as the text of
// their JSON token, so no digit is lost to a double ("12345678901234567890123" stays so); a
// number token that is not a JSON number makes the record invalid JSON.
//
// A field that is absent or JSON null is kMissing. When a key appears twice, the last wins (as
// in a DOM).
//
// Thread-safety: registration (Add) before use; Extract is const and safe to call concurrently
// (each thread has its own parser).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace freshet::stream {

struct FieldValue {
  enum class Kind : uint8_t { kMissing, kString, kNumber, kBool, kComposite };
  Kind kind = Kind::kMissing;
  // kString: the unescaped contents; kNumber: the token as written ("22.80"); kBool: "true" or
  // "false"; kComposite: the raw JSON of the object or array.
  std::string text;
};

class RecordFields {
 public:
  RecordFields();

  // The slot of `path` (REQUIRES: not empty), registering it the first time.
  size_t Add(const std::vector<std::string>& path);
  size_t slot_count() const { return slot_count_; }

  // Parses `json` and sets slots->at(i) for every registered path i (slots is resized).
  // Errors: InvalidArgument "record is not valid JSON" or "record is not a JSON object".
  Status Extract(std::string_view json, std::vector<FieldValue>* slots) const;

 private:
  struct Node {
    std::string name;
    int slot = -1;                 // >= 0 if a registered path ends here
    std::vector<size_t> children;  // indexes into nodes_
  };
  class Walker;

  std::vector<Node> nodes_;  // nodes_[0] is the record's top-level object
  size_t slot_count_ = 0;
};

}  // namespace freshet::stream
