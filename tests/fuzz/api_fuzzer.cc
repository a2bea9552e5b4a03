// Fuzzes the owner's request dispatcher: api::LocalApi over a writer Db, as the owner runs it
// for every client request. Whatever the request, Call must return a response or a Status:
// never crash, throw, hang or leak.
//
// Input: up to kMaxOps lines "OP JSON". OP is one of kOps when it names one, else
// kOps[OP's length % size] (so mutations of the name still reach an operation); JSON that does
// not parse is passed as a JSON string, which Call must refuse. Example:
//   CreateStream {"StreamName":"s","ShardCount":2}
//   PutRecords {"StreamName":"s","Records":[{"PartitionKey":"k","Data":"x"}]}
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
#include "stream/api.h"
#include "stream/local_api.h"
#include "stream/stream_log.h"

namespace freshet::api {
namespace {

constexpr size_t kMaxOps = 16;

constexpr std::string_view kOps[] = {
    "CreateStream",  "DeleteStream",   "ListStreams",    "DescribeStream",   "UpdateRetention",
    "TrimStream",    "PutRecords",     "GetShardIterator", "GetRecords",     "CreateTable",
    "DeleteTable",   "ListTables",     "DescribeTable",  "PutItem",          "GetItem",
    "DeleteItem",    "UpdateItem",     "BatchWriteItem", "Query",            "Scan",
    "ListConsumers", "DescribeConsumer", "ResetConsumer",
};
constexpr size_t kOpCount = sizeof(kOps) / sizeof(kOps[0]);

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
    api = std::make_unique<LocalApi>(log.get());
  }
  ~Owner() {
    api.reset();
    log.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // Deletes every stream and table, so the next input starts from an empty store.
  void Reset() {
    if (auto streams = api->Call("ListStreams", Json::object()); streams.ok()) {
      for (const Json& s : (*streams)["Streams"]) {
        if (!api->Call("DeleteStream", Json{{"StreamName", s["name"]}}).ok()) std::abort();
      }
    } else {
      std::abort();
    }
    if (auto tables = api->Call("ListTables", Json::object()); tables.ok()) {
      for (const Json& t : (*tables)["Tables"]) {
        if (!api->Call("DeleteTable", Json{{"TableName", t["name"]}}).ok()) std::abort();
      }
    } else {
      std::abort();
    }
  }

  std::string dir;
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<LocalApi> api;
};

Owner& TheOwner() {
  static Owner owner;
  return owner;
}

std::string_view OpFor(std::string_view name) {
  for (std::string_view op : kOps) {
    if (op == name) return op;
  }
  return kOps[name.size() % kOpCount];
}

}  // namespace
}  // namespace freshet::api

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::api;
  Owner& owner = TheOwner();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t n = 0; n < kMaxOps && !input.empty(); ++n) {
    size_t eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    size_t space = line.find(' ');
    std::string_view op = OpFor(line.substr(0, space));
    std::string_view body = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    Json request = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) request = Json(std::string(body.begin(), body.end()));
    freshet::Result<Json> response = owner.api->Call(op, request);
    // The reply frame exactly as OwnerServer writes it (a strict dump: a response or error
    // message that is not valid UTF-8 throws there, in the owner's client thread).
    std::string reply = response.ok() ? Json{{"ok", true}, {"response", std::move(response.value())}}.dump()
                                      : Json{{"ok", false}, {"error", StatusToJson(response.status())}}.dump();
    (void)reply;
  }
  owner.Reset();
  return 0;
}
