// Integer, string and key layouts. The grammar is at the top of codec.h.
#include "storage/codec.h"

#include <cstring>

namespace freshet::codec {

void PutFixed32(std::string* dst, uint32_t v) {
  char buf[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
  dst->append(buf, 4);
}

void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

uint64_t DecodeFixed64(const char* p) { return (uint64_t{DecodeFixed32(p)} << 32) | DecodeFixed32(p + 4); }

bool GetFixed64(std::string_view* in, uint64_t* value) {
  if (in->size() < 8) return false;
  *value = DecodeFixed64(in->data());
  in->remove_prefix(8);
  return true;
}

void PutVarint32(std::string* dst, uint32_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

bool GetVarint32Slow(std::string_view* in, uint32_t* value) {
  uint32_t result = 0;
  for (int shift = 0, i = 0; shift <= 28 && i < static_cast<int>(in->size()); shift += 7, ++i) {
    auto byte = static_cast<unsigned char>((*in)[i]);
    result |= uint32_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *value = result;
      return true;
    }
  }
  return false;
}

void PutOrderedBytesPrefix(std::string* dst, std::string_view value) {
  for (char c : value) {
    dst->push_back(c);
    if (c == '\0') dst->push_back('\xff');
  }
}

void PutOrderedBytes(std::string* dst, std::string_view value) {
  PutOrderedBytesPrefix(dst, value);
  dst->push_back('\0');
  dst->push_back('\x01');
}

bool GetOrderedBytes(std::string_view* in, std::string* value) {
  value->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != '\0') {
      value->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != '\xff') return false;
    value->push_back('\0');
    i += 2;
  }
  return false;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string MetaKey(char tag, std::string_view name) {
  std::string key(1, tag);
  key.append(name);
  return key;
}

std::string TrimHorizonKey(uint32_t stream_id, uint32_t shard) {
  std::string key(1, kMetaTrimHorizon);
  PutFixed32(&key, stream_id);
  PutFixed32(&key, shard);
  return key;
}

void LogKey::AppendTo(std::string* dst) const {
  PutFixed32(dst, stream_id);
  PutFixed32(dst, shard);
  PutFixed64(dst, sequence);
}

std::string LogKey::Encode() const {
  std::string key;
  key.reserve(kEncodedSize);
  AppendTo(&key);
  return key;
}

bool LogKey::Decode(std::string_view key, LogKey* out) {
  if (key.size() != kEncodedSize) return false;
  out->stream_id = DecodeFixed32(key.data());
  out->shard = DecodeFixed32(key.data() + 4);
  out->sequence = DecodeFixed64(key.data() + 8);
  return true;
}

std::string LogKey::StreamPrefix(uint32_t stream_id) {
  std::string key;
  PutFixed32(&key, stream_id);
  return key;
}

std::string LogKey::ShardPrefix(uint32_t stream_id, uint32_t shard) {
  std::string key;
  PutFixed32(&key, stream_id);
  PutFixed32(&key, shard);
  return key;
}

void LogValue::AppendTo(std::string* dst) const {
  PutFixed64(dst, arrival_ms);
  dst->push_back(explicit_hash_key ? 1 : 0);
  PutVarint32(dst, static_cast<uint32_t>(partition_key.size()));
  dst->append(partition_key);
  if (explicit_hash_key) dst->append(*explicit_hash_key);
  dst->append(data);
}

bool LogValue::Decode(std::string_view value, LogValue* out) {
  uint64_t arrival;
  if (!GetFixed64(&value, &arrival) || value.empty()) return false;
  uint8_t flags = static_cast<uint8_t>(value[0]);
  value.remove_prefix(1);
  if (flags > 1) return false;
  uint32_t key_len;
  if (!GetVarint32(&value, &key_len) || value.size() < key_len) return false;
  out->arrival_ms = arrival;
  out->partition_key = value.substr(0, key_len);
  value.remove_prefix(key_len);
  out->explicit_hash_key.reset();
  if (flags & 1) {
    if (value.size() < 16) return false;
    out->explicit_hash_key = value.substr(0, 16);
    value.remove_prefix(16);
  }
  out->data = value;
  return true;
}

std::string CursorKey::ConsumerPrefix(std::string_view consumer) {
  std::string key;
  PutOrderedBytes(&key, consumer);
  return key;
}

std::string CursorKey::Encode() const {
  std::string key = ConsumerPrefix(consumer);
  PutFixed32(&key, stream_id);
  PutFixed32(&key, shard);
  return key;
}

bool CursorKey::Decode(std::string_view key, CursorKey* out) {
  if (!GetOrderedBytes(&key, &out->consumer)) return false;
  if (key.size() != 8) return false;
  out->stream_id = DecodeFixed32(key.data());
  out->shard = DecodeFixed32(key.data() + 4);
  return true;
}

}  // namespace freshet::codec
