// RecordFields over simdjson's on-demand API, with error codes (no exceptions).
#include "stream/consumer/record_mapper_fields.h"

#include <simdjson.h>

#include <memory>

namespace freshet::stream {
namespace {

namespace od = simdjson::ondemand;

Status NotJson() { return Status::InvalidArgument("record is not valid JSON"); }

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? (simdjson hands over
// the token unchecked when only its text is asked for).
bool IsJsonNumber(std::string_view t) {
  size_t i = 0, n = t.size();
  auto digits = [&]() {
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && t[i] == '-') ++i;
  if (i < n && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

// One parser and one padded copy of the input per nesting level of re-parsing (a field that is
// both a value and the prefix of another path is parsed again from its raw JSON).
struct ParserSlot {
  od::parser parser;
  std::string buffer;
};

ParserSlot* ThreadParser(size_t level) {
  thread_local std::vector<std::unique_ptr<ParserSlot>> slots;
  while (slots.size() <= level) slots.push_back(std::make_unique<ParserSlot>());
  return slots[level].get();
}

}  // namespace

class RecordFields::Walker {
 public:
  Walker(const RecordFields& fields, std::vector<FieldValue>* slots) : f_(fields), slots_(*slots) {}

  Status Document(std::string_view json, size_t node, size_t level) {
    ParserSlot* p = ThreadParser(level);
    p->buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    p->buffer.assign(json.data(), json.size());
    od::document doc;
    if (p->parser.iterate(p->buffer.data(), json.size(), p->buffer.capacity()).get(doc)) return NotJson();
    od::json_type type;
    if (doc.type().get(type)) return NotJson();
    if (type != od::json_type::object) {
      // Tell "not JSON at all" from "JSON, but not an object" for the dead letter's reason.
      bool valid = true;
      switch (type) {
        case od::json_type::number: valid = IsJsonNumber(doc.raw_json_token().value_unsafe()); break;
        case od::json_type::string: {
          std::string_view s;
          valid = !doc.get_string().get(s);
          break;
        }
        case od::json_type::boolean: {
          bool b;
          valid = !doc.get_bool().get(b);
          break;
        }
        case od::json_type::null: valid = doc.is_null().value_unsafe(); break;
        default: break;  // an array: not an object, whatever it holds
      }
      if (!valid) return NotJson();
      return Status::InvalidArgument("record is not a JSON object");
    }
    od::object object;
    if (doc.get_object().get(object)) return NotJson();
    FRESHET_RETURN_IF_ERROR(Object(object, node, level));
    const char* rest = nullptr;  // past the object: only the end of the input may follow
    if (doc.current_location().get(rest) == simdjson::SUCCESS) return NotJson();
    return Status::OK();
  }

 private:
  Status Object(od::object& object, size_t node, size_t level) {
    const Node& n = f_.nodes_[node];
    for (auto&& member : object) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) || field.unescaped_key().get(key)) return NotJson();
      size_t child = 0;
      for (size_t c : n.children) {
        if (f_.nodes_[c].name == key) {
          child = c;
          break;
        }
      }
      if (child == 0) continue;  // not a field the spec reads: skipped unparsed
      FRESHET_RETURN_IF_ERROR(Value(field.value(), child, level));
    }
    return Status::OK();
  }

  Status Value(od::value value, size_t node, size_t level) {
    const Node& n = f_.nodes_[node];
    FieldValue* slot = n.slot >= 0 ? &slots_[static_cast<size_t>(n.slot)] : nullptr;
    od::json_type type;
    if (value.type().get(type)) return NotJson();
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (value.get_object().get(object)) return NotJson();
        if (!slot) return Object(object, node, level);
        std::string_view raw;
        if (object.raw_json().get(raw)) return NotJson();
        slot->kind = FieldValue::Kind::kComposite;
        slot->text.assign(raw);
        // Both a value and a path prefix (rare): read the children from the raw text.
        return n.children.empty() ? Status::OK() : Document(raw, node, level + 1);
      }
      case od::json_type::array: {
        if (!slot) return Status::OK();
        od::array array;
        std::string_view raw;
        if (value.get_array().get(array) || array.raw_json().get(raw)) return NotJson();
        slot->kind = FieldValue::Kind::kComposite;
        slot->text.assign(raw);
        return Status::OK();
      }
      case od::json_type::string: {
        if (!slot) return Status::OK();
        std::string_view s;
        if (value.get_string().get(s)) return NotJson();
        slot->kind = FieldValue::Kind::kString;
        slot->text.assign(s);
        return Status::OK();
      }
      case od::json_type::number: {
        std::string_view token = value.raw_json_token();
        if (!IsJsonNumber(token)) return NotJson();
        if (!slot) return Status::OK();
        slot->kind = FieldValue::Kind::kNumber;
        slot->text.assign(token);
        return Status::OK();
      }
      case od::json_type::boolean: {
        bool b = false;
        if (value.get_bool().get(b)) return NotJson();
        if (!slot) return Status::OK();
        slot->kind = FieldValue::Kind::kBool;
        slot->text.assign(b ? "true" : "false");
        return Status::OK();
      }
      case od::json_type::null: {
        bool is_null = false;
        if (value.is_null().get(is_null) || !is_null) return NotJson();
        if (slot) slot->kind = FieldValue::Kind::kMissing;
        return Status::OK();
      }
    }
    return NotJson();
  }

  const RecordFields& f_;
  std::vector<FieldValue>& slots_;
};

RecordFields::RecordFields() { nodes_.push_back(Node{}); }

size_t RecordFields::Add(const std::vector<std::string>& path) {
  size_t node = 0;
  for (const std::string& part : path) {
    size_t found = 0;
    for (size_t c : nodes_[node].children) {
      if (nodes_[c].name == part) found = c;
    }
    if (found == 0) {
      found = nodes_.size();
      nodes_.push_back(Node{part, -1, {}});
      nodes_[node].children.push_back(found);
    }
    node = found;
  }
  if (nodes_[node].slot < 0) nodes_[node].slot = static_cast<int>(slot_count_++);
  return static_cast<size_t>(nodes_[node].slot);
}

Status RecordFields::Extract(std::string_view json, std::vector<FieldValue>* slots) const {
  slots->resize(slot_count_);
  for (FieldValue& v : *slots) v.kind = FieldValue::Kind::kMissing;
  Walker walker(*this, slots);
  return walker.Document(json, 0, 0);
}

}  // namespace freshet::stream
