// Firehose delivery stream operations: CreateDeliveryStream, DescribeDeliveryStream,
// ListDeliveryStreams, DeleteDeliveryStream, UpdateDestination, TagDeliveryStream,
// UntagDeliveryStream, ListTagsForDeliveryStream. Shapes: AWS's Firehose API reference
// (Firehose_20150804, JSON 1.1). Delivery streams are stream::delivery::DeliveryStore's.
#include "stream/delivery/delivery_store.h"
#include "tools/protocol/firehose_common.h"

namespace freshet::protocol::firehose {
namespace {

using stream::delivery::DeliverySpec;
using stream::delivery::DeliveryStore;

Outcome CreateDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string name, RequiredString(call.request, "DeliveryStreamName"));
  if (auto e = CheckLength(name, "DeliveryStreamName", 1, 64)) return std::move(*e);
  if (Status s = stream::delivery::ValidateDeliveryName(name); !s.ok()) {
    return ValidationError("DeliveryStreamName", "'" + name + "'",
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  DeliverySpec spec;
  spec.name = name;
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> type, OptionalString(call.request, "DeliveryStreamType"));
  if (type && *type == "KinesisStreamAsSource") {
    spec.type = DeliverySpec::Type::kKinesisSource;
    auto src = call.request.find("KinesisStreamSourceConfiguration");
    if (src == call.request.end() || src->is_null()) {
      return AwsError::Client("InvalidArgumentException",
                              "KinesisSourceStreamConfig is required for KinesisStreamAsSource delivery stream type.");
    }
    if (!src->is_object()) return WrongType("KinesisStreamSourceConfiguration", "an object");
    FRESHET_CHECKED_ASSIGN(spec.source_stream_arn, RequiredString(*src, "KinesisStreamARN"));
    FRESHET_CHECKED_ASSIGN(spec.source_role_arn, RequiredString(*src, "RoleARN"));
    auto stream_name = stream::delivery::StreamFromArn(spec.source_stream_arn);
    if (!stream_name.ok()) return AwsError::Client("InvalidArgumentException", stream_name.status().message());
    spec.source_stream = *stream_name;
  } else if (type && *type != "DirectPut") {
    return ValidationError("DeliveryStreamType", "'" + *type + "'",
                           "Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource]");
  } else if (call.request.contains("KinesisStreamSourceConfiguration")) {
    return AwsError::Client(
        "InvalidArgumentException",
        "KinesisSourceStreamConfig is only allowed for KinesisStreamAsSource delivery stream type.");
  }
  auto plain = call.request.find("S3DestinationConfiguration");
  auto extended = call.request.find("ExtendedS3DestinationConfiguration");
  bool has_plain = plain != call.request.end() && !plain->is_null();
  bool has_extended = extended != call.request.end() && !extended->is_null();
  if (has_plain == has_extended) {
    return AwsError::Client("InvalidArgumentException",
                            "Exactly one destination configuration is supported for a Firehose: "
                            "S3DestinationConfiguration or ExtendedS3DestinationConfiguration (freshet delivers to "
                            "buckets only).");
  }
  if (auto e = ReadDestination(has_plain ? *plain : *extended,
                               has_plain ? "S3DestinationConfiguration" : "ExtendedS3DestinationConfiguration",
                               has_extended, false, &spec.destination)) {
    return std::move(*e);
  }
  FRESHET_CHECKED_ASSIGN(spec.tags, ReadTags(call.request, "Tags"));
  // Where the bucket is: freshet's own member (the CLI's `delivery create --s3-endpoint`), else
  // this endpoint's setting (`serve --s3-endpoint`), else the local buckets.
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> endpoint, OptionalString(call.request, "FreshetS3Endpoint"));
  spec.destination.endpoint = endpoint && !endpoint->empty() ? *endpoint : call.settings.firehose_s3_endpoint;
  DeliveryStore store(call.backend.log);
  auto created = store.Create(spec);
  if (!created.ok()) {
    if (created.status().IsNotFound() && spec.type == DeliverySpec::Type::kKinesisSource) {
      return AwsError::Client("InvalidArgumentException", "Stream " + spec.source_stream + " under account " +
                                                              call.context.account_id + " not found.");
    }
    return created.status();
  }
  return Json{{"DeliveryStreamARN", DeliveryArn(call, name)}};
}

Outcome DescribeDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  return DescribeJson(call, spec);
}

Outcome ListDeliveryStreams(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 10000));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start,
                         OptionalString(call.request, "ExclusiveStartDeliveryStreamName"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> type, OptionalString(call.request, "DeliveryStreamType"));
  if (type && *type != "DirectPut" && *type != "KinesisStreamAsSource") {
    return ValidationError("DeliveryStreamType", "'" + *type + "'",
                           "Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource]");
  }
  DeliveryStore store(call.backend.log);
  FRESHET_ASSIGN_OR_RETURN(std::vector<DeliverySpec> specs, store.List());
  Json names = Json::array();
  bool more = false;
  size_t max = static_cast<size_t>(limit.value_or(10));
  for (const DeliverySpec& s : specs) {
    if (start && s.name <= *start) continue;
    if (type && stream::delivery::TypeName(s.type) != *type) continue;
    if (names.size() == max) {
      more = true;
      break;
    }
    names.push_back(s.name);
  }
  return Json{{"DeliveryStreamNames", names}, {"HasMoreDeliveryStreams", more}};
}

Outcome DeleteDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  DeliveryStore store(call.backend.log);
  FRESHET_RETURN_IF_ERROR(store.Delete(spec.name));
  return Json::object();
}

Outcome UpdateDestination(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec current, LoadDelivery(call));
  FRESHET_CHECKED_ASSIGN(std::string version, RequiredString(call.request, "CurrentDeliveryStreamVersionId"));
  FRESHET_CHECKED_ASSIGN(std::string destination_id, RequiredString(call.request, "DestinationId"));
  if (destination_id != kDestinationId) {
    return AwsError::Client("InvalidArgumentException", "Destination Id " + destination_id + " not found.");
  }
  auto plain = call.request.find("S3DestinationUpdate");
  auto extended = call.request.find("ExtendedS3DestinationUpdate");
  bool has_plain = plain != call.request.end() && !plain->is_null();
  bool has_extended = extended != call.request.end() && !extended->is_null();
  if (has_plain && has_extended) {
    return AwsError::Client("InvalidArgumentException", "Only one destination update may be given.");
  }
  std::optional<AwsError> error;
  DeliveryStore store(call.backend.log);
  auto updated = store.Update(current.name, [&](DeliverySpec* spec) {
    if (std::to_string(spec->version) != version) {
      error = AwsError::Client(
          "ConcurrentModificationException",
          "Firehose " + spec->name + " has version id " + std::to_string(spec->version) + ", not " + version + ".");
      return Status::Aborted("version mismatch");
    }
    stream::delivery::S3Destination d = spec->destination;
    if (has_plain || has_extended) {
      error =
          ReadDestination(has_plain ? *plain : *extended,
                          has_plain ? "S3DestinationUpdate" : "ExtendedS3DestinationUpdate", has_extended, true, &d);
      if (error) return Status::Aborted("bad update");
      if (Status s = stream::delivery::ValidateDestination(d); !s.ok()) return s;
    }
    spec->destination = std::move(d);
    spec->version++;
    return Status::OK();
  });
  if (error) return std::move(*error);
  if (!updated.ok()) return updated.status();
  return Json::object();
}

Outcome TagDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec current, LoadDelivery(call));
  FRESHET_CHECKED_ASSIGN(auto tags, ReadTags(call.request, "Tags"));
  if (tags.empty()) return MissingMember("Tags");
  DeliveryStore store(call.backend.log);
  auto updated = store.Update(current.name, [&](DeliverySpec* spec) {
    for (auto& [k, v] : tags) spec->tags[k] = v;
    if (spec->tags.size() > 50) return Status::LimitExceeded("a delivery stream may have at most 50 tags");
    return Status::OK();
  });
  if (!updated.ok()) return updated.status();
  return Json::object();
}

Outcome UntagDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec current, LoadDelivery(call));
  auto keys = call.request.find("TagKeys");
  if (keys == call.request.end() || keys->is_null()) return MissingMember("TagKeys");
  if (!keys->is_array()) return WrongType("TagKeys", "a list");
  DeliveryStore store(call.backend.log);
  auto updated = store.Update(current.name, [&](DeliverySpec* spec) {
    for (const Json& k : *keys) {
      if (k.is_string()) spec->tags.erase(k.get<std::string>());
    }
    return Status::OK();
  });
  if (!updated.ok()) return updated.status();
  return Json::object();
}

Outcome ListTagsForDeliveryStream(const Call& call) {
  FRESHET_CHECKED_ASSIGN(DeliverySpec spec, LoadDelivery(call));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 50));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartTagKey"));
  Json tags = Json::array();
  bool more = false;
  for (const auto& [k, v] : spec.tags) {
    if (start && k <= *start) continue;
    if (tags.size() == static_cast<size_t>(limit.value_or(50))) {
      more = true;
      break;
    }
    tags.push_back({{"Key", k}, {"Value", v}});
  }
  return Json{{"Tags", tags}, {"HasMoreTags", more}};
}

}  // namespace
}  // namespace freshet::protocol::firehose

namespace freshet::protocol {

void RegisterFirehoseStreamOps(Registry* r) {
  using namespace firehose;  // NOLINT
  r->Add({"CreateDeliveryStream", Service::kFirehose, true, &CreateDeliveryStream});
  r->Add({"DescribeDeliveryStream", Service::kFirehose, false, &DescribeDeliveryStream});
  r->Add({"ListDeliveryStreams", Service::kFirehose, false, &ListDeliveryStreams});
  r->Add({"DeleteDeliveryStream", Service::kFirehose, true, &DeleteDeliveryStream});
  r->Add({"UpdateDestination", Service::kFirehose, true, &UpdateDestination});
  r->Add({"TagDeliveryStream", Service::kFirehose, true, &TagDeliveryStream});
  r->Add({"UntagDeliveryStream", Service::kFirehose, true, &UntagDeliveryStream});
  r->Add({"ListTagsForDeliveryStream", Service::kFirehose, false, &ListTagsForDeliveryStream});
}

}  // namespace freshet::protocol
