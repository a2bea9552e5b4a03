// Walks members of the item_value grammar in query/item_codec.h; SkipValue follows its `value`
// rule (the codec's own decoder is the reference; tests/stream/item_value_merge_test.cc checks
// the two agree).
#include "stream/consumer/item_value_merge.h"

#include "query/item_codec.h"
#include "storage/codec.h"

namespace freshet::stream {
namespace {

bool SkipBytes(std::string_view* in) {
  uint32_t len;
  if (!codec::GetVarint32(in, &len) || in->size() < len) return false;
  in->remove_prefix(len);
  return true;
}

bool SkipValue(std::string_view* in, int depth);

bool SkipMembers(std::string_view* in, int depth) {
  uint32_t count;
  if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
  for (uint32_t i = 0; i < count; ++i) {
    if (!SkipBytes(in) || !SkipValue(in, depth)) return false;
  }
  return true;
}

bool SkipValue(std::string_view* in, int depth) {
  if (in->empty() || depth > query::kMaxDepth) return false;
  const char tag = in->front();
  in->remove_prefix(1);
  uint32_t count;
  switch (tag) {
    case 'S':
    case 'N':
    case 'B': return SkipBytes(in);
    case 'T':
    case 'F':
    case '0': return true;
    case 'L':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!SkipValue(in, depth + 1)) return false;
      }
      return true;
    case 'M': return SkipMembers(in, depth + 1);
    case 's':
    case 'n':
    case 'b':
      if (!codec::GetVarint32(in, &count) || count > in->size()) return false;
      for (uint32_t i = 0; i < count; ++i) {
        if (!SkipBytes(in)) return false;
      }
      return true;
    default: return false;
  }
}

// A cursor over the members of an item value.
struct Members {
  std::string_view rest;
  uint32_t left = 0;
  std::string_view name, member;  // the current member's name, and its whole encoding

  bool Open(std::string_view value) {
    if (value.empty()) return true;
    if (value.front() != '\x01') return false;
    rest = value.substr(1);
    return codec::GetVarint32(&rest, &left);
  }
  // Moves to the next member; false at the end or on malformed input (*bad set).
  bool Next(bool* bad) {
    if (left == 0) {
      *bad = !rest.empty();
      return false;
    }
    const char* start = rest.data();
    uint32_t len;
    if (!codec::GetVarint32(&rest, &len) || rest.size() < len) return !(*bad = true);
    name = rest.substr(0, len);
    rest.remove_prefix(len);
    if (!SkipValue(&rest, 1)) return !(*bad = true);
    member = std::string_view(start, static_cast<size_t>(rest.data() - start));
    --left;
    return true;
  }
};

}  // namespace

bool MergeItemValues(std::string_view base, std::string_view set, std::string* out) {
  Members a, b;
  if (!a.Open(base) || !b.Open(set)) return false;
  thread_local std::string members;
  members.clear();
  uint32_t count = 0;
  bool bad = false;
  bool has_a = a.Next(&bad), has_b = !bad && b.Next(&bad);
  while (!bad && (has_a || has_b)) {
    if (has_a && (!has_b || a.name < b.name)) {
      members.append(a.member);
      has_a = a.Next(&bad);
    } else {
      if (has_a && a.name == b.name) has_a = a.Next(&bad);  // replaced by set's member
      if (bad) break;
      members.append(b.member);
      has_b = b.Next(&bad);
    }
    ++count;
  }
  if (bad) return false;
  out->clear();
  out->push_back('\x01');
  codec::PutVarint32(out, count);
  out->append(members);
  return true;
}

}  // namespace freshet::stream
