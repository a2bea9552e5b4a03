// Firehose record operations: PutRecord and PutRecordBatch (DirectPut deliveries; records are
// durable in the delivery's buffer stream before the response), and freshet's own
// Freshet_20261129.FlushDeliveryStream (deliver what is buffered now) and ListDeliveredObjects
// (the delivery's object manifest).
#include <cstdio>
#include <memory>

#include "storage/buckets/bucket_store.h"
#include "storage/text.h"
#include "stream/delivery/delivery_runner.h"
#include "stream/delivery/delivery_store.h"
#include "tools/delivery/function_processor.h"
#include "tools/delivery/remote_object_sink.h"
#include "tools/protocol/firehose_common.h"

namespace freshet::protocol::firehose {
namespace {

using stream::delivery::DeliverySpec;
using stream::delivery::DeliveryStore;

// A record's id: its delivery's id and its sequence number in the buffer stream, in hex.
std::string RecordId(const DeliverySpec& spec, uint64_t sequence) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08x%016llx", spec.id, static_cast<unsigned long long>(sequence));
  return buf;
}

Checked<std::string> RecordData(const Json& record, const std::string& where) {
  if (!record.is_object()) return WrongType(where, "an object");
  FRESHET_CHECKED_ASSIGN(std::string data, RequiredString(record, "Data"));
  std::string bytes;
  if (!text::DecodeBase64(data, &bytes)) {
    return AwsError::Client("SerializationException", "Data of " + where + " is not valid base64");
  }
  if (bytes.size() > stream::delivery::kMaxRecordBytes) {
    return ValidationError(where + ".data", "'java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(bytes.size()) + "]'",
                           "Member must have length less than or equal to 1024000");
  }
  return bytes;
}

Outcome Put(const Call& call, const DeliverySpec& spec, const std::vector<std::string>& records,
            std::vector<uint64_t>* sequences) {
  DeliveryStore store(call.backend.log);
  auto put = store.Put(spec, records);
  if (!put.ok()) return put.status();
  *sequences = std::move(*put);
  return Json::object();
}

Outcome PutRecord(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  auto it = call.request.find("Record");
  if (it == call.request.end() || it->is_null()) return MissingMember("Record");
  FRESHET_CHECKED_ASSIGN(std::string data, RecordData(*it, "record"));
  std::vector<uint64_t> sequences;
  Outcome put = Put(call, spec, {std::move(data)}, &sequences);
  if (!put.ok()) return put;
  return Json{{"RecordId", RecordId(spec, sequences[0])}, {"Encrypted", false}};
}

Outcome PutRecordBatch(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  auto it = call.request.find("Records");
  if (it == call.request.end() || it->is_null()) return MissingMember("Records");
  if (!it->is_array()) return WrongType("Records", "a list");
  if (it->empty()) return ValidationError("Records", "'[]'", "Member must have length greater than or equal to 1");
  if (it->size() > stream::delivery::kMaxPutBatchRecords) {
    return ValidationError("Records", "", "Member must have length less than or equal to 500");
  }
  std::vector<std::string> records;
  records.reserve(it->size());
  size_t total = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    FRESHET_CHECKED_ASSIGN(std::string data, RecordData((*it)[i], "records." + std::to_string(i + 1) + ".member"));
    total += data.size();
    records.push_back(std::move(data));
  }
  if (total > stream::delivery::kMaxPutBatchBytes) {
    return AwsError::Client("InvalidArgumentException",
                            "Records size exceeds 4 MB limit (" + std::to_string(total) + " bytes).");
  }
  // One atomic, durable write: every record is accepted or the call fails as a whole, so
  // FailedPutCount is 0 whenever the call succeeds.
  std::vector<uint64_t> sequences;
  Outcome put = Put(call, spec, records, &sequences);
  if (!put.ok()) return put;
  Json responses = Json::array();
  for (uint64_t seq : sequences) responses.push_back({{"RecordId", RecordId(spec, seq)}});
  return Json{{"FailedPutCount", 0}, {"Encrypted", false}, {"RequestResponses", std::move(responses)}};
}

// The flush by the owner's deliverer when one runs, else by one made for this call.
Result<size_t> Flush(const Call& call, const DeliverySpec& spec) {
  if (auto* active = stream::delivery::DeliveryRunner::Active()) return active->Flush(spec.name, call.context.now_ms);
  storage::BucketStore buckets(call.backend.db->dir() + "/buckets");
  stream::delivery::DeliveryRunner runner(call.backend.log, &buckets, nullptr, delivery::RemoteSinks());
  // A processing Lambda runs on this process's function runtime (started on first use).
  std::unique_ptr<delivery::FunctionProcessor> processor;
  if (call.backend.functions) processor = std::make_unique<delivery::FunctionProcessor>(call.backend.functions);
  runner.SetProcessor(processor.get());
  return runner.Flush(spec.name, call.context.now_ms);
}

Outcome FlushDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  Result<size_t> written = Flush(call, spec);
  if (!written.ok()) return written.status();
  return Json{{"ObjectsWritten", *written}};
}

Outcome ListDeliveredObjects(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> from, OptionalInteger(call.request, "FromOrdinal", 1, INT64_MAX));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 10000));
  DeliveryStore store(call.backend.log);
  FRESHET_ASSIGN_OR_RETURN(auto entries, store.Objects(spec, static_cast<uint64_t>(from.value_or(1)),
                                                       static_cast<size_t>(limit.value_or(1000))));
  Json objects = Json::array();
  for (const auto& e : entries) {
    Json o = {{"Ordinal", e.seal.ordinal},
              {"Bucket", e.seal.bucket},
              {"Key", e.seal.key},
              {"Records", e.seal.records},
              {"DataBytes", e.seal.bytes},
              {"ObjectBytes", e.object_bytes},
              {"DeliveredTimestamp", static_cast<double>(e.delivered_ms) / 1000.0}};
    if (!e.seal.processing_json.empty()) {  // processed by a Lambda
      o["ObjectWritten"] = e.object_written;
      o["ProcessedRecords"] = e.processed_ok;
      o["DroppedRecords"] = e.dropped;
      o["FailedRecords"] = e.failed;
      if (e.error_written) {
        o["ErrorKey"] = e.seal.error_key;
        o["ErrorObjectBytes"] = e.error_object_bytes;
      }
    }
    objects.push_back(std::move(o));
  }
  Json out{{"Objects", objects}};
  // Where the objects are when not in this freshet's buckets (freshet's own member, as the
  // operation is; DescribeDeliveryStream keeps AWS's shape).
  if (!spec.destination.endpoint.empty()) out["S3Endpoint"] = spec.destination.endpoint;
  return out;
}

}  // namespace
}  // namespace freshet::protocol::firehose

namespace freshet::protocol {

void RegisterFirehoseRecordOps(Registry* r) {
  using namespace firehose;  // NOLINT
  r->Add({"PutRecord", Service::kFirehose, true, &PutRecord});
  r->Add({"PutRecordBatch", Service::kFirehose, true, &PutRecordBatch});
  r->Add({"FlushDeliveryStream", Service::kFreshet, true, &FlushDeliveryStream});
  r->Add({"ListDeliveredObjects", Service::kFreshet, false, &ListDeliveredObjects});
}

}  // namespace freshet::protocol
