// Kinesis stream settings: Increase/DecreaseStreamRetentionPeriod and the tags
// (AddTagsToStream, ListTagsForStream, RemoveTagsFromStream).
#include "stream/stream_attributes.h"
#include "stream/stream_log.h"
#include "tools/protocol/kinesis_common.h"

namespace freshet::protocol::kinesis {
namespace {

using stream::StreamDescription;

// freshet accepts retention periods from 1 hour (AWS's minimum is 24) so that tests and
// laptops can exercise retention quickly; the maximum is AWS's (8760 hours, one year).
Outcome ChangeRetention(const Call& call, bool increase) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(int64_t hours, RequiredInteger(call.request, "RetentionPeriodHours", 1, 1000000));
  const std::string requested = "Requested retention period (" + std::to_string(hours) + " hours)";
  if (hours > static_cast<int64_t>(stream::kMaxRetentionHours)) {
    return AwsError::Client("InvalidArgumentException",
                            "Maximum allowed retention period is 8760 hours. " + requested + " is too long.");
  }
  if (increase && hours < d.retention_hours) {
    return AwsError::Client("InvalidArgumentException", requested + " for stream " + d.name +
                                                            " can not be shorter than existing retention period (" +
                                                            std::to_string(d.retention_hours) +
                                                            " hours). Use DecreaseRetentionPeriod API.");
  }
  if (!increase && hours > d.retention_hours) {
    return AwsError::Client("InvalidArgumentException", requested + " for stream " + d.name +
                                                            " can not be longer than existing retention period (" +
                                                            std::to_string(d.retention_hours) +
                                                            " hours). Use IncreaseRetentionPeriod API.");
  }
  FRESHET_RETURN_IF_ERROR(call.backend.log->SetRetention(d.name, static_cast<uint32_t>(hours)));
  return Json::object();
}

Outcome IncreaseRetention(const Call& call) { return ChangeRetention(call, true); }
Outcome DecreaseRetention(const Call& call) { return ChangeRetention(call, false); }

Outcome AddTags(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  auto it = call.request.find("Tags");
  if (it == call.request.end() || !it->is_object()) return MissingMember("Tags");
  if (it->size() > 10) {
    return AwsError::Client("InvalidArgumentException",
                            "Failed to add tags to stream " + d.name + " under account " + call.context.account_id +
                                " because a given request cannot have more than 10 tags associated with it.");
  }
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) return WrongType("Tags", "a map of tag keys to string values");
    if (auto e = CheckLength(k, "Tags", 1, 128)) return std::move(*e);
    if (auto e = CheckLength(v.get<std::string>(), "Tags", 0, 256)) return std::move(*e);
  }
  std::optional<AwsError> limit;
  Status updated = stream::UpdateStreamAttributes(call.backend.db, d.id, [&](stream::StreamAttributes* a) {
    auto tags = a->tags;
    for (auto& [k, v] : it->items()) tags[k] = v.get<std::string>();
    if (tags.size() > 50) {
      limit = AwsError::Client("LimitExceededException", "Failed to add tags to stream " + d.name + " under account " +
                                                             call.context.account_id +
                                                             " because a stream can have at most 50 tags.");
      return Status::Aborted("tag limit");  // nothing is written
    }
    a->tags = std::move(tags);
    return Status::OK();
  });
  if (limit) return std::move(*limit);
  FRESHET_RETURN_IF_ERROR(updated);
  return Json::object();
}

Outcome ListTags(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> start, OptionalString(call.request, "ExclusiveStartTagKey"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(call.request, "Limit", 1, 50));
  FRESHET_ASSIGN_OR_RETURN(auto attributes, stream::LoadStreamAttributes(*call.backend.db, d.id));
  Json tags = Json::array();
  bool more = false;
  for (auto& [k, v] : attributes.tags) {
    if (start && k <= *start) continue;
    if (tags.size() == static_cast<size_t>(limit.value_or(50))) {
      more = true;
      break;
    }
    tags.push_back({{"Key", k}, {"Value", v}});
  }
  return Json{{"Tags", tags}, {"HasMoreTags", more}};
}

Outcome RemoveTags(const Call& call) {
  FRESHET_CHECKED_ASSIGN(StreamDescription d, LoadStream(call));
  auto it = call.request.find("TagKeys");
  if (it == call.request.end() || !it->is_array()) return MissingMember("TagKeys");
  if (it->empty() || it->size() > 50) {
    return ValidationError("TagKeys", "'[...]'", "Member must have length between 1 and 50");
  }
  for (const Json& k : *it) {
    if (!k.is_string()) return WrongType("TagKeys", "a list of strings");
  }
  FRESHET_RETURN_IF_ERROR(stream::UpdateStreamAttributes(call.backend.db, d.id, [&](stream::StreamAttributes* a) {
    for (const Json& k : *it) a->tags.erase(k.get<std::string>());
    return Status::OK();
  }));
  return Json::object();
}

}  // namespace
}  // namespace freshet::protocol::kinesis

namespace freshet::protocol {

void RegisterKinesisAdminOps(Registry* r) {
  using namespace kinesis;  // NOLINT
  r->Add({"IncreaseStreamRetentionPeriod", Service::kKinesis, true, &IncreaseRetention});
  r->Add({"DecreaseStreamRetentionPeriod", Service::kKinesis, true, &DecreaseRetention});
  r->Add({"AddTagsToStream", Service::kKinesis, true, &AddTags});
  r->Add({"ListTagsForStream", Service::kKinesis, false, &ListTags});
  r->Add({"RemoveTagsFromStream", Service::kKinesis, true, &RemoveTags});
}

}  // namespace freshet::protocol
