// Typed wrappers over api::Api for the commands: the same calls whether the Api is this
// process's (LocalApi) or the data directory owner's (OwnerClient), so a command prints the
// same either way. Each method is one or two operations of the registry (tools/protocol/registry.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/table_description.h"
#include "query/table_store.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"
#include "tools/transport/api.h"

namespace freshet::cli {

// A stream as the CLI shows it (DescribeStreamSummary).
struct StreamSummary {
  std::string name;
  uint32_t open_shards = 0;
  uint32_t retention_hours = 0;
  uint64_t created_ms = 0;
  std::string mode;  // PROVISIONED or ON_DEMAND
};

// A put acknowledged: the shard and the sequence number as people read them (freshet's log
// number, e.g. "17", when the endpoint is a freshet; AWS's long text otherwise).
struct PutAck {
  std::string shard_id;
  std::string sequence;
};

// A record read back; `sequence` as in PutAck.
struct ReadRecord {
  std::string shard_id;
  std::string sequence;
  uint64_t arrival_ms = 0;
  std::string partition_key;
  std::optional<std::string> explicit_hash_key;
  std::string data;
};

struct ReadPage {
  std::vector<ReadRecord> records;
  std::optional<std::string> next_iterator;  // absent at the end of a closed shard
};

// Stream commands over the Kinesis API (plus freshet's own operations where AWS has none), so
// they work against a freshet in process, its owner, or any Kinesis endpoint.
class StreamClient {
 public:
  explicit StreamClient(api::Api* api) : api_(api) {}
  // CreateStream, then the retention if it is not Kinesis's default of 24 hours.
  Result<StreamSummary> Create(const std::string& name, uint32_t shards, uint32_t retention_hours);
  Result<std::vector<StreamSummary>> List();
  Result<StreamSummary> Get(const std::string& name);
  // Freshet's DescribeStreamStats (per-shard first/last sequence numbers and record counts).
  Result<api::Json> DescribeStats(const std::string& name);
  // Every shard id of the stream, open and closed, in order (ListShards).
  Result<std::vector<std::string>> ShardIds(const std::string& name);
  Status Delete(const std::string& name);
  Status SetRetention(const std::string& name, uint32_t hours);
  // Removes expired records now (a freshet operation; 0 from endpoints that do not have it).
  Result<uint64_t> Trim(const std::string& name);
  // One atomic, durable batch (PutRecords); acknowledgements in input order.
  Result<std::vector<PutAck>> Put(const std::string& name, std::vector<stream::PutRecord> records);
  // The same without the acknowledgements (what a bulk ingest needs; skips converting each one).
  Status PutAll(const std::string& name, std::vector<stream::PutRecord>&& records);
  // A shard iterator for `position` ("trim-horizon", "latest", "at:SEQ", "after:SEQ",
  // "timestamp:ISO8601" with freshet's log numbers as SEQ).
  Result<std::string> Iterator(const std::string& name, const std::string& shard_id, const std::string& position);
  Result<ReadPage> Read(const std::string& iterator, size_t limit);

 private:
  Result<api::Json> PutRecords(const std::string& name, std::vector<stream::PutRecord>&& records);

  api::Api* api_;
};

class TableClient {
 public:
  explicit TableClient(api::Api* api) : api_(api) {}
  Result<query::TableDescription> Create(const std::string& spec_json);
  Result<query::TableDescription> CreateFromFlags(const std::string& name, const std::string& partition_key,
                                                  const std::string& sort_key);
  Result<query::TableDescription> Get(const std::string& name);
  Result<std::vector<query::TableDescription>> List();
  Result<query::TableStats> Stats(const std::string& name);
  Status Delete(const std::string& name);
  Result<std::optional<query::Item>> GetItem(const std::string& table, const query::Item& key);
  Status PutItem(const std::string& table, const query::Item& item);
  // All or nothing, in one write.
  Status PutItems(const std::string& table, const std::vector<query::Item>& items);
  Result<bool> DeleteItem(const std::string& table, const query::Item& key);
  Result<query::Item> UpdateItem(const std::string& table, const query::Item& key, const query::Item& set,
                                 const std::vector<std::string>& remove);
  Result<query::Page> Query(const std::string& table, const query::QueryRequest& request);
  Result<query::Page> Scan(const std::string& table, const query::ScanRequest& request);

 private:
  api::Api* api_;
};

}  // namespace freshet::cli
