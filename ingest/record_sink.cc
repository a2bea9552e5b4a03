#include "ingest/record_sink.h"

namespace freshet::ingest {
namespace {
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}
}  // namespace

Status CheckRecordLimits(const PendingRecord& record) {
  size_t key_chars = Utf8Length(record.partition_key);
  if (key_chars == 0 || key_chars > kMaxPartitionKeyChars) {
    return Status::InvalidArgument("partition key must be 1 to 256 characters (got " + std::to_string(key_chars) + ")");
  }
  if (record.data.size() > kMaxRecordDataBytes) {
    return Status::InvalidArgument("record is " + std::to_string(record.data.size()) + " bytes; the limit is 1 MiB");
  }
  return Status::OK();
}

Status RecordBatcher::Add(PendingRecord record) {
  size_t bytes = record.partition_key.size() + record.data.size();
  if (pending_.size() >= kMaxBatchRecords || pending_bytes_ + bytes > kMaxBatchBytes) {
    FRESHET_RETURN_IF_ERROR(Flush());
  }
  pending_bytes_ += bytes;
  pending_.push_back(std::move(record));
  return Status::OK();
}

Status RecordBatcher::Flush() {
  if (pending_.empty()) return Status::OK();
  size_t n = pending_.size();
  std::vector<PendingRecord> batch;
  batch.swap(pending_);
  pending_.reserve(kMaxBatchRecords);
  pending_bytes_ = 0;
  FRESHET_RETURN_IF_ERROR(sink_->Put(std::move(batch)));
  records_put_ += n;
  return Status::OK();
}

}  // namespace freshet::ingest
