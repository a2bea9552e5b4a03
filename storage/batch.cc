#include "storage/batch.h"

#include <rocksdb/comparator.h>
#include <rocksdb/db.h>

#include <cstring>
#include <string>

#include "storage/batch_rep.h"

namespace freshet::storage {

const char* CfName(Cf cf) {
  switch (cf) {
    case Cf::kMeta: return "meta";
    case Cf::kLog: return "log";
    case Cf::kItems: return "items";
    case Cf::kCursors: return "cursors";
  }
  return "?";
}

namespace {

// A stand-in handle that tells RocksDB's WriteBatch which column family id to write; batches
// are built before (and without) a Db, so the real handles are not at hand.
class CfIdHandle : public rocksdb::ColumnFamilyHandle {
 public:
  explicit CfIdHandle(Cf cf) : name_(CfName(cf)), id_(BatchCfId(cf)) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }
  rocksdb::Status GetDescriptor(rocksdb::ColumnFamilyDescriptor*) override {
    return rocksdb::Status::NotSupported("batch column family handle");
  }
  const rocksdb::Comparator* GetComparator() const override { return rocksdb::BytewiseComparator(); }

 private:
  const std::string name_;
  const uint32_t id_;
};

rocksdb::ColumnFamilyHandle* Handle(Cf cf) {
  static CfIdHandle* const handles[kNumCfs] = {new CfIdHandle(Cf::kMeta), new CfIdHandle(Cf::kLog),
                                               new CfIdHandle(Cf::kItems), new CfIdHandle(Cf::kCursors)};
  return handles[static_cast<int>(cf)];
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 128) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

Batch::Batch() : rep_(std::make_unique<Rep>()) {}
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

// A WriteBatch only fails an operation when it would exceed max_bytes (unset here) or a key
// or value is over 4 GiB (callers' limits are far below); the statuses carry no information.
void Batch::Put(Cf cf, std::string_view key, std::string_view value) {
  rep_->wb.Put(Handle(cf), ToSlice(key), ToSlice(value)).PermitUncheckedError();
}

Batch::Location Batch::PutParts(Cf cf, std::string_view key, std::initializer_list<std::string_view> value_parts) {
  rocksdb::Slice parts[8];
  size_t n = 0, value_size = 0;
  for (std::string_view p : value_parts) {
    if (n == 8) break;  // callers pass a handful of parts
    parts[n++] = ToSlice(p);
    value_size += p.size();
  }
  rocksdb::Slice key_slice = ToSlice(key);
  rep_->wb.Put(Handle(cf), rocksdb::SliceParts(&key_slice, 1), rocksdb::SliceParts(parts, static_cast<int>(n)))
      .PermitUncheckedError();
  // RocksDB's record layout ends with varint32 klen, key, varint32 vlen, value.
  Location at;
  at.value = rep_->wb.GetDataSize() - value_size;
  at.key = at.value - VarintLength(value_size) - key.size();
  return at;
}

void Batch::Delete(Cf cf, std::string_view key) { rep_->wb.Delete(Handle(cf), ToSlice(key)).PermitUncheckedError(); }

void Batch::DeleteRange(Cf cf, std::string_view begin, std::string_view end) {
  rep_->wb.DeleteRange(Handle(cf), ToSlice(begin), ToSlice(end)).PermitUncheckedError();
}

void Batch::Overwrite(size_t offset, std::string_view bytes) {
  std::memcpy(rep_->wb.mutable_rep().data() + offset, bytes.data(), bytes.size());
}

void Batch::PutSequenced(Cf cf, std::string_view key_prefix, std::string_view value) {
  std::string key(key_prefix);
  key.append(8, '\0');
  const Location at = PutParts(cf, key, {value});
  sequenced_.push_back({cf, at.key, static_cast<uint32_t>(key_prefix.size())});
}

std::string_view Batch::BytesAt(size_t offset, size_t size) const {
  return std::string_view(rep_->wb.Data()).substr(offset, size);
}

void Batch::Append(const Batch& other) {
  // WriteBatch rep := u64 sequence, u32 count (little-endian), records (as Db::WriteGroup).
  constexpr size_t kHeader = 12;
  const std::string& data = other.rep_->wb.Data();
  if (other.rep_->wb.Count() == 0) return;
  const size_t shift = rep_->wb.Data().size() - kHeader;
  for (SequencedPut p : other.sequenced_) {
    p.key_offset += shift;
    sequenced_.push_back(p);
  }
  const uint32_t count = rep_->wb.Count() + other.rep_->wb.Count();
  std::string rep = rep_->wb.Data();
  rep.append(data, kHeader, std::string::npos);
  for (int i = 0; i < 4; ++i) rep[8 + i] = static_cast<char>((count >> (8 * i)) & 0xff);
  // A batch rebuilt from its bytes, so RocksDB re-derives which kinds of records it holds.
  rep_ = std::make_unique<Rep>(std::move(rep));
}

size_t Batch::Count() const { return rep_->wb.Count(); }
size_t Batch::ByteSize() const { return rep_->wb.GetDataSize(); }
void Batch::Clear() {
  rep_->wb.Clear();
  sequenced_.clear();
}

}  // namespace freshet::storage
