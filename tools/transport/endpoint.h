// Endpoint: one way to reach the operation registry. Every CLI command talks to one of these:
//   LocalEndpoint  — the registry in this process, on the data directory (no owner running);
//   OwnerEndpoint  — the owner's Unix socket <data dir>/freshet.sock (owner_socket.h);
//   HttpEndpoint   — any AWS-protocol HTTP endpoint, `--endpoint URL` (http_endpoint.h).
// All carry the same AWS requests (a target and a JSON body) and return the same replies.
//
// Thread-safety: LocalEndpoint::Call is safe from several threads; the socket and HTTP endpoints
// hold one connection and are used from one thread at a time.
#pragma once

#include <string>
#include <string_view>

#include "tools/protocol/dispatcher.h"

namespace freshet::transport {

using protocol::Json;
using protocol::Reply;

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Runs the operation `target` ("Kinesis_20131202.PutRecords") with `request`.
  virtual Reply Call(std::string_view target, const Json& request) = 0;
};

class LocalEndpoint : public Endpoint {
 public:
  // Opens `dir` lazily as operations need it; `sync` is the durability policy for writes;
  // `follow`: reads must see later writes of another process (see protocol::Engine).
  LocalEndpoint(std::string dir, bool sync, protocol::Settings settings = {}, bool follow = false)
      : engine_(std::move(dir), sync, follow), dispatcher_(&engine_, settings) {}
  Reply Call(std::string_view target, const Json& request) override {
    return dispatcher_.Dispatch(target, request, protocol::RequestContext{});
  }

 private:
  protocol::Engine engine_;
  protocol::Dispatcher dispatcher_;
};

}  // namespace freshet::transport
