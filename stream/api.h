// Api: every operation a freshet command performs, as a JSON request and a JSON response.
//
// Operations are named and shaped after the AWS APIs they stand in for, so the same dispatcher
// can later be served over HTTP to Kinesis and DynamoDB clients:
//   streams:   CreateStream, DeleteStream, ListStreams, DescribeStream, UpdateRetention,
//              TrimStream, PutRecords, GetShardIterator, GetRecords
//   tables:    CreateTable, DeleteTable, ListTables, DescribeTable, PutItem, GetItem,
//              DeleteItem, UpdateItem, Query, Scan
//   consumers: ListConsumers, DescribeConsumer, ResetConsumer
// Request and response fields are documented in docs/api.md. Items and key values are
// DynamoDB typed JSON; record data is text when it is valid UTF-8, else base64 with
// "Encoding":"base64".
//
// Two implementations: LocalApi (local_api.h) runs operations on a Db in this process;
// OwnerClient (owner_socket.h) sends them to the process that owns the data directory, whose
// LocalApi runs them. Commands call Api only, so their output is the same either way.
//
// Thread-safety: implementations are safe to call from several threads.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::api {

using Json = nlohmann::json;

class Api {
 public:
  virtual ~Api() = default;
  // Runs `op` with `request`; returns the response object, or the operation's error.
  virtual Result<Json> Call(std::string_view op, const Json& request) = 0;
};

// Whether `op` changes the store (and so needs the writer).
bool IsWriteOp(std::string_view op);

// Status <-> wire form {"code": "NotFound", "message": "..."}.
Json StatusToJson(const Status& status);
Status StatusFromJson(const Json& error);

}  // namespace freshet::api
