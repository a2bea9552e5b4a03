// The deliverer's output: a seal's records, processed by the delivery's Lambda when it has one,
// compressed and written as its object and error output object (deliverer.h, "Processing").
#include <string_view>

#include "stream/delivery/compression.h"
#include "stream/delivery/deliverer.h"
#include "stream/delivery/processing.h"

namespace freshet::stream::delivery {
namespace {

// The ZIP entry of an object: its file name without the extension (as Cut names the object's).
std::string EntryName(const std::string& key, std::string_view ext) {
  std::string file = key.substr(key.rfind('/') + 1);
  if (!ext.empty() && file.size() > ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0) {
    file.resize(file.size() - ext.size());
  }
  return file;
}

}  // namespace

Status Deliverer::PutObject(const std::string& bucket, const std::string& key, std::string_view bytes) {
  Status put = sink_->PutObject(bucket, key, bytes, kObjectContentType);
  if (!put.ok()) return put.WithContext("delivery stream '" + spec_.name + "': writing s3://" + bucket + "/" + key);
  return Status::OK();
}

Status Deliverer::RemoveObject(const std::string& bucket, const std::string& key) {
  Status removed = sink_->DeleteObject(bucket, key);
  if (!removed.ok()) {
    return removed.WithContext("delivery stream '" + spec_.name + "': removing s3://" + bucket + "/" + key);
  }
  return Status::OK();
}

Status Deliverer::WriteObjects(const Seal& seal, bool seal_stored, const std::vector<Record>& records,
                               ManifestEntry* entry) {
  const bool processing = !seal.processing_json.empty();
  std::string data, errors;
  if (!processing) {
    size_t total = 0;
    for (const Record& r : records) total += r.data.size();
    data.reserve(total);
    for (const Record& r : records) data += r.data;
  } else {
    FRESHET_ASSIGN_OR_RETURN(ProcessingConfig config, ParseProcessingConfig(seal.processing_json));
    ProcessingContext context;
    context.delivery_name = spec_.name;
    context.direct_put = spec_.type == DeliverySpec::Type::kDirectPut;
    if (!context.direct_put) context.source_stream_arn = spec_.source_stream_arn;
    context.delivery_id = spec_.id;
    context.invocation_seed = seal.key;
    context.now_ms = [] { return NowMs(); };
    FRESHET_ASSIGN_OR_RETURN(ProcessedRecords processed, ProcessRecords(config, context, records, processor_));
    data = std::move(processed.data);
    errors = std::move(processed.errors);
    entry->processed_ok = processed.ok;
    entry->dropped = processed.dropped;
    entry->failed = processed.failed;
  }
  // Without processing every seal has its object; with it, an object with no record left is not
  // written (a redelivery removes one an earlier answer wrote), and likewise the error object.
  if (!processing || !data.empty()) {
    FRESHET_ASSIGN_OR_RETURN(std::string object,
                             Compress(seal.compression, data, seal.entry_name, seal.first_arrival_ms / 1000));
    FRESHET_RETURN_IF_ERROR(PutObject(seal.bucket, seal.key, object));
    entry->object_bytes = object.size();
  } else {
    entry->object_written = false;
    if (seal_stored) FRESHET_RETURN_IF_ERROR(RemoveObject(seal.bucket, seal.key));
  }
  if (!errors.empty()) {
    std::string_view ext =
        spec_.destination.file_extension ? *spec_.destination.file_extension : CompressionExtension(seal.compression);
    FRESHET_ASSIGN_OR_RETURN(std::string object, Compress(seal.compression, errors, EntryName(seal.error_key, ext),
                                                          seal.first_arrival_ms / 1000));
    FRESHET_RETURN_IF_ERROR(PutObject(seal.bucket, seal.error_key, object));
    entry->error_written = true;
    entry->error_object_bytes = object.size();
  } else if (processing && seal_stored) {
    FRESHET_RETURN_IF_ERROR(RemoveObject(seal.bucket, seal.error_key));
  }
  return Status::OK();
}

}  // namespace freshet::stream::delivery
