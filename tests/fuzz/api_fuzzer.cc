// Fuzzes the operation registry's dispatcher over a writer Db, as the owner and the HTTP server
// run it for every client request. Whatever the request, Dispatch must return a response or an
// AWS error reply: never crash, throw, hang or leak.
//
// Input: up to kMaxOps lines "OP JSON". OP is an operation's name (in any service of the
// registry) when it names one, else the registry's operation number OP's length % size (so
// mutations of the name still reach an operation); JSON that does not parse is passed as a JSON
// string, which Dispatch must refuse. Example:
//   CreateStream {"StreamName":"s","ShardCount":2}
//   PutRecords {"StreamName":"s","Records":[{"PartitionKey":"k","Data":"eA=="}]}
//
// The Db (in a fresh temp dir, sync off) is opened once per process. After every input all
// streams and tables are deleted again, so each input starts from an empty store (ids keep
// counting up; record arrival times come from the clock, the only other state between runs).
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "storage/db.h"
#include "stream/stream_log.h"
#include "tools/protocol/dispatcher.h"

namespace freshet::protocol {
namespace {

constexpr size_t kMaxOps = 16;

struct Owner {
  Owner() {
    char tmpl[] = "/tmp/freshet-api-fuzz-XXXXXX";
    const char* made = mkdtemp(tmpl);
    if (!made) std::abort();
    dir = made;
    storage::OpenOptions options;
    options.sync = false;  // nothing here needs to survive the process
    auto opened = storage::Db::Open(dir, options);
    if (!opened.ok()) std::abort();
    db = std::move(*opened);
    log = std::make_unique<stream::StreamLog>(db.get());
    engine = std::make_unique<Engine>(log.get());
    dispatcher = std::make_unique<Dispatcher>(engine.get(), Settings{});
  }
  ~Owner() {
    dispatcher.reset();
    engine.reset();
    log.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  Reply Call(std::string_view target, const Json& request) {
    return dispatcher->Dispatch(target, request, RequestContext{});
  }

  // Deletes every stream and table, so the next input starts from an empty store.
  void Reset() {
    Reply streams = Call(Target(Service::kKinesis, "ListStreams"), {{"Limit", 10000}});
    if (!streams.ok()) std::abort();
    for (const Json& name : streams.body["StreamNames"]) {
      if (!Call(Target(Service::kKinesis, "DeleteStream"), {{"StreamName", name}}).ok()) std::abort();
    }
    Reply tables = Call(Target(Service::kFreshet, "ListTables"), Json::object());
    if (!tables.ok()) std::abort();
    for (const Json& t : tables.body["Tables"]) {
      if (!Call(Target(Service::kFreshet, "DeleteTable"), {{"TableName", t["name"]}}).ok()) std::abort();
    }
  }

  std::string dir;
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Dispatcher> dispatcher;
};

Owner& TheOwner() {
  static Owner owner;
  return owner;
}

// The target of the operation `name` names, else one picked by the name's length.
std::string TargetFor(std::string_view name) {
  const auto& ops = Registry::Get().operations();
  for (const auto& [target, op] : ops) {
    if (op.name == name) return target;
  }
  auto it = ops.begin();
  std::advance(it, name.size() % ops.size());
  return it->first;
}

}  // namespace
}  // namespace freshet::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::protocol;
  Owner& owner = TheOwner();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t n = 0; n < kMaxOps && !input.empty(); ++n) {
    size_t eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    size_t space = line.find(' ');
    std::string target = TargetFor(line.substr(0, space));
    std::string_view body = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    Json request = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) request = Json(std::string(body.begin(), body.end()));
    Reply reply = owner.Call(target, request);
    // The reply frame exactly as the owner's socket and the HTTP server write it (a strict dump:
    // a response or error message that is not valid UTF-8 throws there, in a server thread).
    std::string frame = Json{{"status", reply.http_status}, {"body", std::move(reply.body)}}.dump();
    (void)frame;
  }
  owner.Reset();
  return 0;
}
