// Helpers shared by the Firehose handlers (internal to tools/protocol): decoding destination
// configurations and encoding DeliveryStreamDescription (Firehose_20150804, JSON 1.1).
#pragma once

#include <string>

#include "stream/delivery/delivery_spec.h"
#include "tools/protocol/fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::firehose {

inline constexpr const char* kDestinationId = "destinationId-000000000001";

// The delivery a request names (DeliveryStreamName), or ResourceNotFoundException.
Checked<stream::delivery::DeliverySpec> LoadDelivery(const Call& call);
// An S3DestinationConfiguration / ExtendedS3DestinationConfiguration (or, with `update`, an
// S3DestinationUpdate / ExtendedS3DestinationUpdate whose members replace those of *dest).
std::optional<AwsError> ReadDestination(const Json& config, const std::string& member, bool extended, bool update,
                                        stream::delivery::S3Destination* dest);
std::string DeliveryArn(const Call& call, const std::string& name);
Json DescribeJson(const Call& call, const stream::delivery::DeliverySpec& spec);
// Tags as Firehose lists them: [{"Key": k, "Value": v}].
Checked<std::map<std::string, std::string>> ReadTags(const Json& request, const char* member);

}  // namespace freshet::protocol::firehose
