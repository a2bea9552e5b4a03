// Fuzzes the whole HTTP request -> dispatcher path of `freshet serve --http`: HttpFront::Handle
// (target and content-type routing, authentication form, JSON or CBOR body decoding, the
// registry's handlers over a writer Db, reply encoding) on arbitrary requests. Nothing may crash,
// throw, hang or leak; every reply has an HTTP status and a body that parses in its content type.
//
// Input: "TARGET\nCONTENT-TYPE\n" then the body; a valid Authorization header is always present,
// so requests reach the handlers. Each input starts from an empty store.
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
#include "tools/http/cbor.h"
#include "tools/transport/http_front.h"

namespace freshet::transport {
namespace {

struct Server {
  Server() {
    char tmpl[] = "/tmp/freshet-http-front-fuzz-XXXXXX";
    const char* made = mkdtemp(tmpl);
    if (!made) std::abort();
    dir = made;
    storage::OpenOptions options;
    options.sync = false;
    auto opened = storage::Db::Open(dir, options);
    if (!opened.ok()) std::abort();
    db = std::move(*opened);
    log = std::make_unique<stream::StreamLog>(db.get());
    engine = std::make_unique<protocol::Engine>(log.get());
    dispatcher = std::make_unique<protocol::Dispatcher>(engine.get(), protocol::Settings{});
    front = std::make_unique<HttpFront>(dispatcher.get(), std::nullopt);
  }
  ~Server() {
    front.reset();
    dispatcher.reset();
    engine.reset();
    log.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  // Deletes every stream and table, so the next input starts from an empty store.
  void Reset() {
    protocol::Reply streams = dispatcher->Dispatch("Kinesis_20131202.ListStreams", {{"Limit", 10000}}, {});
    for (const auto& name : streams.body["StreamNames"]) {
      (void)dispatcher->Dispatch("Kinesis_20131202.DeleteStream", {{"StreamName", name}}, {});
    }
    protocol::Reply tables = dispatcher->Dispatch("Freshet_20261129.ListTables", protocol::Json::object(), {});
    for (const auto& t : tables.body["Tables"]) {
      (void)dispatcher->Dispatch("Freshet_20261129.DeleteTable", {{"TableName", t["name"]}}, {});
    }
  }
  std::string dir;
  std::unique_ptr<storage::Db> db;
  std::unique_ptr<stream::StreamLog> log;
  std::unique_ptr<protocol::Engine> engine;
  std::unique_ptr<protocol::Dispatcher> dispatcher;
  std::unique_ptr<HttpFront> front;
};

Server& TheServer() {
  static Server server;
  return server;
}

}  // namespace
}  // namespace freshet::transport

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet;
  auto& server = transport::TheServer();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto line = [&input]() {
    size_t eol = input.find('\n');
    std::string_view out = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    return std::string(out);
  };
  http::Request request;
  request.method = "POST";
  request.path = "/";
  request.raw_target = "/";
  request.headers = {{"x-amz-target", line()},
                     {"content-type", line()},
                     {"x-amz-date", "20261129T120000Z"},
                     {"authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/kinesis/aws4_request, "
                      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                      "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}};
  request.body = std::string(input);
  http::Response reply = server.front->Handle(request);
  if (reply.status < 200 || reply.status > 599) std::abort();
  if (reply.content_type.find("cbor") != std::string::npos) {
    if (!http::CborToJson(reply.body).ok()) std::abort();
  } else if (nlohmann::json::parse(reply.body, nullptr, false).is_discarded()) {
    std::abort();
  }
  server.Reset();
  return 0;
}
