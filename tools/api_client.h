// Typed wrappers over api::Api for the commands: the same calls whether the Api is this
// process's (LocalApi) or the data directory owner's (OwnerClient), so a command prints the
// same either way. Each method is one Api operation (see stream/api.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/table_description.h"
#include "query/table_store.h"
#include "stream/api.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"

namespace freshet::cli {

class StreamClient {
 public:
  explicit StreamClient(api::Api* api) : api_(api) {}
  Result<stream::StreamDescription> Create(const std::string& name, uint32_t shards, uint32_t retention_hours);
  Result<std::vector<stream::StreamDescription>> List();
  // The description and per-shard facts (DescribeStream's response).
  Result<api::Json> Describe(const std::string& name);
  Result<stream::StreamDescription> Get(const std::string& name);
  Status Delete(const std::string& name);
  Status SetRetention(const std::string& name, uint32_t hours);
  Result<uint64_t> Trim(const std::string& name);
  // One atomic, durable batch; results in input order.
  Result<std::vector<stream::PutResult>> Put(const std::string& name, const std::vector<stream::PutRecord>& records);
  // The first sequence number to read for `position` ("trim-horizon", "at:5", ...).
  Result<uint64_t> Resolve(const stream::StreamDescription& d, uint32_t shard, const std::string& position);
  Result<std::vector<stream::Record>> Read(const stream::StreamDescription& d, uint32_t shard, uint64_t from,
                                           size_t limit);

 private:
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
