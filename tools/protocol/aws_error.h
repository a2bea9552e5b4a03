// AwsError and Outcome: how an operation of the registry answers, in AWS's vocabulary.
//
// An AwsError is what AWS sends back for a failed request: an exception name (`__type`), a
// message and an HTTP status (400 for the caller's mistakes, 500 for ours). Handlers return an
// Outcome: the response body, an AwsError they chose (LimitExceededException, ...), or an engine
// Status, which ErrorForStatus maps onto the service's own names in ONE place.
//
// On the wire (JSON 1.0 / 1.1): {"__type": "ResourceNotFoundException", "message": "..."}.
// freshet adds "freshetStatus" (the engine's status code name, e.g. "corruption") so that the
// freshet CLI keeps its exit codes over any transport; AWS SDKs ignore unknown members.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "storage/status.h"

namespace freshet::protocol {

using Json = nlohmann::json;

// The services of the registry. Kinesis, DynamoDB, DynamoDB Streams and Firehose are AWS JSON
// services (X-Amz-Target); Lambda, S3, IAM and STS speak REST or query protocols on the wire, and
// their operations are reached through their HTTP services (tools/transport/http_service.h), which
// map a request onto a registry target under the prefixes below.
enum class Service { kKinesis, kDynamoDb, kFreshet, kDynamoDbStreams, kFirehose, kLambda, kIam, kSts };

struct AwsError {
  std::string type;     // e.g. "ResourceNotFoundException"
  std::string message;  // one line for a person
  int http_status = 400;
  std::optional<Status::Code> engine_code;  // when mapped from a Status
  // Members an exception carries besides its message (DynamoDB's CancellationReasons, the Item of
  // a failed condition check), merged into the body.
  Json extra = Json::object();

  static AwsError Client(std::string type, std::string message) {
    return {std::move(type), std::move(message), 400, {}};
  }
  static AwsError Internal(std::string message) { return {"InternalFailure", std::move(message), 500, {}}; }
};

// The error a service answers for an engine Status. REQUIRES: !status.ok().
AwsError ErrorForStatus(Service service, const Status& status);

// The wire body of an error: {"__type": ..., "message": ..., "freshetStatus"?: ...}.
Json ErrorBody(const AwsError& error);

// The engine Status a client reports for an error body it received (the inverse, for the CLI):
// "freshetStatus" if present, else the exception name's meaning (ResourceNotFoundException ->
// NotFound, ResourceInUseException -> AlreadyExists, validation -> InvalidArgument, 5xx -> Internal).
Status StatusForErrorBody(int http_status, const Json& body);

// A response already serialized as JSON text, for large answers (a GetRecords page) that are
// cheaper to write straight from stored bytes than to build as a DOM and dump.
struct RawJson {
  std::string text;
};

// What a handler returns: a response body (as a DOM or as JSON text) or an error.
class Outcome {
 public:
  Outcome(Json body) : rep_(std::move(body)) {}        // NOLINT: implicit by design
  Outcome(RawJson body) : rep_(std::move(body)) {}     // NOLINT
  Outcome(AwsError error) : rep_(std::move(error)) {}  // NOLINT
  Outcome(const Status& status) : rep_(status) {}      // NOLINT: REQUIRES !status.ok()

  bool ok() const { return std::holds_alternative<Json>(rep_) || std::holds_alternative<RawJson>(rep_); }
  // REQUIRES: ok(). One of them is set: the DOM, or the text.
  Json* body() { return std::get_if<Json>(&rep_); }
  RawJson* raw() { return std::get_if<RawJson>(&rep_); }
  // The error, mapping an engine Status with `service`'s names. REQUIRES: !ok().
  AwsError error(Service service) const;

 private:
  std::variant<Json, RawJson, AwsError, Status> rep_;
};

}  // namespace freshet::protocol
