// Api: what the CLI commands call — an Endpoint (in process, owner socket or HTTP) plus the turn of
// AWS error replies into the engine Status the CLI prints and maps to exit codes.
//
// Targets name operations the way AWS does: api::Kinesis("PutRecords") is
// "Kinesis_20131202.PutRecords"; api::Freshet("TrimStream") is freshet's own operation.
//
// Thread-safety: as the endpoint's (one thread at a time, except in-process).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tools/protocol/registry.h"
#include "tools/transport/endpoint.h"

namespace freshet::api {

using Json = nlohmann::json;

inline std::string Kinesis(std::string_view op) { return protocol::Target(protocol::Service::kKinesis, op); }
inline std::string Freshet(std::string_view op) { return protocol::Target(protocol::Service::kFreshet, op); }

class Api {
 public:
  explicit Api(std::unique_ptr<transport::Endpoint> endpoint) : endpoint_(std::move(endpoint)) {}

  // Runs `target`; the response body, or the error as a Status whose message is the one sent.
  Result<Json> Call(std::string_view target, const Json& request) {
    protocol::Reply reply = endpoint_->Call(target, request);
    if (reply.ok()) return std::move(reply.body);
    return protocol::StatusForErrorBody(reply.http_status, reply.body);
  }

 private:
  std::unique_ptr<transport::Endpoint> endpoint_;
};

}  // namespace freshet::api
