// Firehose request and response shapes shared by the handlers (firehose_common.h).
#include "tools/protocol/firehose_common.h"

#include "stream/delivery/delivery_store.h"

namespace freshet::protocol::firehose {

using stream::delivery::Compression;
using stream::delivery::DeliverySpec;
using stream::delivery::S3Destination;

Checked<DeliverySpec> LoadDelivery(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(call.request, "DeliveryStreamName"));
  if (auto e = CheckLength(name, "DeliveryStreamName", 1, 64)) return std::move(*e);
  stream::delivery::DeliveryStore store(call.backend.log);
  auto spec = store.Get(name);
  if (!spec.ok()) {
    if (spec.status().IsNotFound()) {
      return AwsError::Client("ResourceNotFoundException",
                              "Firehose " + name + " under account " + call.context.account_id + " not found.");
    }
    return ErrorForStatus(Service::kFirehose, spec.status());
  }
  return std::move(*spec);
}

std::optional<AwsError> ReadDestination(const Json& config, const std::string& member, bool extended, bool update,
                                        S3Destination* d) {
  if (!config.is_object()) return WrongType(member, "an object");
  auto text = [&](const char* name, std::string* out) -> std::optional<AwsError> {
    auto v = OptionalString(config, name);
    if (!v.ok()) return std::move(v.error());
    if (v.value()) *out = *v.value();
    return std::nullopt;
  };
  if (!update) {
    auto role = RequiredString(config, "RoleARN");
    if (!role.ok()) return std::move(role.error());
    d->role_arn = role.value();
    auto bucket = RequiredString(config, "BucketARN");
    if (!bucket.ok()) return std::move(bucket.error());
    d->bucket_arn = bucket.value();
  } else {
    if (auto e = text("RoleARN", &d->role_arn)) return e;
    if (auto e = text("BucketARN", &d->bucket_arn)) return e;
  }
  auto bucket = stream::delivery::BucketFromArn(d->bucket_arn);
  if (!bucket.ok()) return AwsError::Client("InvalidArgumentException", bucket.status().message());
  d->bucket = *bucket;
  if (auto e = text("Prefix", &d->prefix)) return e;
  if (auto e = text("ErrorOutputPrefix", &d->error_output_prefix)) return e;
  if (auto it = config.find("BufferingHints"); it != config.end() && !it->is_null()) {
    if (!it->is_object()) return WrongType("BufferingHints", "an object");
    auto size = OptionalInteger(*it, "SizeInMBs", 1, stream::delivery::kMaxSizeMb);
    if (!size.ok()) return std::move(size.error());
    if (size.value()) d->size_mb = static_cast<uint32_t>(*size.value());
    auto interval = OptionalInteger(*it, "IntervalInSeconds", 0, stream::delivery::kMaxIntervalSeconds);
    if (!interval.ok()) return std::move(interval.error());
    if (interval.value()) d->interval_seconds = static_cast<uint32_t>(*interval.value());
  }
  std::string compression;
  if (auto e = text("CompressionFormat", &compression)) return e;
  if (!compression.empty()) {
    auto c = stream::delivery::ParseCompression(compression);
    if (!c.ok() || compression != stream::delivery::CompressionName(*c)) {
      return ValidationError("CompressionFormat", "'" + compression + "'",
                             "Member must satisfy enum value set: [HADOOP_SNAPPY, ZIP, Snappy, UNCOMPRESSED, GZIP]");
    }
    d->compression = *c;
  }
  if (extended) {
    d->extended = true;
    std::string ext;
    if (config.contains("FileExtension")) {
      if (auto e = text("FileExtension", &ext)) return e;
      d->file_extension = ext;
    }
    if (auto it = config.find("ProcessingConfiguration"); it != config.end() && !it->is_null()) {
      if (!it->is_object()) return WrongType("ProcessingConfiguration", "an object");
      d->processing_json = it->dump();  // checked by ValidateDestination (processing_config.h)
    }
  }
  if (auto it = config.find("CloudWatchLoggingOptions"); it != config.end() && !it->is_null()) {
    d->cloudwatch_json = it->dump();
  }
  return std::nullopt;
}

std::string DeliveryArn(const Call& call, const std::string& name) {
  return "arn:aws:firehose:" + call.context.region + ":" + call.context.account_id + ":deliverystream/" + name;
}

Json DescribeJson(const Call& call, const DeliverySpec& spec) {
  const S3Destination& d = spec.destination;
  Json cloudwatch = {{"Enabled", false}};
  if (!d.cloudwatch_json.empty()) cloudwatch = Json::parse(d.cloudwatch_json, nullptr, false);
  Json s3 = {{"RoleARN", d.role_arn},
             {"BucketARN", d.bucket_arn},
             {"Prefix", d.prefix},
             {"ErrorOutputPrefix", d.error_output_prefix},
             {"BufferingHints", {{"SizeInMBs", d.size_mb}, {"IntervalInSeconds", d.interval_seconds}}},
             {"CompressionFormat", stream::delivery::CompressionName(d.compression)},
             {"EncryptionConfiguration", {{"NoEncryptionConfig", "NoEncryption"}}},
             {"CloudWatchLoggingOptions", cloudwatch}};
  Json destination = {{"DestinationId", kDestinationId}, {"S3DestinationDescription", s3}};
  Json extended = s3;
  extended["S3BackupMode"] = "Disabled";
  if (!d.processing_json.empty()) extended["ProcessingConfiguration"] = Json::parse(d.processing_json, nullptr, false);
  if (d.file_extension) extended["FileExtension"] = *d.file_extension;
  destination["ExtendedS3DestinationDescription"] = extended;
  Json out = {{"DeliveryStreamName", spec.name},
              {"DeliveryStreamARN", DeliveryArn(call, spec.name)},
              {"DeliveryStreamStatus", spec.status},
              {"DeliveryStreamEncryptionConfiguration", {{"Status", "DISABLED"}}},
              {"DeliveryStreamType", stream::delivery::TypeName(spec.type)},
              {"VersionId", std::to_string(spec.version)},
              {"CreateTimestamp", static_cast<double>(spec.created_ms) / 1000.0},
              {"LastUpdateTimestamp", static_cast<double>(spec.updated_ms) / 1000.0},
              {"Destinations", Json::array({destination})},
              {"HasMoreDestinations", false}};
  if (spec.type == DeliverySpec::Type::kKinesisSource) {
    out["Source"] = {{"KinesisStreamSourceDescription",
                      {{"KinesisStreamARN", spec.source_stream_arn},
                       {"RoleARN", spec.source_role_arn},
                       {"DeliveryStartTimestamp", static_cast<double>(spec.created_ms) / 1000.0}}}};
  }
  return {{"DeliveryStreamDescription", out}};
}

Checked<std::map<std::string, std::string>> ReadTags(const Json& request, const char* member) {
  std::map<std::string, std::string> tags;
  auto it = request.find(member);
  if (it == request.end() || it->is_null()) return tags;
  if (!it->is_array()) return WrongType(member, "a list of tags");
  if (it->size() > 50) return ValidationError(member, "", "Member must have length less than or equal to 50");
  for (const Json& t : *it) {
    if (!t.is_object()) return WrongType(member, "a list of tags");
    FRESHET_CHECKED_ASSIGN(std::string key, RequiredString(t, "Key"));
    if (auto e = CheckLength(key, "Key", 1, 128)) return std::move(*e);
    FRESHET_CHECKED_ASSIGN(std::optional<std::string> value, OptionalString(t, "Value"));
    tags[key] = value.value_or("");
  }
  return tags;
}

}  // namespace freshet::protocol::firehose
