#include "storage/batch.h"

#include "storage/codec.h"

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
void Append(std::string* rep, Batch::Op op, Cf cf, std::string_view key, std::string_view value) {
  rep->push_back(static_cast<char>(op));
  rep->push_back(static_cast<char>(cf));
  codec::PutVarint32(rep, static_cast<uint32_t>(key.size()));
  rep->append(key);
  codec::PutVarint32(rep, static_cast<uint32_t>(value.size()));
  rep->append(value);
}
}  // namespace

void Batch::Put(Cf cf, std::string_view key, std::string_view value) {
  Append(&rep_, Op::kPut, cf, key, value);
  ++count_;
}

void Batch::Delete(Cf cf, std::string_view key) {
  Append(&rep_, Op::kDelete, cf, key, {});
  ++count_;
}

void Batch::DeleteRange(Cf cf, std::string_view begin, std::string_view end) {
  Append(&rep_, Op::kDeleteRange, cf, begin, end);
  ++count_;
}

void Batch::Clear() {
  rep_.clear();
  count_ = 0;
}

void Batch::ForEach(const std::function<void(Op, Cf, std::string_view, std::string_view)>& fn) const {
  std::string_view in(rep_);
  while (in.size() >= 2) {
    auto op = static_cast<Op>(in[0]);
    auto cf = static_cast<Cf>(in[1]);
    in.remove_prefix(2);
    uint32_t klen = 0, vlen = 0;
    codec::GetVarint32(&in, &klen);
    std::string_view key = in.substr(0, klen);
    in.remove_prefix(klen);
    codec::GetVarint32(&in, &vlen);
    std::string_view value = in.substr(0, vlen);
    in.remove_prefix(vlen);
    fn(op, cf, key, value);
  }
}

}  // namespace freshet::storage
