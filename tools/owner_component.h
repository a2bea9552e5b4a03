// OwnerComponent: a part of `freshet serve` that runs beside the consumers for as long as the owner
// does (function workers and event-source mappings, delivery streams, TTL sweeps, ...).
//
// Life cycle, driven by RunOwner (owner.cc): every component is made by MakeOwnerComponents once the
// data directory is open for writing, and may add HttpServices to the front then (before the HTTP
// server starts); Start is called once the HTTP server listens (OwnerEnv::http_url is then known);
// Stop is called (also on a component whose Start failed) on SIGINT / SIGTERM after the HTTP server and the owner
// socket stop taking requests, and must return only when the component's threads are joined and what they were doing is
// committed or abandoned whole. Components are stopped in the reverse order of starting.
//
// Thread-safety: Start and Stop are called from the owner's main thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"
#include "tools/protocol/dispatcher.h"
#include "tools/transport/http_front.h"

namespace freshet::cli {

struct Context;
struct OwnerOptions;

// What components run on. Pointers are not owned and outlive every component.
struct OwnerEnv {
  Context* ctx = nullptr;
  storage::Db* db = nullptr;
  stream::StreamLog* log = nullptr;
  protocol::Engine* engine = nullptr;
  const protocol::Dispatcher* dispatcher = nullptr;
  transport::HttpFront* front = nullptr;
  const OwnerOptions* options = nullptr;
  // "http://127.0.0.1:4566" once the HTTP server listens (set before Start); "" without --http.
  std::string http_url;
};

class OwnerComponent {
 public:
  virtual ~OwnerComponent() = default;
  virtual std::string_view name() const = 0;
  // Starts the component's background work. An error stops the owner before it serves.
  virtual Status Start(const OwnerEnv& env) = 0;
  // Stops and joins the background work (see above). Idempotent.
  virtual void Stop() = 0;
};

// Every component of the owner (owner_components.cc lists them). Errors: a component that cannot
// be set up (its stored state unreadable) fails the owner's start.
Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env);

}  // namespace freshet::cli
