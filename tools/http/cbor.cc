// See cbor.h. Decoding runs libcbor's streaming decoder (cbor_stream_decode, one callback per data
// item) into an explicit stack of open containers, so hostile nesting cannot exhaust the C++ stack
// and the depth limit is checked before anything is built. Encoding writes item heads with
// libcbor's cbor_encode_* functions.
#include "tools/http/cbor.h"

#include <cbor.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "tools/http/base64.h"

namespace freshet::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxDepth = 64;

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t code;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t j = 1; j <= extra; j++) {
      unsigned char d = static_cast<unsigned char>(s[i + j]);
      if ((d & 0xC0) != 0x80) return false;
      code = code << 6 | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

struct Frame {
  json value;
  bool is_map = false;
  bool indefinite = false;
  uint64_t remaining = 0;  // definite: items still to come (a map entry counts twice)
  std::optional<std::string> key;
};

// The streaming decoder's context: builds the JSON value item by item.
class Builder {
 public:
  explicit Builder(size_t input_size) : input_size_(input_size) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool complete() const { return root_.has_value() && stack_.empty() && chunks_kind_ == kNone; }
  json TakeRoot() { return std::move(*root_); }

  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  // A finished item: a scalar, a whole string or a closed container.
  void Emit(json value, bool is_text) {
    if (failed()) return;
    if (chunks_kind_ != kNone)
      return Fail("an indefinite-length string holds a chunk that is not a string of its type");
    for (;;) {
      if (stack_.empty()) {
        if (root_) return Fail("more than one top-level item");
        root_ = std::move(value);
        return;
      }
      Frame& top = stack_.back();
      if (top.is_map && !top.key) {
        if (!is_text) return Fail("a map key is not a text string");
        top.key = value.get<std::string>();
      } else if (top.is_map) {
        top.value[*top.key] = std::move(value);
        top.key.reset();
      } else {
        top.value.push_back(std::move(value));
      }
      if (top.indefinite) return;
      if (--top.remaining > 0) return;
      value = std::move(top.value);
      is_text = false;
      stack_.pop_back();
    }
  }

  void Open(bool is_map, bool indefinite, uint64_t count) {
    if (failed()) return;
    if (chunks_kind_ != kNone) return Fail("a container inside an indefinite-length string");
    if (stack_.size() >= kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (!indefinite && count > input_size_) return Fail("a container declares more items than the input holds");
    if (!indefinite && count == 0) return Emit(is_map ? json::object() : json::array(), false);
    stack_.push_back(
        Frame{is_map ? json::object() : json::array(), is_map, indefinite, is_map ? count * 2 : count, {}});
  }

  void Break() {
    if (failed()) return;
    if (chunks_kind_ != kNone) {
      bool text = chunks_kind_ == kText;
      chunks_kind_ = kNone;
      if (text && !IsUtf8(chunks_)) return Fail("a text string is not UTF-8");
      return Emit(text ? json(std::move(chunks_)) : json(Base64Encode(chunks_)), text);
    }
    if (stack_.empty() || !stack_.back().indefinite) return Fail("a break outside an indefinite-length item");
    if (stack_.back().is_map && stack_.back().key) return Fail("an indefinite-length map ends after a key");
    json value = std::move(stack_.back().value);
    stack_.pop_back();
    Emit(std::move(value), false);
  }

  void StartChunks(bool text) {
    if (failed()) return;
    if (chunks_kind_ != kNone) return Fail("an indefinite-length string inside another");
    chunks_kind_ = text ? kText : kBytes;
    chunks_.clear();
  }

  void String(const unsigned char* data, size_t length, bool text) {
    if (failed()) return;
    std::string_view bytes(reinterpret_cast<const char*>(data), length);
    if (chunks_kind_ != kNone) {
      if ((chunks_kind_ == kText) != text) return Fail("an indefinite-length string holds a chunk of another type");
      chunks_.append(bytes);
      return;
    }
    if (text && !IsUtf8(bytes)) return Fail("a text string is not UTF-8");
    Emit(text ? json(std::string(bytes)) : json(Base64Encode(bytes)), text);
  }

  void Float(double value) {
    if (!std::isfinite(value)) return Fail("a float is not finite (JSON cannot carry it)");
    Emit(json(value), false);
  }

  void NegativeInt(uint64_t minus_one_minus) {
    if (minus_one_minus > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Fail("a negative integer is below -2^63");
    }
    Emit(json(-1 - static_cast<int64_t>(minus_one_minus)), false);
  }

 private:
  enum ChunksKind { kNone, kBytes, kText };
  size_t input_size_;
  std::vector<Frame> stack_;
  std::optional<json> root_;
  ChunksKind chunks_kind_ = kNone;
  std::string chunks_;
  std::string error_;
};

Builder& B(void* context) { return *static_cast<Builder*>(context); }

cbor_callbacks MakeCallbacks() {
  cbor_callbacks c = cbor_empty_callbacks;
  c.uint8 = [](void* ctx, uint8_t v) { B(ctx).Emit(json(static_cast<uint64_t>(v)), false); };
  c.uint16 = [](void* ctx, uint16_t v) { B(ctx).Emit(json(static_cast<uint64_t>(v)), false); };
  c.uint32 = [](void* ctx, uint32_t v) { B(ctx).Emit(json(static_cast<uint64_t>(v)), false); };
  c.uint64 = [](void* ctx, uint64_t v) { B(ctx).Emit(json(v), false); };
  c.negint8 = [](void* ctx, uint8_t v) { B(ctx).NegativeInt(v); };
  c.negint16 = [](void* ctx, uint16_t v) { B(ctx).NegativeInt(v); };
  c.negint32 = [](void* ctx, uint32_t v) { B(ctx).NegativeInt(v); };
  c.negint64 = [](void* ctx, uint64_t v) { B(ctx).NegativeInt(v); };
  c.byte_string = [](void* ctx, cbor_data data, size_t length) { B(ctx).String(data, length, false); };
  c.byte_string_start = [](void* ctx) { B(ctx).StartChunks(false); };
  c.string = [](void* ctx, cbor_data data, size_t length) { B(ctx).String(data, length, true); };
  c.string_start = [](void* ctx) { B(ctx).StartChunks(true); };
  c.array_start = [](void* ctx, size_t count) { B(ctx).Open(false, false, count); };
  c.indef_array_start = [](void* ctx) { B(ctx).Open(false, true, 0); };
  c.map_start = [](void* ctx, size_t count) { B(ctx).Open(true, false, count); };
  c.indef_map_start = [](void* ctx) { B(ctx).Open(true, true, 0); };
  c.tag = [](void*, uint64_t) {};  // tag 1 keeps its number; other tags are dropped, content kept
  c.float2 = [](void* ctx, float v) { B(ctx).Float(v); };
  c.float4 = [](void* ctx, float v) { B(ctx).Float(v); };
  c.float8 = [](void* ctx, double v) { B(ctx).Float(v); };
  c.undefined = [](void* ctx) { B(ctx).Emit(json(nullptr), false); };
  c.null = [](void* ctx) { B(ctx).Emit(json(nullptr), false); };
  c.boolean = [](void* ctx, bool v) { B(ctx).Emit(json(v), false); };
  c.indef_break = [](void* ctx) { B(ctx).Break(); };
  return c;
}

// Appends one encoded head (or simple value) written by a cbor_encode_* function.
template <typename Encode>
void AppendHead(std::string& out, Encode encode) {
  unsigned char head[16];
  size_t n = encode(head, sizeof(head));
  out.append(reinterpret_cast<const char*>(head), n);
}

void Encode(const json& value, const std::set<std::string>& blobs, const std::set<std::string>& timestamps,
            std::string& out) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return AppendHead(out, [](unsigned char* b, size_t n) { return cbor_encode_null(b, n); });
    case json::value_t::boolean:
      return AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_bool(value.get<bool>(), b, n); });
    case json::value_t::number_unsigned:
      return AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_uint(value.get<uint64_t>(), b, n); });
    case json::value_t::number_integer: {
      int64_t v = value.get<int64_t>();
      if (v >= 0) return AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_uint(v, b, n); });
      uint64_t magnitude = static_cast<uint64_t>(-(v + 1));
      return AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_negint(magnitude, b, n); });
    }
    case json::value_t::number_float:
      return AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_double(value.get<double>(), b, n); });
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_string_start(s.size(), b, n); });
      out += s;
      return;
    }
    case json::value_t::binary: {
      const auto& bytes = value.get_binary();
      AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_bytestring_start(bytes.size(), b, n); });
      out.append(bytes.begin(), bytes.end());
      return;
    }
    case json::value_t::array:
      AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_array_start(value.size(), b, n); });
      for (const auto& item : value) Encode(item, blobs, timestamps, out);
      return;
    case json::value_t::object:
      AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_map_start(value.size(), b, n); });
      for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string& name = it.key();  // (not a structured binding: clang 14 cannot capture those)
        const json& member = it.value();
        AppendHead(out, [&](unsigned char* b, size_t n) { return cbor_encode_string_start(name.size(), b, n); });
        out += name;
        if (member.is_string() && blobs.count(name) > 0) {
          if (auto bytes = Base64Decode(member.get_ref<const std::string&>())) {
            AppendHead(out,
                       [&](unsigned char* b, size_t n) { return cbor_encode_bytestring_start(bytes->size(), b, n); });
            out += *bytes;
            continue;
          }
        }
        if (member.is_number() && timestamps.count(name) > 0) {
          AppendHead(out, [](unsigned char* b, size_t n) { return cbor_encode_tag(1, b, n); });
        }
        Encode(member, blobs, timestamps, out);
      }
      return;
  }
}

}  // namespace

Result<json> CborToJson(std::string_view bytes) {
  static const cbor_callbacks callbacks = MakeCallbacks();
  if (bytes.empty()) return Status::InvalidArgument("CBOR body is empty");
  Builder builder(bytes.size());
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (builder.complete()) {
      return Status::InvalidArgument("CBOR: " + std::to_string(bytes.size() - offset) +
                                     " bytes after the top-level item");
    }
    cbor_decoder_result result = cbor_stream_decode(data + offset, bytes.size() - offset, &callbacks, &builder);
    if (result.status == CBOR_DECODER_NEDATA) {
      return Status::InvalidArgument("CBOR: truncated item at byte " + std::to_string(offset));
    }
    if (result.status != CBOR_DECODER_FINISHED || result.read == 0) {
      return Status::InvalidArgument("CBOR: malformed or unsupported item at byte " + std::to_string(offset));
    }
    if (builder.failed())
      return Status::InvalidArgument("CBOR: " + builder.error() + " (at byte " + std::to_string(offset) + ")");
    offset += result.read;
  }
  if (!builder.complete()) return Status::InvalidArgument("CBOR: input ends inside an unfinished item");
  return builder.TakeRoot();
}

std::string JsonToCbor(const json& value, const std::set<std::string>& blob_fields,
                       const std::set<std::string>& timestamp_fields) {
  std::string out;
  Encode(value, blob_fields, timestamp_fields, out);
  return out;
}

}  // namespace freshet::http
