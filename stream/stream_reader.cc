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
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &consumed) != 3 || consumed != 8) return false;
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

namespace {

// The tip of a shard as a reader sees it: a closed shard ends at its ending sequence number.
Result<uint64_t> ReaderTip(const storage::Db& db, const StreamDescription& stream, uint32_t shard) {
  if (shard < stream.shards.size() && !stream.shards[shard].open()) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(db, stream.id, shard));
    return std::max(*stream.shards[shard].ending_sequence + 1, horizon);
  }
  return ShardTip(db, stream.id, shard);
}

// The first record at or after `sequence`: its sequence and arrival, or false at the end.
Result<bool> FirstAtOrAfter(storage::Iterator* it, const StreamDescription& stream, uint32_t shard, uint64_t sequence,
                            uint64_t* found, uint64_t* arrival_ms) {
  it->Seek(codec::LogKey{stream.id, shard, sequence}.Encode());
  if (!it->Valid()) {
    FRESHET_RETURN_IF_ERROR(it->status());
    return false;
  }
  codec::LogKey key;
  codec::LogValue value;
  if (!codec::LogKey::Decode(it->key(), &key) || !codec::LogValue::Decode(it->value(), &value)) {
    return Status::Corruption("malformed log record in stream '" + stream.name + "'");
  }
  *found = key.sequence;
  *arrival_ms = value.arrival_ms;
  return true;
}

}  // namespace

Result<uint64_t> ResolvePosition(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                 const Position& position) {
  switch (position.kind) {
    case Position::Kind::kTrimHorizon: {
      FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(db, stream.id, shard));
      uint64_t start = shard < stream.shards.size() ? stream.shards[shard].starting_sequence : 1;
      return std::max<uint64_t>({horizon, start, 1});
    }
    case Position::Kind::kLatest: return ReaderTip(db, stream, shard);
    case Position::Kind::kAtSequence: return position.sequence;
    case Position::Kind::kAfterSequence: return position.sequence + 1;
    case Position::Kind::kAtTimestamp: break;
  }
  // Binary search for the first record that arrived at or after the timestamp: arrival
  // times never decrease within a shard (StreamLog assigns them so).
  std::string prefix = codec::LogKey::ShardPrefix(stream.id, shard);
  auto it = db.NewIterator(Cf::kLog, prefix, codec::PrefixSuccessor(prefix));
  it->SeekToLast();
  if (!it->Valid()) {
    FRESHET_RETURN_IF_ERROR(it->status());
    return ReaderTip(db, stream, shard);
  }
  codec::LogKey last;
  if (!codec::LogKey::Decode(it->key(), &last)) return Status::Corruption("malformed log key in " + db.dir());
  uint64_t lo = 0, hi = last.sequence + 1;  // the answer is in [lo, hi]; hi: no such record
  uint64_t found = 0, arrival = 0;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    FRESHET_ASSIGN_OR_RETURN(bool any, FirstAtOrAfter(it.get(), stream, shard, mid, &found, &arrival));
    if (any && arrival >= position.timestamp_ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (hi > last.sequence) return ReaderTip(db, stream, shard);
  FRESHET_ASSIGN_OR_RETURN(bool any, FirstAtOrAfter(it.get(), stream, shard, hi, &found, &arrival));
  if (!any) return ReaderTip(db, stream, shard);
  return found;
}

Result<ReadResult> ReadShardPage(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                 uint64_t from_sequence, size_t limit, size_t max_bytes) {
  if (shard >= stream.shards.size()) {
    return Status::InvalidArgument("shard " + ShardId(shard) + " is not a shard of stream '" + stream.name + "'");
  }
  const ShardDescription& sd = stream.shards[shard];
  ReadResult out;
  out.next_sequence = from_sequence;
  // A closed shard's records end at its ending sequence number.
  std::string end = sd.open() ? codec::PrefixSuccessor(codec::LogKey::ShardPrefix(stream.id, shard))
                              : codec::LogKey{stream.id, shard, *sd.ending_sequence + 1}.Encode();
  if (!sd.open() && from_sequence > *sd.ending_sequence) {
    out.shard_end = true;
    out.child_shards = stream.ChildShards(shard);
    return out;
  }
  auto it = db.NewIterator(Cf::kLog, codec::LogKey{stream.id, shard, from_sequence}.Encode(), std::move(end));
  size_t bytes = 0;
  codec::LogKey key;
  codec::LogValue value;
  for (it->SeekToFirst(); it->Valid() && out.records.size() < limit && bytes < max_bytes; it->Next()) {
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
    out.records.push_back(std::move(r));
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  if (!out.records.empty()) out.next_sequence = out.records.back().sequence + 1;
  if (!sd.open()) {
    // Nothing left before the end (the loop stepped past the last record, or retention
    // removed the rest): the next read starts after the end.
    if (!it->Valid()) out.next_sequence = std::max(out.next_sequence, *sd.ending_sequence + 1);
    if (out.next_sequence > *sd.ending_sequence) {
      out.shard_end = true;
      out.child_shards = stream.ChildShards(shard);
    }
  }
  return out;
}

Result<std::vector<Record>> ReadShard(const storage::Db& db, const StreamDescription& stream, uint32_t shard,
                                      uint64_t from_sequence, size_t limit, size_t max_bytes) {
  if (shard >= stream.shards.size()) {
    return Status::InvalidArgument("shard " + ShardId(shard) + " is not a shard of stream '" + stream.name + "'");
  }
  FRESHET_ASSIGN_OR_RETURN(ReadResult page, ReadShardPage(db, stream, shard, from_sequence, limit, max_bytes));
  return std::move(page.records);
}

}  // namespace freshet::stream
