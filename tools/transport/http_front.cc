#include "tools/transport/http_front.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tools/http/cbor.h"

namespace freshet::transport {
namespace {

using protocol::AwsError;
using protocol::Json;

enum class Encoding { kJson10, kJson11, kCbor };

const char* ContentType(Encoding e) {
  switch (e) {
    case Encoding::kJson10: return "application/x-amz-json-1.0";
    case Encoding::kJson11: return "application/x-amz-json-1.1";
    case Encoding::kCbor: return "application/x-amz-cbor-1.1";
  }
  return "application/json";
}

// Timestamps and blobs of the Kinesis shapes, for CBOR replies (tag 1 and byte strings).
const std::set<std::string>& CborBlobs() {
  static const std::set<std::string> kBlobs = {"Data"};
  return kBlobs;
}
const std::set<std::string>& CborTimestamps() {
  static const std::set<std::string> kTimestamps = {"ApproximateArrivalTimestamp", "StreamCreationTimestamp",
                                                    "Timestamp"};
  return kTimestamps;
}

http::Response Encode(const protocol::Reply& reply, Encoding encoding, const std::string& request_id,
                      const std::string& error_type) {
  http::Response r;
  r.status = reply.http_status;
  r.content_type = ContentType(encoding);
  if (encoding == Encoding::kCbor) {
    Json body = reply.raw_body.empty() ? reply.body : Json::parse(reply.raw_body);
    // An error message may echo bytes of the request (an unknown target) that are not UTF-8; CBOR
    // text must be, so errors pass through JSON text with invalid bytes replaced (U+FFFD).
    if (!reply.ok()) body = Json::parse(body.dump(-1, ' ', false, Json::error_handler_t::replace));
    r.body = http::JsonToCbor(body, CborBlobs(), CborTimestamps());
  } else {
    r.body = reply.Text();
  }
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (!error_type.empty()) r.headers.emplace_back("x-amzn-ErrorType", error_type);
  return r;
}

http::Response ErrorResponse(const AwsError& e, Encoding encoding, const std::string& request_id) {
  return Encode(protocol::ErrorReply(e), encoding, request_id, e.type);
}

}  // namespace

http::Response HttpFront::Handle(const http::Request& request) {
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4000-8000-%012llx", static_cast<unsigned>(getpid()),
                static_cast<unsigned>(request_count_.load() & 0xffff),
                static_cast<unsigned long long>(++request_count_));
  const std::string request_id = id;
  const std::string* target = request.Header("x-amz-target");
  const std::string* content_type = request.Header("content-type");
  Encoding encoding = Encoding::kJson11;
  if (content_type && content_type->find("cbor") != std::string::npos) encoding = Encoding::kCbor;
  if (content_type && content_type->find("json-1.0") != std::string::npos) encoding = Encoding::kJson10;
  if (!target) return HandleService(request, request_id);
  if (request.method != "POST") {
    return ErrorResponse(AwsError{"UnknownOperationException", "AWS JSON requests are POSTs", 405, {}}, encoding,
                         request_id);
  }
  protocol::RequestContext context;
  auto auth = http::ParseAuthorization(request);
  if (auto* error = std::get_if<http::AuthError>(&auth)) {
    return ErrorResponse(AwsError{error->type, error->message, error->http_status, {}}, encoding, request_id);
  }
  const auto& info = std::get<http::AuthInfo>(auth);
  if (!info.region.empty()) context.region = info.region;
  context.access_key = info.access_key_id;
  if (foreign_worker_key_ && foreign_worker_key_(info.access_key_id)) {
    return ErrorResponse(AwsError{"UnrecognizedClientException",
                                  "The security token included in the request is invalid: " + info.access_key_id +
                                      " is a function worker's key this server did not issue (a worker of an "
                                      "earlier process)",
                                  400,
                                  {}},
                         encoding, request_id);
  }
  if (credentials_) {
    if (auto error = Verify(request, info)) {
      return ErrorResponse(AwsError{error->type, error->message, error->http_status, {}}, encoding, request_id);
    }
  }
  // Lambda's operations run code on this machine: reached by target rather than through the
  // Lambda REST paths (lambda_service.h), they too need a verified signature.
  if (!credentials_ && target->rfind(protocol::kLambdaPrefix, 0) == 0) {
    return ErrorResponse(AwsError{"AccessDeniedException",
                                  "Lambda operations over HTTP need a verified signature: start `freshet serve "
                                  "--credentials FILE`, or use the Lambda REST API (/2015-03-31/...)",
                                  403,
                                  {}},
                         encoding, request_id);
  }
  Json body = Json::object();
  if (!request.body.empty()) {
    if (encoding == Encoding::kCbor) {
      auto decoded = http::CborToJson(request.body);
      if (!decoded.ok()) {
        return ErrorResponse(AwsError::Client("SerializationException", decoded.status().message()), encoding,
                             request_id);
      }
      body = std::move(decoded.value());
    } else {
      body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        return ErrorResponse(AwsError::Client("SerializationException", "the request body is not valid JSON"), encoding,
                             request_id);
      }
    }
  }
  context.raw_ok = encoding != Encoding::kCbor;
  protocol::Reply reply = dispatcher_->Dispatch(*target, body, context);
  return Encode(reply, encoding, request_id, reply.ok() ? "" : reply.body.value("__type", std::string()));
}

std::optional<http::AuthError> HttpFront::Verify(const http::Request& request, const http::AuthInfo& info) const {
  if (extra_secrets_ && credentials_->secrets.count(info.access_key_id) == 0) {
    if (auto secret = extra_secrets_(info.access_key_id)) {
      http::CredentialStore one;
      one.secrets[info.access_key_id] = std::move(*secret);
      return http::VerifySignature(request, one, std::chrono::system_clock::now());
    }
  }
  return http::VerifySignature(request, *credentials_, std::chrono::system_clock::now());
}

HttpCall HttpFront::MakeCall(const http::Request& request, const std::string& request_id, bool verify) const {
  HttpCall call{request, request_id, {}, {}, false, credentials_.has_value(), {}};
  const bool signed_request = request.Header("authorization") != nullptr ||
                              std::any_of(request.query.begin(), request.query.end(),
                                          [](const auto& q) { return q.first == "X-Amz-Algorithm"; });
  if (signed_request) {
    auto auth = http::ParseAuthorization(request);
    if (auto* error = std::get_if<http::AuthError>(&auth)) {
      call.auth_error = *error;
    } else {
      call.auth = std::get<http::AuthInfo>(auth);
      if (!call.auth->region.empty()) call.context.region = call.auth->region;
      if (credentials_ && verify) {
        call.auth_error = Verify(request, *call.auth);
        call.verified = !call.auth_error.has_value();
      }
    }
  }
  return call;
}

bool HttpFront::StreamsBody(const http::Request& head) const {
  if (head.Header("x-amz-target") != nullptr) return false;
  HttpCall call = MakeCall(head, "", /*verify=*/false);
  for (HttpService* service : services_) {
    if (service->Claims(call)) return service->StreamsBody(call);
  }
  return false;
}

http::Response HttpFront::HandleService(const http::Request& request, const std::string& request_id) {
  HttpCall call = MakeCall(request, request_id, /*verify=*/true);
  call.context.now_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (HttpService* service : services_) {
    if (!service->Claims(call)) continue;
    http::Response response = service->Handle(call);
    bool has_id = false;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-RequestId" || name == "x-amz-request-id") has_id = true;
    }
    if (!has_id) response.headers.emplace_back("x-amzn-RequestId", request_id);
    return response;
  }
  return ErrorResponse(AwsError{"UnknownOperationException",
                                "no operation at " + request.method + " " + request.path +
                                    " (AWS JSON requests are POST / with an X-Amz-Target header)",
                                404,
                                {}},
                       Encoding::kJson11, request_id);
}

}  // namespace freshet::transport
