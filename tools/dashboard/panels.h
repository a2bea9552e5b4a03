// The dashboard's live panels as JSON, read through the operation registry with the O(1) describe
// operations only (no data is scanned on a refresh):
//   streams   — ListStreams + Freshet DescribeStreamStats per stream (shards, records, retention),
//               the arrival time of each shard's oldest record (GetShardIterator TRIM_HORIZON +
//               GetRecords Limit 1, remembered per shard until its first record changes), and the
//               put rate over the last minute from samples of the streams' sequence counters;
//   consumers — Freshet ListConsumers + DescribeConsumer (lag per shard in records and ms);
//   tables    — ListTables + DescribeTable (ItemCount, TableSizeBytes: RocksDB's range estimate).
// Panels of features that may not exist yet (functions, deliveries) are PanelSources the owner can
// replace (DashboardService::SetPanel); their default answers {"items": []}.
//
// Thread-safety: every method may be called from several threads at once.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/status.h"
#include "tools/protocol/dispatcher.h"

namespace freshet::dashboard {

using Json = protocol::Json;
// One panel's data source: the JSON document its endpoint answers.
using PanelSource = std::function<Result<Json>()>;

class OpsPanels {
 public:
  // `dispatcher` is not owned and must outlive this.
  explicit OpsPanels(const protocol::Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  // {"streams": [{"name", "open_shards", "shards", "records", "retention_hours", "put_rate" (records/s over the
  //   last minute, null until two samples exist), "oldest_arrival_ms" (null when empty), "now_ms"}]}
  Result<Json> Streams();
  // {"consumers": [{"name", "stream", "records_behind", "ms_behind", "shards": [{"shard_id", "cursor", "tip",
  //   "records_behind", "ms_behind"}]}]}
  Result<Json> Consumers();
  // {"tables": [{"name", "partition_key", "sort_key", "items", "size_bytes"}]}
  Result<Json> Tables();
  // {"items": [{"function", "runtime", "handler", "source", "state", "records_behind", "ms_behind",
  //   "last_result"}]}: one row per event-source mapping (lag from its cursors, consumer
  //   "esm:<UUID>"), and one per function without a mapping.
  Result<Json> Functions();
  // {"items": [{"name", "type", "status", "source", "bucket", "prefix", "compression", "buffer"}]}
  Result<Json> Deliveries();
  // Samples every stream's put counter (the background sampler calls it every few seconds so the
  // rate is known when a page opens).
  Status Sample();

  // Runs one operation of the registry; the response, or its error as a Status.
  Result<Json> Call(protocol::Service service, std::string_view operation, const Json& request) const;

 private:
  Result<std::vector<std::string>> StreamNames() const;
  void Record(const std::string& stream, uint64_t now_ms, uint64_t counter);
  std::optional<double> RateOf(const std::string& stream, uint64_t now_ms);
  std::optional<uint64_t> OldestArrival(const std::string& stream, const Json& shard);

  const protocol::Dispatcher* dispatcher_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::pair<uint64_t, uint64_t>>> samples_;                // stream -> (ms, counter)
  std::map<std::pair<std::string, std::string>, std::pair<std::string, uint64_t>> oldest_;  // (stream, shard)
                                                                                            // -> (first seq, ms)
};

}  // namespace freshet::dashboard
