#include "tools/protocol/aws_error.h"

#include <string_view>

namespace freshet::protocol {
namespace {

// IAM's and STS's names (query protocol): NoSuchEntity 404, EntityAlreadyExists 409,
// DeleteConflict 409, LimitExceeded 409, ValidationError 400, ServiceFailure 500.
AwsError IamErrorForStatus(AwsError e) {
  switch (*e.engine_code) {
    case Status::Code::kInvalidArgument: e.type = "ValidationError"; break;
    case Status::Code::kNotFound:
      e.type = "NoSuchEntity";
      e.http_status = 404;
      break;
    case Status::Code::kAlreadyExists:
      e.type = "EntityAlreadyExists";
      e.http_status = 409;
      break;
    case Status::Code::kFailedPrecondition:
      e.type = "DeleteConflict";
      e.http_status = 409;
      break;
    case Status::Code::kLimitExceeded:
      e.type = "LimitExceeded";
      e.http_status = 409;
      break;
    default:
      e.type = "ServiceFailure";
      e.http_status = 500;
      break;
  }
  return e;
}

}  // namespace

// Lambda's names and statuses (its REST API answers each exception with its own HTTP status).
AwsError LambdaErrorForStatus(const Status& status) {
  AwsError e{"ServiceException", status.message(), 500, status.code()};
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
      e.type = "InvalidParameterValueException";
      e.http_status = 400;
      break;
    case Status::Code::kNotFound:
      e.type = "ResourceNotFoundException";
      e.http_status = 404;
      break;
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition:
      e.type = "ResourceConflictException";
      e.http_status = 409;
      break;
    case Status::Code::kLimitExceeded:
      e.type = "TooManyRequestsException";
      e.http_status = 429;
      break;
    default: break;
  }
  return e;
}

AwsError ErrorForStatus(Service service, const Status& status) {
  const bool dynamo = service == Service::kDynamoDb || service == Service::kDynamoDbStreams;
  if (service == Service::kLambda) return LambdaErrorForStatus(status);
  AwsError e;
  e.message = status.message();
  e.engine_code = status.code();
  if (service == Service::kIam || service == Service::kSts) return IamErrorForStatus(std::move(e));
  switch (status.code()) {
    case Status::Code::kInvalidArgument: e.type = dynamo ? "ValidationException" : "InvalidArgumentException"; break;
    case Status::Code::kNotFound: e.type = "ResourceNotFoundException"; break;
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition: e.type = "ResourceInUseException"; break;
    case Status::Code::kLimitExceeded: e.type = "LimitExceededException"; break;
    case Status::Code::kAborted:
      e.type = dynamo ? "InternalServerError" : "InternalFailure";
      e.http_status = 503;
      break;
    case Status::Code::kOk:  // not an error: a bug in the caller
    case Status::Code::kCorruption:
    case Status::Code::kIOError:
    case Status::Code::kInternal:
      e.type = dynamo ? "InternalServerError" : "InternalFailure";
      e.http_status = 500;
      break;
  }
  return e;
}

Json ErrorBody(const AwsError& error) {
  Json body = {{"__type", error.type}, {"message", error.message}};
  if (error.engine_code) body["freshetStatus"] = std::string(CodeName(*error.engine_code));
  if (error.extra.is_object()) {
    for (const auto& [k, v] : error.extra.items()) body[k] = v;
  }
  return body;
}

Status StatusForErrorBody(int http_status, const Json& body) {
  std::string type, message = "request failed with HTTP status " + std::to_string(http_status);
  if (body.is_object()) {
    if (auto t = body.find("__type"); t != body.end() && t->is_string()) type = t->get<std::string>();
    // AWS spells it "message" or "Message" depending on the service.
    for (const char* key : {"message", "Message"}) {
      if (auto m = body.find(key); m != body.end() && m->is_string()) message = m->get<std::string>();
    }
    if (auto c = body.find("freshetStatus"); c != body.end() && c->is_string()) {
      static constexpr Status::Code kCodes[] = {Status::Code::kInvalidArgument, Status::Code::kNotFound,
                                                Status::Code::kAlreadyExists,   Status::Code::kFailedPrecondition,
                                                Status::Code::kCorruption,      Status::Code::kIOError,
                                                Status::Code::kAborted,         Status::Code::kInternal,
                                                Status::Code::kLimitExceeded};
      for (Status::Code code : kCodes) {
        if (CodeName(code) == c->get<std::string>()) {
          switch (code) {
            case Status::Code::kInvalidArgument: return Status::InvalidArgument(message);
            case Status::Code::kNotFound: return Status::NotFound(message);
            case Status::Code::kAlreadyExists: return Status::AlreadyExists(message);
            case Status::Code::kFailedPrecondition: return Status::FailedPrecondition(message);
            case Status::Code::kCorruption: return Status::Corruption(message);
            case Status::Code::kIOError: return Status::IOError(message);
            case Status::Code::kAborted: return Status::Aborted(message);
            case Status::Code::kLimitExceeded: return Status::LimitExceeded(message);
            default: return Status::Internal(message);
          }
        }
      }
    }
  }
  // AWS's __type may carry a namespace prefix ("com.amazonaws.kinesis#ResourceNotFoundException").
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (!type.empty()) message = type + ": " + message;
  if (http_status >= 500) return Status::Internal(message);
  std::string_view t = type;
  if (t == "ResourceNotFoundException") return Status::NotFound(message);
  if (t == "ResourceInUseException") return Status::AlreadyExists(message);
  if (t == "LimitExceededException") return Status::LimitExceeded(message);
  if (t == "ProvisionedThroughputExceededException" || t == "ConditionalCheckFailedException" ||
      t == "TransactionCanceledException") {
    return Status::FailedPrecondition(message);
  }
  return Status::InvalidArgument(message);
}

AwsError Outcome::error(Service service) const {
  if (auto* e = std::get_if<AwsError>(&rep_)) return *e;
  return ErrorForStatus(service, std::get<Status>(rep_));
}

}  // namespace freshet::protocol
