#include "stream/stream_reader.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "storage/codec.h"
#include "stream/shard_router.h"
#include "stream/stream_log.h"

namespace freshet::stream {

using storage::Cf;

namespace {

bool ParseDecimal(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]" (the time part is optional), to epoch ms.
bool ParseIso8601(std::string_view text, uint64_t* ms) {
  std::string s(text);
  int y, mo, d, h = 0, mi = 0, sec = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return false;
  size_t pos = 10;
  int millis = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &consumed) != 3 || consumed != 8)
      return false;
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      size_t start = ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (pos - start < 3) millis = millis * 10 + (s[pos] - '0');
        ++pos;
      }
      for (size_t k = pos - start; k < 3; ++k) millis *= 10;
    }
  }
  long offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om;
      if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &consumed) != 2 || consumed != 5) return false;
      offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
      pos += 6;
    }
  }
  if (pos != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  long total = static_cast<long>(t) - offset_s;
  if (total < 0) return false;
  *ms = static_cast<uint64_t>(total) * 1000 + static_cast<uint64_t>(millis);
  return true;
}

}  // namespace

Result<Position> Position::Parse(std::string_view text) {
  Position p;
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("position '" + std::string(text) + "' " + why +
                                   " (use trim-horizon, latest, at:SEQ, after:SEQ or timestamp:ISO8601)");
  };
  if (text == "trim-horizon" || text == "TRIM_HORIZON") return p;
  if (text == "latest" || text == "LATEST") {
    p.kind = Kind::kLatest;
    return p;
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return bad("is not recognised");
  std::string_view kind = text.substr(0, colon), arg = text.substr(colon + 1);
  if (kind == "at" || kind == "after") {
    if (!ParseDecimal(arg, &p.sequence)) return bad("has no valid sequence number");
    p.kind = kind == "at" ? Kind::kAtSequence : Kind::kAfterSequence;
    return p;
  }
  if (kind == "timestamp") {
    p.kind = Kind::kAtTimestamp;
    if (ParseDecimal(arg, &p.timestamp_ms) || ParseIso8601(arg, &p.timestamp_ms)) return p;
    return bad("has no valid timestamp");
  }
  return bad("is not recognised");
}

Result<uint64_t> ShardTip(const storage::Db& db, uint32_t stream_id, uint32_t shard) {
  std::string prefix = codec::LogKey::ShardPrefix(stream_id, shard);
  auto it = db.NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
  it->SeekToLast();
  if (it->Valid()) {
    codec::LogKey key;
    if (!codec::LogKey::Decode(it->key(), &key)) return Status::Corruption("malformed log key in " + db.dir());
    return key.sequence + 1;
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(db, stream_id, shard));
  return std::max<uint64_t>(horizon, 1);
}

Result<uint64_t> ResolvePosition(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                 const Position& position) {
  switch (position.kind) {
    case Position::Kind::kTrimHorizon: {
      FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(db, stream.id, shard));
      return std::max<uint64_t>(horizon, 1);
    }
    case Position::Kind::kLatest: return ShardTip(db, stream.id, shard);
    case Position::Kind::kAtSequence: return position.sequence;
    case Position::Kind::kAfterSequence: return position.sequence + 1;
    case Position::Kind::kAtTimestamp: break;
  }
  std::string prefix = codec::LogKey::ShardPrefix(stream.id, shard);
  auto it = db.NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
  codec::LogKey key;
  codec::LogValue value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!codec::LogKey::Decode(it->key(), &key) || !codec::LogValue::Decode(it->value(), &value)) {
      return Status::Corruption("malformed log record in stream '" + stream.name + "'");
    }
    if (value.arrival_ms >= position.timestamp_ms) return key.sequence;
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return ShardTip(db, stream.id, shard);
}

Result<std::vector<Record>> ReadShard(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                      uint64_t from_sequence, size_t limit, size_t max_bytes) {
  std::vector<Record> out;
  std::string prefix = codec::LogKey::ShardPrefix(stream.id, shard);
  auto it = db.NewIterator(Cf::kLog, codec::LogKey{stream.id, shard, from_sequence}.Encode(),
                           codec::PrefixSuccessor(prefix));
  size_t bytes = 0;
  codec::LogKey key;
  codec::LogValue value;
  for (it->SeekToFirst(); it->Valid() && out.size() < limit && bytes < max_bytes; it->Next()) {
    if (!codec::LogKey::Decode(it->key(), &key) || !codec::LogValue::Decode(it->value(), &value)) {
      return Status::Corruption("malformed log record in stream '" + stream.name + "' in " + db.dir());
    }
    Record r;
    r.shard = shard;
    r.sequence = key.sequence;
    r.arrival_ms = value.arrival_ms;
    r.partition_key = value.partition_key;
    if (value.explicit_hash_key) r.explicit_hash_key = FormatHashKey(HashKeyFromBytes(*value.explicit_hash_key));
    r.data = value.data;
    bytes += r.data.size();
    out.push_back(std::move(r));
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace freshet::stream
