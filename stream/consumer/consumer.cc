#include "stream/consumer/consumer.h"

#include <algorithm>
#include <chrono>

#include "stream/consumer/cursors.h"
#include "stream/shard_router.h"

namespace freshet::stream {

namespace {

constexpr uint32_t kDeadLetterRetentionHours = 7 * 24;

}  // namespace

Consumer::Consumer(StreamLog* log, PipelineSpec spec, ConsumerOptions options)
    : log_(log), db_(log->db()), spec_(std::move(spec)), options_(std::move(options)), tables_(log->db()) {}

Result<std::unique_ptr<Consumer>> Consumer::Open(StreamLog* log, PipelineSpec spec, ConsumerOptions options) {
  std::unique_ptr<Consumer> c(new Consumer(log, std::move(spec), std::move(options)));
  FRESHET_RETURN_IF_ERROR(c->Resolve());
  return c;
}

Status Consumer::Resolve() {
  auto get_or_create = [&](const std::string& name, uint32_t shards, uint32_t retention,
                           bool create) -> Result<StreamDescription> {
    auto d = log_->Get(name);
    if (d.ok() || !d.status().IsNotFound() || !create) return d;
    auto created = log_->Create(name, shards, retention);
    if (created.ok() || created.status().code() != Status::Code::kAlreadyExists) return created;
    return log_->Get(name);
  };
  FRESHET_ASSIGN_OR_RETURN(
      stream_, get_or_create(spec_.stream, spec_.stream_shards, kDefaultRetentionHours, spec_.create_if_missing));
  FRESHET_ASSIGN_OR_RETURN(dlq_, get_or_create(spec_.dead_letter_stream, 1, kDeadLetterRetentionHours, true));
  std::vector<query::TableDescription> tables;
  for (const TargetSpec& t : spec_.targets) {
    auto table = tables_.Get(t.table);
    if (!table.ok() && table.status().IsNotFound() && spec_.create_if_missing && t.key_schema) {
      table = tables_.Create(*t.key_schema);
      if (!table.ok() && table.status().code() == Status::Code::kAlreadyExists) table = tables_.Get(t.table);
    }
    if (!table.ok()) return table.status();
    const query::TableDescription& d = *table;
    if (d.WritesDerived()) {
      // The consumer writes encoded items straight into the batch (no read of the items it
      // replaces), so it cannot maintain index entries or change records.
      return Status::InvalidArgument("pipeline '" + spec_.consumer + "': target table '" + t.table +
                                     "' has secondary indexes or a change stream, which a pipeline cannot "
                                     "maintain; write it through the DynamoDB API instead");
    }
    size_t want = d.sort_key ? 2 : 1;
    bool ok = t.key.size() == want;
    for (const auto& k : t.key) {
      ok = ok && (k.name_template == d.partition_key.name || (d.sort_key && k.name_template == d.sort_key->name));
    }
    if (!ok) {
      return Status::InvalidArgument("pipeline '" + spec_.consumer + "': the key of target table '" + t.table +
                                     "' must map exactly its key attributes (" + d.partition_key.name +
                                     (d.sort_key ? ", " + d.sort_key->name : "") + ")");
    }
    tables.push_back(d);
  }
  // An aggregate table's items are groups that only aggregate targets update: a put or merge
  // of the same items would break the sums.
  for (const TargetSpec& a : spec_.targets) {
    if (a.mode != TargetSpec::Mode::kAggregate) continue;
    for (const TargetSpec& t : spec_.targets) {
      if (t.table == a.table && t.mode != TargetSpec::Mode::kAggregate) {
        return Status::InvalidArgument("pipeline '" + spec_.consumer + "': table '" + a.table +
                                       "' is an aggregate target and cannot also be a put or merge target");
      }
    }
  }
  mapper_ = std::make_unique<RecordMapper>(&spec_, std::move(tables));
  // Two threads beside the caller: one prepares the next step while the caller waits for the
  // write's sync, and both map records (two cores is the machine this is tuned for).
  pool_ = std::make_unique<WorkerPool>(2);
  shards_.assign(stream_.shard_count, ShardState{});
  // A step (and the one read ahead) holds at most about kMaxStepRecords records and
  // kMaxStepBytes of data whatever the shard count, so memory does not grow with the stream.
  const size_t shards = std::max<size_t>(1, stream_.shard_count);
  shard_batch_ = std::max<size_t>(1, std::min(options_.batch, std::max<size_t>(16, kMaxStepRecords / shards)));
  shard_bytes_ = std::max<size_t>(64 << 10, kMaxStepBytes / shards);
  return Status::OK();
}

Status Consumer::CheckMissed(uint32_t shard, uint64_t first_available) {
  ShardState& st = shards_[shard];
  if (first_available <= st.next) return Status::OK();
  FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, stream_.id, shard));
  if (horizon <= st.next) return Status::OK();  // a gap left by a failed write, not retention
  uint64_t missed = std::min(first_available, horizon) - st.next;
  stats_.missed += missed;
  if (options_.notice) {
    options_.notice("consumer " + spec_.consumer + ": " + std::to_string(missed) + " records of " + ShardId(shard) +
                    " were removed by retention before they were applied; continuing from "
                    "the trim horizon (sequence " +
                    std::to_string(horizon) + ")");
  }
  st.next = std::min(first_available, horizon);
  return Status::OK();
}

Status Consumer::Refresh() {
  FRESHET_ASSIGN_OR_RETURN(StreamDescription now, log_->Get(stream_.name));
  if (now.id != stream_.id) {
    return Status::FailedPrecondition("consumer " + spec_.consumer + ": stream '" + stream_.name +
                                      "' was deleted and created again while it was consumed");
  }
  stream_ = std::move(now);
  shards_.resize(stream_.shard_count);
  return Status::OK();
}

bool Consumer::ParentsDone(uint32_t shard, const std::vector<bool>& ended) const {
  for (std::optional<uint32_t> p : {stream_.shards[shard].parent, stream_.shards[shard].adjacent_parent}) {
    if (p && !shards_[*p].finished && !ended[*p]) return false;
  }
  return true;
}

Result<ReadResult> Consumer::ReadBatch(uint32_t shard) {
  ShardState& st = shards_[shard];
  if (!st.loaded) {
    const ShardDescription& sd = stream_.shards[shard];
    FRESHET_ASSIGN_OR_RETURN(st.cursor, LoadCursor(*db_, spec_.consumer, stream_.id, shard));
    bool parent_consumed = false;
    for (std::optional<uint32_t> p : {sd.parent, sd.adjacent_parent}) parent_consumed |= p && shards_[*p].consumed;
    if (st.cursor) {
      st.next = *st.cursor + 1;
    } else if (parent_consumed) {
      FRESHET_ASSIGN_OR_RETURN(st.next, ResolvePosition(*db_, stream_, shard, Position{}));
    } else {
      FRESHET_ASSIGN_OR_RETURN(st.next, ResolvePosition(*db_, stream_, shard, options_.start));
    }
    st.consumed = st.cursor || parent_consumed || sd.open();
    st.loaded = true;
  }
  FRESHET_ASSIGN_OR_RETURN(auto page, ReadShardPage(*db_, stream_, shard, st.next, shard_batch_, shard_bytes_));
  const auto& records = page.records;
  if (records.empty()) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, stream_.id, shard));
    if (horizon > st.next) FRESHET_RETURN_IF_ERROR(CheckMissed(shard, horizon));
  } else {
    FRESHET_RETURN_IF_ERROR(CheckMissed(shard, records.front().sequence));
  }
  return page;
}

Status Consumer::Drain(const std::function<bool()>& stop) {
  while (!stop || !stop()) {
    FRESHET_ASSIGN_OR_RETURN(size_t n, Step());
    if (n == 0) break;
  }
  return Status::OK();
}

Status Consumer::Follow(const std::function<bool()>& stop, const std::function<void()>& on_idle) {
  auto last_trim = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stop()) {
    if (std::chrono::steady_clock::now() - last_trim > std::chrono::minutes(1)) {
      FRESHET_RETURN_IF_ERROR(log_->TrimExpired(stream_, NowMs()).status());
      last_trim = std::chrono::steady_clock::now();
    }
    uint64_t version = log_->put_version();
    FRESHET_ASSIGN_OR_RETURN(size_t n, Step());
    if (n > 0) continue;
    if (on_idle) on_idle();
    // Puts in this process wake us at once; the timeout bounds how long a stop request waits.
    log_->WaitForPut(version, 100);
  }
  return Status::OK();
}

}  // namespace freshet::stream
